/* demand.c: which span labels a sentence needs.
 *
 * A span's annotations matter only to the rules that refer to it; when none of those can match
 * in a sentence, the span need not be looked for there. On prose, the person patterns' name
 * words (`NAME_W`, tried at every capitalised word) serve only rules that need a title or a
 * given name nearby, which most sentences lack.
 *
 * The test is compiled into one more requirement group per span label (its demand group, met
 * like the others by a sentence's words and gazetteer annotations: presence.c), built from the
 * rules that refer to the label: for each, one of its own requirement groups (a necessary
 * condition of a match), the one least likely to be met by common words; a group met only by
 * annotations of a label made by rules is replaced by the groups of those rules, down to words,
 * word classes and gazetteer labels. A span rule that refers to the label passes the demand of
 * its own label on instead, when that is the more selective of the two. So the demand group is
 * met in every sentence where some rule referring to the label could match, and it is settled
 * before the first phase (words and gazetteer annotations only), whether or not span records
 * are requested: the records never depend on it.
 *
 * A label gets no demand group (it is always looked for) when it is an entity or tag label
 * (they are output), an antecedent label (looked up in earlier sentences), when a rule that
 * refers to it has no usable group, or when the group would hold a common word (a test paid at
 * nearly every sentence for nothing).
 */
#include <string.h>

#include "program.h"

/* Items of a demand set: a word, a word class or a gazetteer label. */
enum {
  ITEM_WORD = 0u << 30,
  ITEM_CLASS = 1u << 30,
  ITEM_LABEL = 2u << 30,
  ITEM_ID = (1u << 30) - 1
};

#define MAX_DEPTH 32        /* deeper chains of rules and labels: no demand group */
#define MAX_ITEMS 4096      /* sets growing past twice this: anything (no demand group) */
#define COMMON_COST 1000000 /* selectivity cost of a common word (another word: 1) */
#define GAZ_COST 20         /* of a gazetteer label */

/* Words in most English sentences: a group met by one of them tells nothing. Less frequent
 * words ("had", "will", "may": also given names) are fine in a demand group. */
static int common_word(const char *w) {
  static const char *const list[] = {"the", "of",   "and",  "to",   "a",   "in", "is",   "that",
                                     "for", "it",   "as",   "with", "was", "on", "be",   "by",
                                     "at",  "this", "he",   "not",  "are", "or", "from", "his",
                                     "i",   "you",  "they", "we",   "an",  "'s", "s"};
  if (!w[0] || !w[1] || (!g_ascii_isalnum(w[0]) && !(w[0] & 0x80)))
    return 1; /* one letter, punctuation */
  if ((unsigned char)w[0] == 0xE2 && (unsigned char)w[1] == 0x80)
    return 1; /* U+2000-U+203F: dashes, curly quotes, "’s" */
  if (w[2] && w[3] && w[4])
    return 0; /* none is longer than four bytes */
  for (size_t i = 0; i < G_N_ELEMENTS(list); i++)
    if (strcmp(list[i], w) == 0)
      return 1;
  return 0;
}

typedef struct demand {
  const stancetag_program *p;
  uint32_t *word_cost;                           /* per word id */
  uint64_t *class_cost;                          /* per class: the sum of its words' costs */
  uint8_t *gaz;                                  /* per label: has gazetteer entries */
  uint32_t *luse_off, *luse, *lprod_off, *lprod; /* per label: rules referring, making */
  uint32_t *ginst_k;              /* per group: where its instructions start in req[] */
  uint32_t gated;                 /* the label whose demand is being built */
  uint32_t gen, n_gen;            /* the memo generation of `gated`, the last one handed out */
  GArray **label_set;             /* per label: its producible set for `gated` (memo) */
  uint32_t *label_gen;            /* per label: the generation of label_set/label_state */
  uint8_t *label_state;           /* 0 unknown, 1 busy, 2 done (NULL set: anything) */
  GArray **need_set;              /* per label: its demand set (memo, any `gated`) */
  uint8_t *need_state;
  const uint8_t *kept; /* per label: always made (antecedent labels): no demand set */
} demand;

static uint64_t set_cost(const demand *d, const GArray *s) {
  if (!s)
    return UINT64_MAX;
  uint64_t c = 0;
  for (guint i = 0; i < s->len; i++) {
    uint32_t it = g_array_index(s, uint32_t, i), id = it & ITEM_ID;
    c += (it & ~ITEM_ID) == ITEM_WORD    ? d->word_cost[id]
         : (it & ~ITEM_ID) == ITEM_CLASS ? d->class_cost[id]
                                         : GAZ_COST;
  }
  return c;
}

static gint cmp_item(gconstpointer x, gconstpointer y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return a < b ? -1 : a > b;
}

/* Sorts set s and keeps each item once. */
static void set_unique(GArray *s) {
  g_array_sort(s, cmp_item);
  guint w = 0;
  for (guint i = 0; i < s->len; i++)
    if (!w || g_array_index(s, uint32_t, i) != g_array_index(s, uint32_t, w - 1))
      g_array_index(s, uint32_t, w++) = g_array_index(s, uint32_t, i);
  g_array_set_size(s, w);
}

/* Appends set `b` to `*a`; a NULL set stands for "anything" and absorbs. Returns 0 when the
 * result is "anything" (and frees *a). */
static int set_add(GArray **a, const GArray *b) {
  if (!*a)
    return 0;
  if (!b || (*a)->len + b->len > 2 * MAX_ITEMS) {
    g_array_free(*a, TRUE);
    *a = NULL;
    return 0;
  }
  g_array_append_vals(*a, b->data, b->len);
  if ((*a)->len > MAX_ITEMS / 2) /* unions of overlapping sets */
    set_unique(*a);
  return 1;
}

static GArray *set_new(void) {
  return g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

static GArray *set_copy(const GArray *s) {
  if (!s)
    return NULL;
  GArray *c = set_new();
  g_array_append_vals(c, s->data, s->len);
  return c;
}

static GArray *rule_anchor(demand *d, uint32_t r, uint32_t skip, unsigned depth);

/* What meets label l's groups: l itself for gazetteer annotations, and for every rule making l,
 * its anchor. NULL: anything (or l is the gated label: its own presence decides nothing). */
static const GArray *label_made(demand *d, uint32_t l, unsigned depth) {
  if (l == d->gated || depth > MAX_DEPTH)
    return NULL;
  if (d->label_gen[l] != d->gen) { /* an entry of another gated label: recompute */
    if (d->label_set[l])
      g_array_free(d->label_set[l], TRUE);
    d->label_set[l] = NULL;
    d->label_state[l] = 0;
    d->label_gen[l] = d->gen;
  }
  if (d->label_state[l] == 1)
    return NULL;
  if (d->label_state[l] == 2)
    return d->label_set[l];
  d->label_state[l] = 1;
  GArray *s = set_new();
  if (d->gaz[l]) {
    uint32_t it = ITEM_LABEL | l;
    g_array_append_val(s, it);
  }
  for (uint32_t k = d->lprod_off[l]; k < d->lprod_off[l + 1] && s; k++) {
    GArray *a = rule_anchor(d, d->lprod[k], STG_NONE, depth + 1);
    set_add(&s, a);
    if (a)
      g_array_free(a, TRUE);
  }
  d->label_set[l] = s;
  d->label_state[l] = 2;
  return s;
}

/* Everything that meets group g (a new set), or NULL for anything, or when g holds `skip`. */
static GArray *group_items(demand *d, uint32_t g, uint32_t skip, unsigned depth) {
  const stancetag_program *p = d->p;
  GArray *s = set_new();
  for (uint32_t k = d->ginst_k[g]; s && p->req[k] < STG_REQ_END_ANYWHERE; k++) {
    const stg_inst *in = &p->code[p->req[k]];
    if (in->op == STG_OP_ANNOT) {
      if (in->a == skip) {
        g_array_free(s, TRUE);
        s = NULL;
      } else
        set_add(&s, label_made(d, in->a, depth + 1));
      continue;
    }
    for (uint32_t j = 0; j < in->b && s; j++) {
      const stg_pred *pr = &p->preds[in->a + j];
      uint32_t it = pr->kind == STG_PRED_WORD && pr->a ? ITEM_WORD | pr->a
                    : pr->kind == STG_PRED_CLASS       ? ITEM_CLASS | pr->a
                                                       : STG_NONE;
      if (it == STG_NONE) {
        g_array_free(s, TRUE);
        s = NULL;
      } else
        g_array_append_val(s, it);
    }
  }
  if (s && p->req[d->ginst_k[g]] >= STG_REQ_END_ANYWHERE) { /* empty: never happens */
    g_array_free(s, TRUE);
    s = NULL;
  }
  return s;
}

/* The most selective of rule r's requirement groups that does not involve label `skip`, as a
 * set of items (new); NULL when it has none. */
static GArray *rule_anchor(demand *d, uint32_t r, uint32_t skip, unsigned depth) {
  const stancetag_program *p = d->p;
  GArray *best = NULL;
  uint64_t best_cost = UINT64_MAX;
  if (depth > MAX_DEPTH)
    return NULL;
  for (uint32_t k = p->rgroup_off[r]; k < p->rgroup_off[r + 1]; k++) {
    GArray *s = group_items(d, p->rgroup[k] & ~STG_GROUP_ANYWHERE, skip, depth + 1);
    uint64_t c = set_cost(d, s);
    if (s && c < best_cost) {
      if (best)
        g_array_free(best, TRUE);
      best = s;
      best_cost = c;
    } else if (s)
      g_array_free(s, TRUE);
  }
  return best;
}

/* The demand set of span label l: for every rule that refers to it, its anchor, or for a span
 * rule the demand set of its own label when that is more selective. NULL: anything, and so for
 * every label that gets no demand group (always looked for): a span rule of such a label runs
 * in every sentence, so what it refers to cannot take its demand from it. */
static const GArray *need_of(demand *d, uint32_t l, unsigned depth) {
  const stancetag_program *p = d->p;
  if (p->labels[l].kind != STG_LABEL_SPAN || d->kept[l] || depth > MAX_DEPTH ||
      d->need_state[l] == 1)
    return NULL;
  if (d->need_state[l] == 2)
    return d->need_set[l];
  d->need_state[l] = 1;
  /* the producible sets below are for gated label l (a group holding l is of no use) */
  const uint32_t saved = d->gated, saved_gen = d->gen;
  d->gated = l;
  d->gen = ++d->n_gen;
  GArray *s = set_new();
  for (uint32_t k = d->luse_off[l]; k < d->luse_off[l + 1] && s; k++) {
    const uint32_t r = d->luse[k];
    GArray *a = rule_anchor(d, r, l, depth + 1);
    if (p->rules[r].kind == STG_RULE_SPAN) {
      const GArray *up = need_of(d, p->rules[r].label, depth + 1); /* restores our memo */
      if (set_cost(d, up) < set_cost(d, a)) {
        if (a)
          g_array_free(a, TRUE);
        a = set_copy(up);
      }
    }
    set_add(&s, a);
    if (a)
      g_array_free(a, TRUE);
  }
  d->gated = saved;
  d->gen = saved_gen;
  if (s && set_cost(d, s) >= COMMON_COST) { /* a common word: always looked for */
    g_array_free(s, TRUE);
    s = NULL;
  }
  if (s)
    set_unique(s);
  if (s && s->len > MAX_ITEMS) {
    g_array_free(s, TRUE);
    s = NULL;
  }
  d->need_set[l] = s;
  d->need_state[l] = 2;
  return s;
}

void stg_demand_groups(stancetag_program *p, GArray *words, GArray *classes, GArray *labels) {
  const uint32_t nl = p->n_labels;
  g_free(p->dgroup);
  p->dgroup = g_new(uint32_t, nl + 1);
  for (uint32_t l = 0; l <= nl; l++)
    p->dgroup[l] = STG_NONE;
  if (!nl) {
    g_free(p->rref_off);
    g_free(p->rref);
    p->rref_off = g_new0(uint32_t, p->n_rules + 1); /* no labels: no rule refers to one */
    p->rref = NULL;
    return;
  }
  demand d = {.p = p};
  d.word_cost = g_new0(uint32_t, p->n_words + 1);
  d.class_cost = g_new0(uint64_t, p->n_classes + 1);
  for (uint32_t w = 1; w <= p->n_words; w++) {
    d.word_cost[w] = common_word(p->str + p->word_key[w]) ? COMMON_COST : 1;
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++)
      d.class_cost[p->members[m].cls] += d.word_cost[w];
  }
  d.gaz = g_new0(uint8_t, nl);
  for (uint32_t e = 0; e < p->n_entities; e++)
    d.gaz[p->entities[e].label] = 1;

  /* Per label: the rules referring to it (outside their own label) and the rules making it. */
  GArray *uses = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  GArray *prods = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  GArray *work = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  uint32_t *seen = g_new0(uint32_t, p->n_code + 1);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    const stg_rule *ru = &p->rules[r];
    /* every label in the rule's code, look-arounds included */
    g_array_set_size(work, 0);
    g_array_append_val(work, ru->pc);
    while (work->len) {
      uint32_t pc = g_array_index(work, uint32_t, work->len - 1);
      g_array_set_size(work, work->len - 1);
      if (pc >= p->n_code || seen[pc] == r + 1)
        continue;
      seen[pc] = r + 1;
      const stg_inst *in = &p->code[pc];
      uint32_t next[2] = {pc + 1, STG_NONE};
      if (in->op == STG_OP_SPLIT) {
        next[0] = in->a;
        next[1] = in->b;
      } else if (in->op == STG_OP_JMP) {
        next[0] = in->a;
      } else if (in->op == STG_OP_LOOK) {
        next[1] = in->a;
      } else if (in->op == STG_OP_MATCH) {
        next[0] = STG_NONE;
      }
      uint32_t first = pc, n = 1;
      if (in->op == STG_OP_LOOK1) {
        first = in->a;
        n = in->b;
      }
      for (uint32_t k = first; k < first + n && k < p->n_code; k++)
        if (p->code[k].op == STG_OP_ANNOT && p->code[k].a < nl &&
            !(ru->kind == STG_RULE_SPAN && ru->label == p->code[k].a)) {
          stg_pair e = {p->code[k].a, r};
          g_array_append_val(uses, e);
        }
      for (int k = 0; k < 2; k++)
        if (next[k] != STG_NONE)
          g_array_append_val(work, next[k]);
    }
    if (ru->kind == STG_RULE_SPAN && ru->label < nl) {
      stg_pair e = {ru->label, r};
      g_array_append_val(prods, e);
    }
    for (uint32_t k = ru->act; k < ru->act + ru->n_act; k++)
      if (p->actions[k].kind == STG_PA_TAG && p->actions[k].label < nl) {
        stg_pair e = {p->actions[k].label, r};
        g_array_append_val(prods, e);
      }
  }
  g_free(seen);
  g_array_free(work, TRUE);
  /* ... and turned around, the labels each rule refers to (scan.c: stands_for) */
  GArray *refs = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  for (guint i = 0; i < uses->len; i++) {
    stg_pair e = {g_array_index(uses, stg_pair, i).b, g_array_index(uses, stg_pair, i).a};
    g_array_append_val(refs, e);
  }
  GArray *list = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  g_free(p->rref_off);
  g_free(p->rref);
  p->rref_off = stg_pairs_to_lists(refs, p->n_rules, list);
  p->rref = (uint32_t *)(void *)g_array_free(list, FALSE);
  g_array_free(refs, TRUE);
  list = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  d.luse_off = stg_pairs_to_lists(uses, nl, list);
  d.luse = (uint32_t *)(void *)g_array_free(list, FALSE);
  list = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  d.lprod_off = stg_pairs_to_lists(prods, nl, list);
  d.lprod = (uint32_t *)(void *)g_array_free(list, FALSE);
  g_array_free(uses, TRUE);
  g_array_free(prods, TRUE);

  /* Where each group's instructions are: in the first rule holding it. */
  d.ginst_k = g_new(uint32_t, p->n_groups + 1);
  for (uint32_t g = 0; g <= p->n_groups; g++)
    d.ginst_k[g] = STG_NONE;
  for (uint32_t r = 0; r < p->n_rules; r++) {
    uint32_t k = p->req_off[r];
    for (uint32_t j = p->rgroup_off[r]; j < p->rgroup_off[r + 1]; j++) {
      uint32_t g = p->rgroup[j] & ~STG_GROUP_ANYWHERE;
      if (d.ginst_k[g] == STG_NONE)
        d.ginst_k[g] = k;
      while (p->req[k] < STG_REQ_END_ANYWHERE)
        k++;
      k++;
    }
  }

  /* Antecedent labels are looked up in earlier sentences: always made. */
  uint8_t *kept = g_new0(uint8_t, nl);
  for (uint32_t i = 0; i < p->n_actions; i++)
    for (int k = 0; k < 2; k++)
      if (p->actions[i].kind == STG_PA_STANCE && p->actions[i].ante_label[k] < nl)
        kept[p->actions[i].ante_label[k]] = 1;
  d.kept = kept;
  d.need_set = g_new0(GArray *, nl);
  d.need_state = g_new0(uint8_t, nl);
  d.label_set = g_new0(GArray *, nl);
  d.label_gen = g_new0(uint32_t, nl);
  d.label_state = g_new0(uint8_t, nl);
  d.gated = STG_NONE;
  /* labels with the same demand (NAME_W, NAME: the same rules need them) share a group */
  GHashTable *same =
      g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
  for (uint32_t l = 0; l < nl; l++) {
    if (d.lprod_off[l] == d.lprod_off[l + 1])
      continue;
    const GArray *s = need_of(&d, l, 0);
    if (!s)
      continue;
    GBytes *key = g_bytes_new(s->data, s->len * sizeof(uint32_t));
    gpointer known = g_hash_table_lookup(same, key);
    if (known) {
      p->dgroup[l] = GPOINTER_TO_UINT(known) - 1;
      g_bytes_unref(key);
      continue;
    }
    uint32_t g = p->n_groups++;
    g_hash_table_insert(same, key, GUINT_TO_POINTER(g + 1));
    p->dgroup[l] = g;
    for (guint i = 0; i < s->len; i++) {
      uint32_t it = g_array_index(s, uint32_t, i), id = it & ITEM_ID;
      stg_pair e = {id, g};
      g_array_append_val((it & ~ITEM_ID) == ITEM_WORD    ? words
                         : (it & ~ITEM_ID) == ITEM_CLASS ? classes
                                                         : labels,
                         e);
    }
  }
  g_hash_table_destroy(same);
  for (uint32_t l = 0; l < nl; l++) {
    if (d.need_set[l])
      g_array_free(d.need_set[l], TRUE);
    if (d.label_set[l])
      g_array_free(d.label_set[l], TRUE);
  }
  g_free(d.need_set);
  g_free(d.need_state);
  g_free(d.label_set);
  g_free(d.label_gen);
  g_free(d.label_state);
  g_free(kept);
  g_free(d.ginst_k);
  g_free(d.luse_off);
  g_free(d.luse);
  g_free(d.lprod_off);
  g_free(d.lprod);
  g_free(d.gaz);
  g_free(d.word_cost);
  g_free(d.class_cost);
}
