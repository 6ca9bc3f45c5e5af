/* eval-report.c: the text and JSON forms of an eval result (see eval-report.h). */
#include "eval-report.h"
#include "output-priv.h"
#include "output.h"

#include <math.h>
#include <string.h>

/* ---- Text -------------------------------------------------------------------------------- */

static void ratio_text(GString *out, double v, int width) {
  if (isnan(v))
    g_string_append_printf(out, " %*s", width, "-");
  else
    g_string_append_printf(out, " %*.3f", width, v);
}

/* Terminal-safe text (control characters as spaces). */
static void safe(GString *out, const char *s) {
  out_valid_utf8(out, s ? s : "-", s ? strlen(s) : 1, out_display_escape);
}

static void quoted(GString *out, const char *s) {
  g_string_append_c(out, '"');
  safe(out, s ? s : "");
  g_string_append_c(out, '"');
}

static void counts_row(GString *out, const char *label, int width, const eval_counts *c) {
  g_string_append(out, "  ");
  safe(out, label);
  g_string_append_printf(out, "%*s", (int)(width - strlen(label)), "");
  g_string_append_printf(out,
                         " %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT
                         " %6" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT,
                         c->tp + c->fn, c->tp + c->fp, c->tp, c->fp, c->fn);
  double p = eval_ratio(c->tp, c->tp + c->fp), r = eval_ratio(c->tp, c->tp + c->fn);
  ratio_text(out, p, 6);
  ratio_text(out, r, 6);
  ratio_text(out, eval_f1(p, r), 6);
  ratio_text(out, eval_ratio(c->id_ok, c->tp), 6);
  g_string_append_c(out, '\n');
}

static void entity_table(GString *out, const eval_result *r) {
  int width = 5; /* "label" */
  for (guint i = 0; i < r->labels->len; i++)
    width = MAX(width, (int)strlen(((eval_label_score *)r->labels->pdata[i])->label));
  g_string_append(out, "Entities: exact (doc, start, end, label); ids over matched spans\n");
  g_string_append_printf(out, "  %-*s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", width, "label",
                         "gold", "pred", "tp", "fp", "fn", "prec", "rec", "f1", "id-acc");
  for (guint i = 0; i < r->labels->len; i++) {
    const eval_label_score *s = r->labels->pdata[i];
    counts_row(out, s->label, width, &s->counts);
  }
  counts_row(out, "all", width, &r->all);
  g_string_append_printf(out, "  neutral: %" G_GUINT64_FORMAT " predicted span%s on IGNORE spans\n",
                         r->neutral, r->neutral == 1 ? "" : "s");
}

static void figure(GString *out, const char *name, guint64 num, guint64 den) {
  g_string_append_printf(out, "  %-25s", name);
  ratio_text(out, eval_ratio(num, den), 5);
  g_string_append_printf(out, "  %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n", num, den);
}

static void stance_table(GString *out, const eval_result *r) {
  const eval_stance_counts *c = &r->stance;
  g_string_append(out, "Stance: (doc, holder id, stance, target id)\n");
  g_string_append_printf(out,
                         "  %-25s %5" G_GUINT64_FORMAT "  (%" G_GUINT64_FORMAT
                         " correct, %" G_GUINT64_FORMAT " false, %" G_GUINT64_FORMAT
                         " neutral on optional gold)\n",
                         "predictions", c->tp + c->fp + c->neutral, c->tp, c->fp, c->neutral);
  figure(out, "precision", c->tp, c->tp + c->fp);
  figure(out, "recall explicit", c->explicit_hit, c->explicit_gold);
  figure(out, "recall explicit+implicit", c->explicit_hit + c->implicit_hit,
         c->explicit_gold + c->implicit_gold);
  g_string_append_printf(out, "  %-25s", "f1 (explicit recall)");
  ratio_text(out, eval_stance_f1(c), 5);
  g_string_append_c(out, '\n');
}

static void span_text(GString *out, const eval_entity *e) {
  g_string_append_printf(out, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT " ", e->start, e->end);
  if (e->text) {
    quoted(out, e->text);
    g_string_append_c(out, ' ');
  }
  safe(out, e->label);
  g_string_append_c(out, ' ');
  safe(out, e->id);
}

static guint count_issues(const eval_result *r, eval_issue_kind kind) {
  guint n = 0;
  for (guint i = 0; i < r->entity_issues->len; i++)
    n += g_array_index(r->entity_issues, eval_entity_issue, i).kind == kind;
  return n;
}

static void entity_listing(GString *out, const eval_result *r, eval_issue_kind kind,
                           const char *title) {
  guint n = count_issues(r, kind);
  if (n == 0)
    return;
  g_string_append_printf(out, "\n%s (%u)\n", title, n);
  for (guint i = 0; i < r->entity_issues->len; i++) {
    const eval_entity_issue *is = &g_array_index(r->entity_issues, eval_entity_issue, i);
    if (is->kind != kind)
      continue;
    const eval_entity *main = kind == EVAL_ISSUE_FP ? is->pred : is->gold;
    const eval_entity *other = kind == EVAL_ISSUE_FP ? is->gold : is->pred;
    g_string_append(out, "  ");
    safe(out, main->doc);
    g_string_append_c(out, ' ');
    span_text(out, main);
    if (kind == EVAL_ISSUE_ID) {
      g_string_append(out, " (predicted id ");
      safe(out, is->pred->id);
      g_string_append_c(out, ')');
    } else if (other) {
      g_string_append(out, kind == EVAL_ISSUE_FP ? " (gold " : " (predicted ");
      span_text(out, other);
      g_string_append_c(out, ')');
    }
    g_string_append_c(out, '\n');
  }
}

/* "  doc: holder stance target" */
static void tuple_text(GString *out, const char *doc, const char *holder, const char *stance,
                       const char *target) {
  g_string_append(out, "  ");
  safe(out, doc);
  g_string_append(out, ": ");
  safe(out, holder);
  g_string_append_printf(out, " %s ", stance);
  safe(out, target);
}

/* The alternatives of a gold record, joined by '|' (g_free it). */
static char *alternatives(const GPtrArray *ids) {
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf(s, "%s%s", i ? "|" : "", (const char *)ids->pdata[i]);
  return g_string_free(s, FALSE);
}

/* Ends a listing line with a quotation, if there is one. */
static void end_line(GString *out, const char *quote) {
  if (quote) {
    g_string_append_c(out, ' ');
    quoted(out, quote);
  }
  g_string_append_c(out, '\n');
}

static void stance_listings(GString *out, const eval_result *r) {
  if (r->stance_fps->len)
    g_string_append_printf(out, "\nStance false positives (%u)\n", r->stance_fps->len);
  for (guint i = 0; i < r->stance_fps->len; i++) {
    const eval_stance *s = r->stance_fps->pdata[i];
    tuple_text(out, s->doc, s->holder, s->stance, s->target);
    g_string_append(out, " (rule ");
    safe(out, s->rule);
    g_string_append_printf(out, ", sentence %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ")",
                           s->sentence_start, s->sentence_end);
    end_line(out, s->sentence);
  }
  if (r->stance_misses->len)
    g_string_append_printf(out, "\nStance misses (%u)\n", r->stance_misses->len);
  for (guint i = 0; i < r->stance_misses->len; i++) {
    const eval_gold_stance *g = r->stance_misses->pdata[i];
    char *holders = alternatives(g->holders), *targets = alternatives(g->targets);
    tuple_text(out, g->doc, holders, g->stance, targets);
    g_string_append_printf(out, " (%s, ", eval_kind_name(g->kind));
    safe(out, g->where);
    g_string_append_c(out, ')');
    end_line(out, g->evidence);
    g_free(holders);
    g_free(targets);
  }
}

void eval_report_text(GString *out, const eval_result *r, gboolean quiet) {
  entity_table(out, r);
  g_string_append_c(out, '\n');
  stance_table(out, r);
  if (quiet)
    return;
  entity_listing(out, r, EVAL_ISSUE_FP, "Entity false positives");
  entity_listing(out, r, EVAL_ISSUE_MISS, "Entity misses");
  entity_listing(out, r, EVAL_ISSUE_ID, "Entity id mismatches");
  stance_listings(out, r);
}

/* ---- JSON -------------------------------------------------------------------------------- */

/* A member name, after a comma unless it is the first member. */
static void key(GString *out, const char *name) {
  char last = out->len ? out->str[out->len - 1] : '{';
  if (last != '{' && last != ',')
    g_string_append_c(out, ',');
  out_json_string(out, name, strlen(name));
  g_string_append_c(out, ':');
}

static void jstr(GString *out, const char *name, const char *s) {
  key(out, name);
  if (s)
    out_json_string(out, s, strlen(s));
  else
    g_string_append(out, "null");
}

static void jnum(GString *out, const char *name, guint64 v) {
  key(out, name);
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, v);
}

static void jratio(GString *out, const char *name, double v) {
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  key(out, name);
  g_string_append(out, isnan(v) ? "null" : g_ascii_formatd(buf, sizeof buf, "%.4f", v));
}

static void counts_json(GString *out, const char *label, const eval_counts *c) {
  double p = eval_ratio(c->tp, c->tp + c->fp), r = eval_ratio(c->tp, c->tp + c->fn);
  g_string_append_c(out, '{');
  jstr(out, "label", label);
  jnum(out, "gold", c->tp + c->fn);
  jnum(out, "pred", c->tp + c->fp);
  jnum(out, "tp", c->tp);
  jnum(out, "fp", c->fp);
  jnum(out, "fn", c->fn);
  jratio(out, "precision", p);
  jratio(out, "recall", r);
  jratio(out, "f1", eval_f1(p, r));
  jnum(out, "id_correct", c->id_ok);
  jratio(out, "id_accuracy", eval_ratio(c->id_ok, c->tp));
  g_string_append_c(out, '}');
}

/* An entity as an object, or null. */
static void entity_json(GString *out, const char *name, const eval_entity *e) {
  key(out, name);
  if (!e) {
    g_string_append(out, "null");
    return;
  }
  g_string_append_c(out, '{');
  jstr(out, "doc", e->doc);
  jnum(out, "start", e->start);
  jnum(out, "end", e->end);
  jstr(out, "text", e->text);
  jstr(out, "label", e->label);
  jstr(out, "id", e->id);
  g_string_append_c(out, '}');
}

static void issues_json(GString *out, const eval_result *r) {
  static const char *const kinds[] = {"false_positive", "miss", "id_mismatch"};
  key(out, "issues");
  g_string_append_c(out, '[');
  for (guint i = 0; i < r->entity_issues->len; i++) {
    const eval_entity_issue *is = &g_array_index(r->entity_issues, eval_entity_issue, i);
    g_string_append(out, i ? ",{" : "{");
    jstr(out, "kind", kinds[is->kind]);
    entity_json(out, "predicted", is->pred);
    entity_json(out, "gold", is->gold);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
}

static void ids_json(GString *out, const char *name, const GPtrArray *ids) {
  key(out, name);
  g_string_append_c(out, '[');
  for (guint i = 0; i < ids->len; i++) {
    if (i)
      g_string_append_c(out, ',');
    out_json_string(out, ids->pdata[i], strlen(ids->pdata[i]));
  }
  g_string_append_c(out, ']');
}

static void stance_lists_json(GString *out, const eval_result *r) {
  key(out, "false_positives");
  g_string_append_c(out, '[');
  for (guint i = 0; i < r->stance_fps->len; i++) {
    const eval_stance *s = r->stance_fps->pdata[i];
    g_string_append(out, i ? ",{" : "{");
    jstr(out, "doc", s->doc);
    jstr(out, "holder", s->holder);
    jstr(out, "stance", s->stance);
    jstr(out, "target", s->target);
    jstr(out, "rule", s->rule);
    g_string_append(out, ",\"sentence\":{");
    jnum(out, "start", s->sentence_start);
    jnum(out, "end", s->sentence_end);
    jstr(out, "text", s->sentence);
    g_string_append(out, "}}");
  }
  g_string_append(out, "],");
  key(out, "misses");
  g_string_append_c(out, '[');
  for (guint i = 0; i < r->stance_misses->len; i++) {
    const eval_gold_stance *g = r->stance_misses->pdata[i];
    g_string_append(out, i ? ",{" : "{");
    jstr(out, "doc", g->doc);
    ids_json(out, "holder", g->holders);
    jstr(out, "stance", g->stance);
    ids_json(out, "target", g->targets);
    jstr(out, "kind", eval_kind_name(g->kind));
    jstr(out, "evidence", g->evidence);
    jstr(out, "source", g->where);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
}

static void stance_json(GString *out, const eval_result *r, gboolean quiet) {
  const eval_stance_counts *c = &r->stance;
  key(out, "stance");
  g_string_append_c(out, '{');
  jnum(out, "predictions", c->tp + c->fp + c->neutral);
  jnum(out, "tp", c->tp);
  jnum(out, "fp", c->fp);
  jnum(out, "neutral", c->neutral);
  jratio(out, "precision", eval_ratio(c->tp, c->tp + c->fp));
  jnum(out, "explicit_gold", c->explicit_gold);
  jnum(out, "explicit_found", c->explicit_hit);
  jratio(out, "recall_explicit", eval_ratio(c->explicit_hit, c->explicit_gold));
  jnum(out, "implicit_gold", c->implicit_gold);
  jnum(out, "implicit_found", c->implicit_hit);
  jratio(out, "recall_explicit_implicit",
         eval_ratio(c->explicit_hit + c->implicit_hit, c->explicit_gold + c->implicit_gold));
  jnum(out, "optional_gold", c->optional_gold);
  jratio(out, "f1_explicit", eval_stance_f1(c));
  if (!quiet)
    stance_lists_json(out, r);
  g_string_append_c(out, '}');
}

void eval_report_json(GString *out, const eval_result *r, gboolean quiet) {
  g_string_append(out, "{\"entities\":{\"labels\":[");
  for (guint i = 0; i < r->labels->len; i++) {
    const eval_label_score *s = r->labels->pdata[i];
    if (i)
      g_string_append_c(out, ',');
    counts_json(out, s->label, &s->counts);
  }
  g_string_append(out, "],");
  key(out, "all");
  counts_json(out, NULL, &r->all);
  jnum(out, "neutral", r->neutral);
  if (!quiet)
    issues_json(out, r);
  g_string_append(out, "},");
  stance_json(out, r, quiet);
  g_string_append(out, "}\n");
}
