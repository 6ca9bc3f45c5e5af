/* eval-score.c: entity and stance scoring (see eval-score.h). */
#include "eval-score.h"

#include <math.h>
#include <string.h>

double eval_ratio(guint64 num, guint64 den) {
  return den ? (double)num / (double)den : NAN;
}

double eval_f1(double precision, double recall) {
  if (isnan(precision) || isnan(recall))
    return NAN;
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
}

double eval_entity_f1(const eval_counts *c) {
  return eval_f1(eval_ratio(c->tp, c->tp + c->fp), eval_ratio(c->tp, c->tp + c->fn));
}

double eval_stance_f1(const eval_stance_counts *c) {
  return eval_f1(eval_ratio(c->tp, c->tp + c->fp), eval_ratio(c->explicit_hit, c->explicit_gold));
}

/* ---- Scope ------------------------------------------------------------------------------- */

/* Every record type starts with its doc (a struct's first member is at its address). */
static const char *record_doc(gconstpointer record) {
  return *(char *const *)record;
}

/* Appends a copy of `doc` to `list` unless `seen` (owning its keys) has it. */
static void add_once(GPtrArray *list, GHashTable *seen, const char *doc) {
  if (!g_hash_table_contains(seen, doc)) {
    g_hash_table_add(seen, g_strdup(doc));
    g_ptr_array_add(list, g_strdup(doc));
  }
}

/* Removes (and frees) the records whose doc is not in `keep`, keeping the order of the others;
 * adds their docs to `dropped` (when not NULL) once each. */
static void keep_docs(GPtrArray *records, GHashTable *keep, GPtrArray *dropped, GHashTable *seen) {
  GPtrArray *gone = g_ptr_array_new();
  guint out = 0;
  for (guint i = 0; i < records->len; i++) {
    gpointer r = records->pdata[i];
    if (g_hash_table_contains(keep, record_doc(r))) {
      records->pdata[out++] = r;
      continue;
    }
    if (dropped)
      add_once(dropped, seen, record_doc(r));
    g_ptr_array_add(gone, r);
  }
  /* The dropped records go to the tail, which g_ptr_array_set_size frees. */
  if (gone->len > 0) /* pdata may be NULL when empty */
    memcpy(records->pdata + out, gone->pdata, gone->len * sizeof(gpointer));
  g_ptr_array_set_size(records, out);
  g_ptr_array_free(gone, TRUE);
}

static GHashTable *doc_set(const eval_set *set) {
  GHashTable *docs = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < set->entities->len; i++)
    g_hash_table_add(docs, (gpointer)record_doc(set->entities->pdata[i]));
  for (guint i = 0; i < set->stances->len; i++)
    g_hash_table_add(docs, (gpointer)record_doc(set->stances->pdata[i]));
  return docs;
}

void eval_scope(eval_set *gold, eval_set *pred, const GPtrArray *scanned, GPtrArray **unscanned,
                GPtrArray **ungolded) {
  GHashTable *gold_docs = doc_set(gold);
  GHashTable *scanned_docs = g_hash_table_new(g_str_hash, g_str_equal);
  *unscanned = g_ptr_array_new_with_free_func(g_free);
  *ungolded = g_ptr_array_new_with_free_func(g_free);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < scanned->len; i++) {
    g_hash_table_add(scanned_docs, scanned->pdata[i]);
    if (!g_hash_table_contains(gold_docs, scanned->pdata[i]))
      add_once(*ungolded, seen, scanned->pdata[i]);
  }
  keep_docs(pred->entities, gold_docs, NULL, NULL);
  keep_docs(pred->stances, gold_docs, NULL, NULL);
  g_hash_table_destroy(gold_docs); /* its keys point into the gold records */
  g_hash_table_remove_all(seen);
  keep_docs(gold->entities, scanned_docs, *unscanned, seen);
  keep_docs(gold->stances, scanned_docs, *unscanned, seen);
  g_hash_table_destroy(seen);
  g_hash_table_destroy(scanned_docs);
}

/* ---- Entities ---------------------------------------------------------------------------- */

static char *entity_key(const eval_entity *e) {
  return g_strdup_printf("%s\x1f%" G_GUINT64_FORMAT "\x1f%" G_GUINT64_FORMAT "\x1f%s", e->doc,
                         e->start, e->end, e->label);
}

static gboolean overlaps(const eval_entity *a, const eval_entity *b) {
  return strcmp(a->doc, b->doc) == 0 && a->start < b->end && b->start < a->end;
}

/* The first entity of `list` (same doc) overlapping `e`, with label IGNORE or not. */
static const eval_entity *first_overlap(const GPtrArray *list, const eval_entity *e,
                                        gboolean ignore) {
  for (guint i = 0; list && i < list->len; i++) {
    const eval_entity *o = list->pdata[i];
    if (overlaps(o, e) && (strcmp(o->label, EVAL_IGNORE) == 0) == ignore)
      return o;
  }
  return NULL;
}

/* Distinct entities (by key) whose label is scored or IGNORE (`with_ignore`), grouped by doc
 * (doc -> GPtrArray of const eval_entity*), in input order; `index` maps key -> entity. */
static GPtrArray *distinct(const GPtrArray *entities, GHashTable *scored, gboolean with_ignore,
                           GHashTable *index, GHashTable *by_doc) {
  GPtrArray *out = g_ptr_array_new();
  for (guint i = 0; i < entities->len; i++) {
    const eval_entity *e = entities->pdata[i];
    if (!e->label || !(g_hash_table_contains(scored, e->label) ||
                       (with_ignore && strcmp(e->label, EVAL_IGNORE) == 0)))
      continue;
    char *key = entity_key(e);
    if (g_hash_table_contains(index, key)) {
      g_free(key);
      continue;
    }
    g_hash_table_insert(index, key, (gpointer)e);
    g_ptr_array_add(out, (gpointer)e);
    GPtrArray *list = g_hash_table_lookup(by_doc, e->doc);
    if (!list) {
      list = g_ptr_array_new();
      g_hash_table_insert(by_doc, e->doc, list);
    }
    g_ptr_array_add(list, (gpointer)e);
  }
  return out;
}

static void add_issue(eval_result *r, eval_issue_kind kind, const eval_entity *pred,
                      const eval_entity *gold) {
  eval_entity_issue issue = {kind, pred, gold};
  g_array_append_val(r->entity_issues, issue);
}

static const eval_entity *issue_span(const eval_entity_issue *i) {
  return i->kind == EVAL_ISSUE_FP ? i->pred : i->gold;
}

static gint compare_issues(gconstpointer pa, gconstpointer pb) {
  const eval_entity_issue *a = pa, *b = pb;
  const eval_entity *x = issue_span(a), *y = issue_span(b);
  int c = strcmp(x->doc, y->doc);
  if (c)
    return c;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return strcmp(x->label, y->label);
}

static void label_score_free(eval_label_score *s) {
  g_free(s->label);
  g_free(s);
}

static gint compare_strings(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **eval_gold_labels(const eval_set *gold) {
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *labels = g_ptr_array_new();
  for (guint i = 0; i < gold->entities->len; i++) {
    const char *label = ((eval_entity *)gold->entities->pdata[i])->label;
    if (strcmp(label, EVAL_IGNORE) != 0 && g_hash_table_add(seen, (gpointer)label))
      g_ptr_array_add(labels, g_strdup(label));
  }
  g_ptr_array_sort(labels, compare_strings);
  g_ptr_array_add(labels, NULL);
  g_hash_table_destroy(seen);
  return (char **)g_ptr_array_free(labels, FALSE);
}

/* The scored labels: label -> eval_label_score*, also appended to r->labels. */
static GHashTable *scored_labels(eval_result *r, const char *const *labels) {
  GHashTable *scored = g_hash_table_new(g_str_hash, g_str_equal);
  for (const char *const *l = labels; *l; l++) {
    if (g_hash_table_contains(scored, *l))
      continue;
    eval_label_score *s = g_new0(eval_label_score, 1);
    s->label = g_strdup(*l);
    g_hash_table_insert(scored, s->label, s);
    g_ptr_array_add(r->labels, s);
  }
  return scored;
}

static void score_entities(eval_result *r, const eval_set *gold, const eval_set *pred,
                           const char *const *labels) {
  GHashTable *scored = scored_labels(r, labels);
  GHashTable *gold_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *pred_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *gold_docs =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  GHashTable *pred_docs =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  GHashTable *matched = g_hash_table_new(NULL, NULL);
  GPtrArray *golds = distinct(gold->entities, scored, TRUE, gold_index, gold_docs);
  GPtrArray *preds = distinct(pred->entities, scored, FALSE, pred_index, pred_docs);
  for (guint i = 0; i < preds->len; i++) {
    const eval_entity *p = preds->pdata[i];
    eval_counts *c = &((eval_label_score *)g_hash_table_lookup(scored, p->label))->counts;
    char *key = entity_key(p);
    const eval_entity *g = g_hash_table_lookup(gold_index, key);
    g_free(key);
    GPtrArray *doc_gold = g_hash_table_lookup(gold_docs, p->doc);
    if (g) {
      c->tp++;
      g_hash_table_add(matched, (gpointer)g);
      if (g_strcmp0(p->id, g->id) == 0)
        c->id_ok++;
      else
        add_issue(r, EVAL_ISSUE_ID, p, g);
    } else if (first_overlap(doc_gold, p, TRUE) && !first_overlap(doc_gold, p, FALSE)) {
      r->neutral++;
    } else {
      c->fp++;
      add_issue(r, EVAL_ISSUE_FP, p, first_overlap(doc_gold, p, FALSE));
    }
  }
  for (guint i = 0; i < golds->len; i++) {
    const eval_entity *g = golds->pdata[i];
    eval_label_score *s = g_hash_table_lookup(scored, g->label);
    if (!s || g_hash_table_contains(matched, g))
      continue; /* IGNORE, or found */
    s->counts.fn++;
    add_issue(r, EVAL_ISSUE_MISS, first_overlap(g_hash_table_lookup(pred_docs, g->doc), g, FALSE),
              g);
  }
  for (guint i = 0; i < r->labels->len; i++) {
    const eval_counts *c = &((eval_label_score *)r->labels->pdata[i])->counts;
    r->all.tp += c->tp, r->all.fp += c->fp, r->all.fn += c->fn, r->all.id_ok += c->id_ok;
  }
  g_array_sort(r->entity_issues, compare_issues);
  g_ptr_array_free(golds, TRUE);
  g_ptr_array_free(preds, TRUE);
  g_hash_table_destroy(matched);
  g_hash_table_destroy(pred_docs);
  g_hash_table_destroy(gold_docs);
  g_hash_table_destroy(pred_index);
  g_hash_table_destroy(gold_index);
  g_hash_table_destroy(scored);
}

/* ---- Stance ------------------------------------------------------------------------------ */

static gboolean has_id(const GPtrArray *ids, const char *id) {
  for (guint i = 0; id && i < ids->len; i++)
    if (strcmp(ids->pdata[i], id) == 0)
      return TRUE;
  return FALSE;
}

static gboolean stance_matches(const eval_gold_stance *g, const eval_stance *p) {
  return strcmp(g->doc, p->doc) == 0 && strcmp(g->stance, p->stance) == 0 &&
         has_id(g->holders, p->holder) && has_id(g->targets, p->target);
}

static void score_stances(eval_result *r, const eval_set *gold, const eval_set *pred) {
  eval_stance_counts *c = &r->stance;
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *hit = g_hash_table_new(NULL, NULL);
  for (guint i = 0; i < pred->stances->len; i++) {
    const eval_stance *p = pred->stances->pdata[i];
    /* \x1e marks a missing id, which matches nothing. */
    char *key = g_strjoin("\x1f", p->doc, p->holder ? p->holder : "\x1e", p->stance,
                          p->target ? p->target : "\x1e", NULL);
    if (!g_hash_table_add(seen, key))
      continue; /* the set holds it already */
    gboolean scored = FALSE, optional = FALSE;
    for (guint k = 0; k < gold->stances->len; k++) {
      const eval_gold_stance *g = gold->stances->pdata[k];
      if (!stance_matches(g, p))
        continue;
      if (g->kind == EVAL_OPTIONAL) {
        optional = TRUE;
      } else {
        scored = TRUE;
        g_hash_table_add(hit, (gpointer)g);
      }
    }
    if (scored)
      c->tp++;
    else if (optional)
      c->neutral++;
    else {
      c->fp++;
      g_ptr_array_add(r->stance_fps, (gpointer)p);
    }
  }
  for (guint k = 0; k < gold->stances->len; k++) {
    const eval_gold_stance *g = gold->stances->pdata[k];
    gboolean found = g_hash_table_contains(hit, g);
    if (g->kind == EVAL_OPTIONAL) {
      c->optional_gold++;
      continue;
    }
    if (g->kind == EVAL_EXPLICIT)
      c->explicit_gold++, c->explicit_hit += found;
    else
      c->implicit_gold++, c->implicit_hit += found;
    if (!found)
      g_ptr_array_add(r->stance_misses, (gpointer)g);
  }
  g_hash_table_destroy(hit);
  g_hash_table_destroy(seen);
}

eval_result *eval_score(const eval_set *gold, const eval_set *pred, const char *const *labels) {
  eval_result *r = g_new0(eval_result, 1);
  r->labels = g_ptr_array_new_with_free_func((GDestroyNotify)label_score_free);
  r->entity_issues = g_array_new(FALSE, FALSE, sizeof(eval_entity_issue));
  r->stance_fps = g_ptr_array_new();
  r->stance_misses = g_ptr_array_new();
  score_entities(r, gold, pred, labels);
  score_stances(r, gold, pred);
  return r;
}

void eval_result_free(eval_result *r) {
  if (!r)
    return;
  g_ptr_array_free(r->labels, TRUE);
  g_array_free(r->entity_issues, TRUE);
  g_ptr_array_free(r->stance_fps, TRUE);
  g_ptr_array_free(r->stance_misses, TRUE);
  g_free(r);
}
