/* scan.c: the document pipeline.
 *
 * tokens (+ sentences) -> word id per token (one hash lookup of the folded text) ->
 * per sentence: gazetteer trie (entities) -> phases of spans and rules, each rule tried only at
 * tokens that trigger it -> overlap resolution -> actions (annotations, stance records) ->
 * records sorted by position -> callback.
 */
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "scan.h"

/* ---- scratch --------------------------------------------------------------------------- */

int stancetag_scratch_alloc(const stancetag_program *program, stancetag_scratch **scratch) {
  if (!program || !scratch)
    return STANCETAG_EINVAL;
  stancetag_scratch *s = g_new0(stancetag_scratch, 1);
  s->prog = program;
  stg_tokens_init(&s->toks);
  s->fold = g_string_sized_new(256);
  s->dattrs = g_array_new(FALSE, FALSE, sizeof(stg_dattr));
  s->dstr = g_string_new(NULL);
  uint32_t nl = program->n_labels ? program->n_labels : 1;
  s->label_free = g_new0(uint32_t, nl);
  s->best_end = g_new0(uint32_t, nl);
  s->best_ent = g_new0(uint32_t, nl);
  stg_recache_init(&s->regex_cache);
  s->recs = g_array_new(FALSE, FALSE, sizeof(stg_rec));
  s->pubattrs = g_array_new(FALSE, FALSE, sizeof(stancetag_attr));
  s->group_at = g_new0(uint64_t, program->n_groups + 1);
  s->wcache = g_new0(stg_wcache, (size_t)1 << STG_WCACHE_BITS);
  s->rule_chk = g_new0(uint32_t, program->n_rules + 1);
  s->rule_bound = g_new0(uint32_t, program->n_rules + 1);
  s->rule_last = g_new0(uint32_t, program->n_rules + 1);
  s->rule_free = g_new0(uint32_t, program->n_rules + 1);
  s->rule_rate = g_new0(uint32_t, 2 * (program->n_rules + 1));
  s->n_pending = program->n_phases + 1;
  s->pending = g_new0(stg_cvec, s->n_pending);
  if (program->n_regexes && !(s->re_md = stg_regex_data_new())) {
    stancetag_scratch_free(s);
    return STANCETAG_ENOMEM;
  }
  *scratch = s;
  return STANCETAG_OK;
}

void stancetag_scratch_free(stancetag_scratch *s) {
  if (!s)
    return;
  stg_tokens_clear(&s->toks);
  g_free(s->wid);
  g_free(s->tok_re);
  g_string_free(s->fold, TRUE);
  g_free(s->ann.v);
  g_free(s->new_anns.v);
  g_free(s->head);
  g_free(s->tail);
  g_array_free(s->dattrs, TRUE);
  g_string_free(s->dstr, TRUE);
  g_free(s->label_free);
  g_free(s->best_end);
  g_free(s->best_ent);
  g_free(s->touched.v);
  g_free(s->gaz_starts.v);
  g_free(s->cand);
  g_free(s->anyw_ok.v);
  g_free(s->matches.v);
  g_free(s->capbuf.v);
  for (size_t d = 0; d < G_N_ELEMENTS(s->bn_mask); d++)
    g_free(s->bn_mask[d].v);
  for (guint i = 0; i < G_N_ELEMENTS(s->vm); i++)
    stg_vm_free(&s->vm[i]);
  stg_recache_clear(&s->regex_cache);
  stg_regex_data_free(s->re_md);
  g_array_free(s->recs, TRUE);
  g_array_free(s->pubattrs, TRUE);
  g_free(s->group_at);
  g_free(s->wcache);
  g_free(s->rule_chk);
  g_free(s->rule_bound);
  g_free(s->rule_last);
  g_free(s->rule_free);
  g_free(s->rule_rate);
  for (uint32_t i = 0; i < s->n_pending; i++)
    g_free(s->pending[i].v);
  g_free(s->pending);
  g_free(s);
}

static uint32_t dyn_str(stancetag_scratch *s, const char *str, size_t len) {
  uint32_t off = (uint32_t)s->dstr->len;
  g_string_append_len(s->dstr, str, (gssize)len);
  g_string_append_c(s->dstr, '\0');
  return off | STG_DYN;
}

/* ---- word ids -------------------------------------------------------------------------- */

/* Word id of token i the long way: fold, hash, probe. */
static uint32_t lookup_word(const stancetag_program *p, stancetag_scratch *s, const stg_token *t) {
  size_t len = t->end - t->start;
  int ascii = (t->flags & STG_TF_ASCII) != 0;
  size_t need = stg_fold(s->text + t->start, len, ascii, s->fold->str, s->fold->allocated_len);
  if (need >= s->fold->allocated_len) {
    g_string_set_size(s->fold, need + 1);
    need = stg_fold(s->text + t->start, len, ascii, s->fold->str, s->fold->allocated_len);
  }
  return stg_prog_word(p, s->fold->str, need);
}

/* Word id of a short ASCII token from its word-cache key (its bytes, zero-padded to 16): the
 * key folded eight bytes at a time (the ASCII case of stg_fold: A-Z to a-z), no copy. */
static uint32_t lookup_short(const stancetag_program *p, const uint64_t key[2], size_t len) {
  uint64_t folded[2];
  for (int k = 0; k < 2; k++) {
    /* bytes below 0x80: no carry between bytes; the high bit of (y + 0x3F) & ~(y + 0x25) is
     * set exactly in the bytes 'A'..'Z' */
    const uint64_t y = key[k];
    const uint64_t upper =
        (y + 0x3F3F3F3F3F3F3F3Full) & ~(y + 0x2525252525252525ull) & 0x8080808080808080ull;
    folded[k] = y | upper >> 2;
  }
  return stg_prog_word(p, (const char *)folded, len);
}

static void assign_word_ids(const stancetag_program *p, stancetag_scratch *s) {
  size_t n = s->toks.n;
  if (s->wid_cap < n + 1) {
    g_free(s->wid);
    g_free(s->tok_re);
    s->wid_cap = (n + 1) * 2;
    s->wid = g_new(uint32_t, s->wid_cap);
    s->tok_re = g_new(guint8 *, s->wid_cap);
  }
  if (p->n_regexes) {
    /* Emptied between documents past 20,000 texts: bounded memory, and a table small enough
     * for the second-level cache (at 100,000 texts, 6 MB of slots made each lookup a miss). */
    if (s->regex_cache.n > 20000) {
      stg_recache_reset(&s->regex_cache);
      for (size_t k = 0; k < ((size_t)1 << STG_WCACHE_BITS); k++)
        s->wcache[k].re = NULL;
    }
  }
  /* Short ASCII tokens (most of any text) go through a direct-mapped cache keyed by their
   * raw bytes, skipping folding and hashing: "the" is looked up once per scratch. The cache
   * (512 KB) does not fit the first-level data cache, so a block of tokens first has its
   * slots computed and prefetched, then looked up. */
  enum { BLOCK = 32 };
  stg_wcache *slot[BLOCK];
  uint64_t keys[BLOCK][2];
  for (size_t b = 0; b < n; b += BLOCK) {
    const size_t m = n - b < BLOCK ? n - b : BLOCK;
    const stg_token *tok = &s->toks.tok[b];
    for (size_t j = 0; j < m; j++)
      if ((slot[j] = stg_wcache_slot(s, &tok[j], keys[j])))
        __builtin_prefetch(slot[j]);
    for (size_t j = 0; j < m; j++) {
      const stg_token *t = &tok[j];
      const size_t len = t->end - t->start;
      stg_wcache *e = slot[j];
      if (!e) {
        s->wid[b + j] = lookup_word(p, s, t);
        if (p->n_regexes)
          s->tok_re[b + j] = NULL; /* every entry is written here: no clearing pass */
        continue;
      }
      if (!stg_wcache_holds(e, keys[j], len)) {
        e->key[0] = keys[j][0];
        e->key[1] = keys[j][1];
        e->len = (uint32_t)len;
        e->wid = lookup_short(p, keys[j], len);
        e->re = NULL;
      }
      s->wid[b + j] = e->wid;
      if (p->n_regexes)
        s->tok_re[b + j] = e->re;
    }
  }
}

/* ---- annotations ----------------------------------------------------------------------- */

void *stg_vec_grow(void *v, size_t *cap, size_t need, size_t size) {
  size_t c = *cap ? *cap : 64;
  while (c < need)
    c *= 2;
  *cap = c;
  return g_realloc_n(v, c, size);
}

static inline void cvec_push(stg_cvec *c, uint64_t x) {
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 64;
    c->v = g_renew(uint64_t, c->v, c->cap);
  }
  c->v[c->n++] = x;
}

/* Rule `r` is triggered at token `start`: it becomes a candidate of its phase. */
static inline void trigger(stancetag_scratch *s, uint32_t r, uint32_t start) {
  cvec_push(&s->pending[s->prog->rules[r].phase], ((uint64_t)r << 32) | start);
}

/* Adds an annotation made in phase `phase` (0: gazetteer); the rules of later phases that its
 * label triggers become candidates. */
static uint32_t add_ann(stancetag_scratch *s, stg_ann a, uint32_t phase) {
  const stancetag_program *p = s->prog;
  for (uint32_t k = p->label_trig_off[a.label]; k < p->label_trig_off[a.label + 1]; k++)
    if (p->rules[p->trig[k]].phase > phase)
      trigger(s, p->trig[k], a.start);
  if (a.end - a.start > s->max_ann_len)
    s->max_ann_len = a.end - a.start;
  for (uint32_t k = p->lgroup_off[a.label]; k < p->lgroup_off[a.label + 1]; k++) {
    uint32_t g = p->lgroup[k];
    const uint64_t now = (uint64_t)s->sent_stamp << 32;
    if (s->group_at[g] < now || (uint32_t)s->group_at[g] < a.start)
      s->group_at[g] = now | a.start;
  }
  a.next = s->head[a.start];
  a.next_end = s->tail[a.end];
  s->tail[a.end] = (uint32_t)s->ann.n;
  uint32_t idx = s->ann.n;
  stg_vec_push(s->ann, a);
  s->head[a.start] = idx;
  return idx;
}

/* A rule tagging into an entity label over words that already carry that label (a listed
 * person the pattern found again) adds nothing: the earlier annotation keeps its id. */
static int entity_repeat(const stancetag_program *p, const stancetag_scratch *s,
                         const stg_ann *a) {
  if (p->labels[a->label].kind != STG_LABEL_ENTITY)
    return 0;
  for (uint32_t i = s->head[a->start]; i != STG_NONE; i = s->ann.v[i].next) {
    const stg_ann *e = &s->ann.v[i];
    if (e->label == a->label && e->end == a->end)
      return 1;
  }
  return 0;
}

/* Gazetteers: for each label, leftmost-longest non-overlapping matches in the sentence, from
 * the tokens where a phrase can start (start_sentence lists them). */
static void gazetteer(const stancetag_program *p, stancetag_scratch *s, uint32_t sb, uint32_t se) {
  if (p->n_gnodes <= 1 || !s->gaz_starts.n)
    return;
  for (uint32_t l = 0; l < p->n_labels; l++)
    s->label_free[l] = sb;
  for (size_t gi = 0; gi < s->gaz_starts.n; gi++) {
    const uint32_t i = s->gaz_starts.v[gi];
    uint32_t node = p->groot[s->wid[i]];
    s->touched.n = 0;
    for (uint32_t j = i;;) {
      const stg_gnode *g = &p->gnodes[node];
      for (uint32_t k = 0; k < g->n_pay; k++) {
        uint32_t e = p->gpays[g->pay + k];
        const stg_entity *en = &p->entities[e];
        if (en->cs_text) {
          /* Case-sensitive phrase: the original bytes must equal the phrase. */
          const char *want = p->str + en->cs_text;
          uint32_t b0 = s->toks.tok[i].start, b1 = s->toks.tok[j].end;
          if (strlen(want) != b1 - b0 || memcmp(want, s->text + b0, b1 - b0) != 0) {
            /* tolerate whitespace differences: compare token by token */
            stg_tokens pt;
            stg_tokens_init(&pt);
            stg_tokenize_phrase(want, strlen(want), &pt);
            int ok = pt.n == j - i + 1;
            for (size_t t = 0; ok && t < pt.n; t++) {
              const stg_token *a = &pt.tok[t], *d = &s->toks.tok[i + t];
              ok = a->end - a->start == d->end - d->start &&
                   memcmp(want + a->start, s->text + d->start, a->end - a->start) == 0;
            }
            stg_tokens_clear(&pt);
            if (!ok)
              continue;
          }
        }
        uint32_t l = en->label;
        if (i < s->label_free[l])
          continue;
        uint32_t end = j + 1;
        gboolean seen = FALSE;
        for (size_t t = 0; t < s->touched.n; t++)
          seen |= s->touched.v[t] == l;
        if (!seen) {
          stg_vec_push(s->touched, l);
          s->best_end[l] = end;
          s->best_ent[l] = e;
        } else if (end > s->best_end[l]) {
          s->best_end[l] = end;
          s->best_ent[l] = e;
        }
      }
      if (++j >= se || !s->wid[j])
        break;
      /* Binary search for the next word among this node's sorted edges. */
      uint32_t lo = g->edge, hi = g->edge + g->n_edge, want = s->wid[j], next = 0;
      while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->gedges[mid].word < want)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo < g->edge + g->n_edge && p->gedges[lo].word == want)
        next = p->gedges[lo].node;
      if (!next)
        break;
      node = next;
    }
    for (size_t t = 0; t < s->touched.n; t++) {
      uint32_t l = s->touched.v[t];
      const stg_entity *en = &p->entities[s->best_ent[l]];
      stg_ann a = {i, s->best_end[l], l, en->id, en->attr, en->n_attr, 0, STG_NONE, STG_NONE,
                   STG_NONE};
      add_ann(s, a, 0);
      s->label_free[l] = s->best_end[l];
    }
  }
}

/* ---- rule requirements ----------------------------------------------------------------- */

/* Starts a sentence: records which words and classes occur in it and the last token of each
 * (labels are recorded as annotations are added), and makes the rules its words and token
 * shapes trigger candidates of their phases. */
static void start_sentence(const stancetag_program *p, stancetag_scratch *s, uint32_t sb,
                           uint32_t se) {
  if (++s->sent_stamp == 0) {
    memset(s->group_at, 0, (p->n_groups + 1) * sizeof(uint64_t));
    s->sent_stamp = 1;
  }
  const uint64_t now = (uint64_t)s->sent_stamp << 32;
  const uint32_t n_shape = p->n_shape_trig;
  s->gaz_starts.n = 0;
  for (uint32_t i = sb; i < se; i++) {
    /* Rules led by a token shape (`/\p{Lu}.../`), grouped by mask: one test per mask, so a
     * token costs the rules it starts, not all shape-led rules; a token none of the masks fits
     * (most of them: lower-case words) is passed with one bit test. */
    uint32_t f = s->toks.tok[i].flags & (STG_SHAPE_FLAGS - 1);
    for (uint32_t k = (p->shape_any[f >> 3] >> (f & 7)) & 1 ? 0 : n_shape; k < n_shape;) {
      uint32_t mask = p->shape_trig[k].mask;
      if ((f & mask) != mask) {
        k = p->shape_next[k];
        continue;
      }
      trigger(s, p->shape_trig[k++].rule, i);
    }
    uint32_t w = s->wid[i];
    if (!w)
      continue;
    for (uint32_t k = p->wact_off[w], e = p->wact_off[w + 1]; k < e; k++) {
      const uint32_t a = p->wact[k];
      if ((a & 3) == STG_WACT_GROUP) {
        s->group_at[a >> 2] = now | i;
      } else if ((a & 3) == STG_WACT_TRIG)
        trigger(s, a >> 2, i);
      else
        stg_vec_push(s->gaz_starts, i);
    }
  }
}

/* Does the current sentence need annotations of `label`: is its demand group (demand.c) met,
 * or has it none? Settled by the sentence's words and gazetteer entries, before any phase. */
static inline int label_needed(const stancetag_program *p, const stancetag_scratch *s,
                               uint32_t label) {
  const uint32_t g = p->dgroup[label];
  return g == STG_NONE || s->group_at[g] >= (uint64_t)s->sent_stamp << 32;
}

/* Can the current sentence, with its annotations so far, satisfy one instruction of every
 * requirement group of rule `r` (compile.c), and from which starts? Every group is consumed at
 * or after a match's start, so a match cannot start after the last token where some group can
 * be met: returns 1 + the last possible start (0: none, STG_NONE: any). Cached per rule for
 * one candidate collection (`chk_stamp`). */
static uint32_t rule_possible(const stancetag_program *p, stancetag_scratch *s, uint32_t r) {
  if (s->rule_chk[r] == s->chk_stamp)
    return s->rule_bound[r];
  const uint64_t now = (uint64_t)s->sent_stamp << 32;
  uint32_t bound = STG_NONE;
  /* A span that no rule able to match here refers to is not looked for (demand.c). */
  const stg_rule *ru = &p->rules[r];
  if (ru->kind == STG_RULE_SPAN && !s->all_spans && !label_needed(p, s, ru->label))
    bound = 0;
  for (uint32_t k = p->rgroup_off[r]; k < p->rgroup_off[r + 1] && bound; k++) {
    uint32_t g = p->rgroup[k] & ~STG_GROUP_ANYWHERE;
    const uint64_t at = s->group_at[g];
    uint32_t end = at >= now ? (uint32_t)at + 1 : 0;
    if (end && (p->rgroup[k] & STG_GROUP_ANYWHERE)) /* met before the start will do */
      end = STG_NONE;
    if (end < bound)
      bound = end;
  }
  s->rule_chk[r] = s->chk_stamp;
  s->rule_bound[r] = bound;
  return bound;
}

/* ---- rules ----------------------------------------------------------------------------- */

/* Makes (rule, start) a candidate of the phase if the sentence can satisfy the rule. A rule's
 * candidates mostly come in start order, so a repeat (a word and an annotation both
 * triggering it) is its last one; when one comes out of order, they are sorted later. */
static inline void add_cand(stancetag_scratch *s, uint32_t rule, uint32_t start, uint32_t sb) {
  uint32_t bound =
      s->rule_chk[rule] == s->chk_stamp ? s->rule_bound[rule] : rule_possible(s->prog, s, rule);
  if (start >= bound)
    return;
  if (start != sb && s->prog->rules[rule].anchored)
    return;
  uint32_t last = s->rule_last[rule];
  if (last == start + 1)
    return;
  if (last > start + 1)
    s->cand_unsorted = 1;
  s->rule_last[rule] = start + 1;
  uint64_t c = ((uint64_t)rule << 32) | start;
  if (s->n_cand == s->cap_cand) {
    s->cap_cand = s->cap_cand ? 2 * s->cap_cand : 256;
    s->cand = g_renew(uint64_t, s->cand, s->cap_cand);
  }
  s->cand[s->n_cand++] = c;
}

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

/* The candidates of a phase: the rules triggered so far in the sentence (start_sentence,
 * add_ann), and the trigger-less rules at every token, each kept if the sentence with its
 * annotations so far can satisfy the rule (rule_possible). */
static void collect_candidates(const stancetag_program *p, stancetag_scratch *s, uint32_t phase,
                               uint32_t sb, uint32_t se) {
  s->n_cand = 0;
  s->cand_unsorted = 0;
  if (++s->chk_stamp == 0) {
    memset(s->rule_chk, 0, (p->n_rules + 1) * sizeof(uint32_t));
    s->chk_stamp = 1;
  }
  stg_cvec *pend = &s->pending[phase];
  for (size_t k = 0; k < pend->n; k++)
    add_cand(s, (uint32_t)(pend->v[k] >> 32), (uint32_t)pend->v[k], sb);
  pend->n = 0;
  /* Rules without a trigger are tried at every token (anchored ones at the sentence start
   * only): only those the sentence can satisfy. */
  s->anyw_ok.n = 0;
  for (uint32_t k = p->anywhere[phase]; k < p->anywhere[phase + 1]; k++) {
    uint32_t r = p->anyw[k];
    if (rule_possible(p, s, r) <= sb)
      continue;
    if (p->rules[r].anchored)
      add_cand(s, r, sb, sb);
    else
      stg_vec_push(s->anyw_ok, r);
  }
  const size_t n_anyw = s->anyw_ok.n;
  for (uint32_t i = sb; n_anyw && i < se; i++)
    for (size_t k = 0; k < n_anyw; k++)
      add_cand(s, s->anyw_ok.v[k], i, sb);
  for (size_t k = 0; k < s->n_cand; k++) /* reset the repeat marks for the next phase */
    s->rule_last[s->cand[k] >> 32] = 0;
  if (s->cand_unsorted) {
    /* Mostly 5 to 32 candidates with a few dozen inversions (news): insertion sort costs
     * about n + inversions moves, where qsort cost 2,800 instructions a call. */
    if (s->n_cand <= 64) {
      for (size_t k = 1; k < s->n_cand; k++) {
        uint64_t c = s->cand[k];
        size_t j = k;
        for (; j > 0 && s->cand[j - 1] > c; j--)
          s->cand[j] = s->cand[j - 1];
        s->cand[j] = c;
      }
    } else
      qsort(s->cand, s->n_cand, sizeof(uint64_t), cmp_u64);
    size_t w = 0;
    for (size_t k = 0; k < s->n_cand; k++)
      if (!w || s->cand[k] != s->cand[w - 1])
        s->cand[w++] = s->cand[k];
    s->n_cand = w;
  }
}

static int cmp_match(const void *x, const void *y, void *data) {
  const stancetag_program *p = data;
  const stg_match *a = x, *b = y;
  const stg_rule *ra = &p->rules[a->rule], *rb = &p->rules[b->rule];
  if (ra->group != rb->group)
    return ra->group < rb->group ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end > b->end ? -1 : 1;
  if (ra->priority != rb->priority)
    return ra->priority > rb->priority ? -1 : 1;
  return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* A phase has a handful of matches per sentence: insertion sort, no call per comparison.
 * Both sorts are stable and cmp_match is a total order, so the result is the same. */
static void sort_matches(const stancetag_program *p, stg_match *m, size_t n) {
  if (n > 16) {
    g_qsort_with_data(m, (gint)n, sizeof *m, cmp_match, (gpointer)p);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    stg_match x = m[i];
    size_t j = i;
    for (; j > 0 && cmp_match(&m[j - 1], &x, (gpointer)p) > 0; j--)
      m[j] = m[j - 1];
    m[j] = x;
  }
}

static const uint32_t *match_caps(const stancetag_scratch *s, const stg_match *m) {
  return &s->capbuf.v[m->caps];
}

/* May annotation `a` stand for a capture of rule `rule`: an entity or tag, or a span the rule
 * refers to? Another span may be missing where no rule needs it (demand.c). */
static int stands_for(const stancetag_program *p, const stg_ann *a, uint32_t rule) {
  if (p->labels[a->label].kind != STG_LABEL_SPAN)
    return 1;
  for (uint32_t k = p->rref_off[rule]; k < p->rref_off[rule + 1]; k++)
    if (p->rref[k] == a->label)
      return 1;
  return 0;
}

/* The annotation that best stands for tokens [a, b), a capture of rule `rule`: an exact cover
 * first, then one of the preferred kind, then an entity or tag (things with ids of their own),
 * then the longest. A tag that covers "Markus Vellinger" exactly beats an entity covering only
 * "Markus". */
static uint32_t covering_ann(const stancetag_program *p, const stancetag_scratch *s, uint32_t a,
                             uint32_t b, uint32_t pref, uint32_t rule) {
  uint32_t best = STG_NONE, best_score = 0;
  for (uint32_t i = s->head[a]; i != STG_NONE; i = s->ann.v[i].next) {
    const stg_ann *an = &s->ann.v[i];
    uint32_t kind = p->labels[an->label].kind, len = an->end - an->start;
    if (an->end > b || !stands_for(p, an, rule))
      continue;
    uint32_t score = (an->end == b ? 100000 : 0) + (kind == pref ? 10000 : 0) +
                     (kind != STG_LABEL_SPAN ? 1000 : 0) + (len < 500 ? len : 499) * 2;
    if (best == STG_NONE || score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

/* The annotation that stands for `ann` among those over exactly its words, leaving out those of
 * kind `skip` and, if `id` is given, those with another id: an entity first, else the first
 * other one (a span only if the rule that made `ann` refers to it); `ann` itself when there is
 * none. */
static uint32_t same_words(const stancetag_program *p, const stancetag_scratch *s, uint32_t ann,
                           uint32_t skip, const char *id) {
  const stg_ann *a = &s->ann.v[ann];
  uint32_t best = ann;
  for (uint32_t i = s->head[a->start]; i != STG_NONE; i = s->ann.v[i].next) {
    const stg_ann *e = &s->ann.v[i];
    uint32_t kind = p->labels[e->label].kind;
    if (e->end != a->end || kind == skip || (id && strcmp(stg_sref(p, s, e->id), id) != 0) ||
        (a->rule != STG_NONE && !stands_for(p, e, a->rule)))
      continue;
    if (kind == STG_LABEL_ENTITY)
      return i;
    if (best == ann)
      best = i;
  }
  return best;
}

/* A span without an id of its own (its id is its name) stands for the entity or tag it covers
 * exactly, so `target:ACTOR` over "Russia" reports RUS rather than ACTOR. A tag that copies
 * the id of an entity or span it covers exactly (`tag QUOTE_STANCE(target) -> id target.id`)
 * stands for that one: the record reports TARGET, not the rules' bookkeeping label (a span only
 * if the rule that made the tag refers to it: same_words). */
static uint32_t pass_through(const stancetag_program *p, const stancetag_scratch *s,
                             uint32_t ann) {
  if (ann == STG_NONE)
    return ann;
  const stg_ann *a = &s->ann.v[ann];
  const char *id = stg_sref(p, s, a->id);
  switch (p->labels[a->label].kind) {
  case STG_LABEL_TAG:
    return same_words(p, s, ann, STG_LABEL_TAG, id);
  case STG_LABEL_SPAN:
    return strcmp(id, p->str + p->labels[a->label].name) == 0
               ? same_words(p, s, ann, STG_LABEL_SPAN, NULL)
               : ann;
  default:
    return ann;
  }
}

static const char *ann_attr_value(const stancetag_program *p, const stancetag_scratch *s,
                                  uint32_t ann, const char *name) {
  return ann == STG_NONE ? NULL : stg_ann_attr(p, s, &s->ann.v[ann], name);
}

/* Attribute `name` of the first word class, of a token in [a, b), that has one. */
static const char *class_attr(const stancetag_program *p, const stancetag_scratch *s, uint32_t a,
                              uint32_t b, const char *name) {
  for (uint32_t t = a; t < b; t++) {
    uint32_t w = s->wid[t];
    if (!w)
      continue;
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++) {
      const stg_class *c = &p->classes[p->members[m].cls];
      for (uint32_t k = 0; k < c->n_attr; k++)
        if (strcmp(p->str + p->attrs[c->attr + k].name, name) == 0)
          return p->str + p->attrs[c->attr + k].value;
    }
  }
  return NULL;
}

/* Attribute `name` of a capture [a, b): of the annotation that best covers it (`pref` kind
 * first), else of a word class of its tokens (`cue.polarity` over "rejected"). */
static const char *capture_attr(const stancetag_program *p, const stancetag_scratch *s, uint32_t a,
                                uint32_t b, uint32_t pref, const char *name, uint32_t rule) {
  const char *v = ann_attr_value(p, s, covering_ann(p, s, a, b, pref, rule), name);
  return v ? v : class_attr(p, s, a, b, name);
}

/* polarity(capture): the capture's `polarity` attribute. 0 when unknown. */
static uint32_t capture_polarity(const stancetag_program *p, const stancetag_scratch *s, uint32_t a,
                                 uint32_t b, uint32_t rule) {
  const char *v = capture_attr(p, s, a, b, STG_LABEL_SPAN, "polarity", rule);
  if (!v)
    return 0;
  if (strcmp(v, "support") == 0)
    return STG_P_SUPPORT;
  if (strcmp(v, "oppose") == 0)
    return STG_P_OPPOSE;
  return 0;
}

static uint32_t tok_text_ref(stancetag_scratch *s, uint32_t a, uint32_t b) {
  uint32_t b0 = s->toks.tok[a].start, b1 = s->toks.tok[b - 1].end;
  return dyn_str(s, s->text + b0, b1 - b0);
}

static void action_attrs(const stancetag_program *p, stancetag_scratch *s, const stg_pact *ac,
                         const uint32_t *caps, uint32_t rule, uint32_t *first, uint32_t *n) {
  *first = s->dattrs->len;
  for (uint32_t i = 0; i < ac->n_attr; i++) {
    const stg_attr_rec *r = &p->attrs[ac->attr + i];
    stg_dattr d = {r->name, r->value};
    if (r->cap != STG_NONE) {
      uint32_t a = caps[2 * r->cap], b = caps[2 * r->cap + 1];
      const char *v = NULL;
      if (a != STG_NONE && b != STG_NONE && b > a)
        v = capture_attr(p, s, a, b, STG_LABEL_ENTITY, p->str + r->value, rule);
      if (!v)
        continue;
      d.value = dyn_str(s, v, strlen(v));
    }
    g_array_append_val(s->dattrs, d);
  }
  *n = s->dattrs->len - *first;
}

static void apply_match(const stancetag_program *p, stancetag_scratch *s, const stg_match *m,
                        uint32_t sentence) {
  const stg_rule *r = &p->rules[m->rule];
  const uint32_t *caps = match_caps(s, m);
  if (r->kind == STG_RULE_SPAN) {
    /* attrs[r->attr] is the id; the rest are attributes */
    stg_ann a = {m->start, m->end, r->label, p->attrs[r->attr].value, r->attr + 1,
                 r->n_attr - 1, 0, m->rule, STG_NONE, STG_NONE};
    stg_vec_push(s->new_anns, a);
    return;
  }
  for (uint32_t i = 0; i < r->n_act; i++) {
    const stg_pact *ac = &p->actions[r->act + i];
    if (ac->kind == STG_PA_TAG) {
      uint32_t a = m->start, b = m->end;
      if (ac->cap != STG_NONE) {
        a = caps[2 * ac->cap];
        b = caps[2 * ac->cap + 1];
      }
      if (a == STG_NONE || b == STG_NONE || b <= a)
        continue;
      uint32_t first, n;
      action_attrs(p, s, ac, caps, m->rule, &first, &n);
      /* The id: an explicit `id` attribute, else the covered text. */
      uint32_t id = STG_NONE;
      for (uint32_t k = 0; k < n; k++) {
        stg_dattr *d = &g_array_index(s->dattrs, stg_dattr, first + k);
        if (strcmp(stg_sref(p, s, d->name), "id") == 0)
          id = d->value;
      }
      if (id == STG_NONE)
        id = tok_text_ref(s, a, b);
      stg_ann an = {a, b, ac->label, id, first, n, 1, m->rule, STG_NONE, STG_NONE};
      stg_vec_push(s->new_anns, an);
      continue;
    }
    uint32_t ha = caps[2 * ac->holder], hb = caps[2 * ac->holder + 1];
    uint32_t ta = caps[2 * ac->target], tb = caps[2 * ac->target + 1];
    if (ha == STG_NONE || hb == STG_NONE || hb <= ha || ta == STG_NONE || tb == STG_NONE ||
        tb <= ta)
      continue;
    uint32_t pol = ac->pol;
    if (pol == STG_P_OF || pol == STG_P_FLIP) {
      uint32_t pa = caps[2 * ac->pcap], pb = caps[2 * ac->pcap + 1];
      if (pa == STG_NONE || pb == STG_NONE || pb <= pa)
        continue;
      uint32_t v = capture_polarity(p, s, pa, pb, m->rule);
      if (!v)
        continue;
      if (pol == STG_P_FLIP)
        v = v == STG_P_SUPPORT ? STG_P_OPPOSE : STG_P_SUPPORT;
      pol = v;
    }
    uint32_t ante[2], attr0 = s->dattrs->len;
    if (!stg_coref_resolve(p, s, ac, caps, sentence, ante))
      continue;
    stg_rec rec = {0};
    rec.kind = STANCETAG_RECORD_STANCE;
    rec.start = s->toks.tok[m->start].start;
    rec.end = s->toks.tok[m->end - 1].end;
    rec.sentence = sentence;
    rec.rule = m->rule;
    rec.priority = r->priority;
    rec.holder = pass_through(
        p, s,
        ante[0] != STG_NONE ? ante[0] : covering_ann(p, s, ha, hb, STG_LABEL_ENTITY, m->rule));
    rec.target = pass_through(
        p, s, ante[1] != STG_NONE ? ante[1] : covering_ann(p, s, ta, tb, STG_LABEL_SPAN, m->rule));
    rec.hs = s->toks.tok[ha].start;
    rec.he = s->toks.tok[hb - 1].end;
    rec.ts = s->toks.tok[ta].start;
    rec.te = s->toks.tok[tb - 1].end;
    if (rec.holder != STG_NONE) {
      const stg_ann *an = &s->ann.v[rec.holder];
      rec.holder_id = an->id;
      rec.hs = s->toks.tok[an->start].start;
      rec.he = s->toks.tok[an->end - 1].end;
    } else {
      rec.holder_id = tok_text_ref(s, ha, hb);
    }
    if (rec.target != STG_NONE) {
      const stg_ann *an = &s->ann.v[rec.target];
      rec.target_id = an->id;
      rec.ts = s->toks.tok[an->start].start;
      rec.te = s->toks.tok[an->end - 1].end;
    } else {
      rec.target_id = tok_text_ref(s, ta, tb);
    }
    rec.stance = pol;
    rec.cs = rec.ce = rec.start;
    if (ac->cue != STG_NONE) {
      uint32_t ca = caps[2 * ac->cue], cb = caps[2 * ac->cue + 1];
      if (ca != STG_NONE && cb != STG_NONE && cb > ca) {
        rec.cs = s->toks.tok[ca].start;
        rec.ce = s->toks.tok[cb - 1].end;
      }
    }
    rec.flags = ac->flags;
    action_attrs(p, s, ac, caps, m->rule, &rec.dattr, &rec.n_dattr);
    rec.n_dattr += rec.dattr - attr0; /* with the resolved_* attributes before them */
    rec.dattr = attr0;
    g_array_append_val(s->recs, rec);
  }
}

static void run_phase(const stancetag_program *p, stancetag_scratch *s, uint32_t phase,
                      uint32_t sentence, uint32_t sb, uint32_t se) {
  collect_candidates(p, s, phase, sb, se);
  if (!s->n_cand)
    return;
  stg_sent_ctx c = {s, p, sb, se};
  s->matches.n = 0;
  s->capbuf.n = 0;
  for (size_t i = 0; i < s->n_cand; i++) {
    uint64_t cv = s->cand[i];
    uint32_t rule = (uint32_t)(cv >> 32), start = (uint32_t)cv;
    const stg_rule *r = &p->rules[rule];
    /* A rule alone in its group, whose candidates come in start order: a match starting
     * inside its last one would lose the selection below, so it is not looked for. */
    if (start < s->rule_free[rule])
      continue;
    /* The first-step test saves a VM run. An automaton makes the same test as its first step
     * at about the same cost, so a rule that is only an automaton skips it: on news, 95% of
     * the `NAME_W` candidates passed it and then paid for the test twice. */
    uint32_t nfa = p->bn_rule[rule];
    if ((nfa == STG_NONE || r->n_caps) && !stg_vm_first_step(&c, rule, start))
      continue;
    uint32_t off = (uint32_t)s->capbuf.n, end = 0;
    stg_vec_reserve(s->capbuf, off + 2 * r->n_caps);
    /* The bit-parallel automaton answers for a rule without captures (bitnfa.c). For one
     * with captures it tells whether the VM needs to run at all: asked while the rule's
     * recent candidates mostly failed, since a candidate that matches pays for both. */
    int found;
    if (nfa != STG_NONE && !r->n_caps) {
      found = stg_vm_bitnfa(&c, &p->bn[nfa], start, &end);
    } else {
      uint32_t *rate = &s->rule_rate[2 * rule]; /* candidates, matches (halved at 256) */
      found = nfa == STG_NONE || 2 * rate[1] >= rate[0] + 8 ||
              stg_vm_bitnfa(&c, &p->bn[nfa], start, &end);
      if (found)
        found = stg_vm_longest(&c, r->pc, start, r->n_caps, &end, &s->capbuf.v[off]);
      if (++rate[0] == 256) {
        rate[0] /= 2;
        rate[1] /= 2;
      }
      rate[1] += (uint32_t)found;
    }
    if (found) {
      stg_match m = {rule, start, end, off};
      stg_vec_push(s->matches, m);
      s->capbuf.n = off + 2 * r->n_caps;
      if (p->rule_solo[rule])
        s->rule_free[rule] = end;
    }
  }
  for (size_t i = 0; i < s->n_cand; i++)
    s->rule_free[s->cand[i] >> 32] = 0;
  if (!s->matches.n)
    return;
  sort_matches(p, s->matches.v, s->matches.n);
  /* Leftmost-longest, non-overlapping per group; `all` rules keep every match. */
  uint32_t group = STG_NONE, free_from = 0;
  for (size_t i = 0; i < s->matches.n; i++) {
    const stg_match *m = &s->matches.v[i];
    const stg_rule *r = &p->rules[m->rule];
    if (r->group != group) {
      group = r->group;
      free_from = sb;
    }
    if (!r->all) {
      if (m->start < free_from)
        continue;
      free_from = m->end;
    }
    apply_match(p, s, m, sentence);
  }
}

static int cmp_rec(const void *x, const void *y) {
  const stg_rec *a = x, *b = y;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end > b->end ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->ann != b->ann)
    return a->ann < b->ann ? -1 : 1;
  if (a->priority != b->priority)
    return a->priority > b->priority ? -1 : 1;
  if (a->rule != b->rule)
    return a->rule < b->rule ? -1 : 1;
  return a->hs < b->hs ? -1 : a->hs > b->hs;
}

/* Identical stance records in one sentence are reported once (highest priority, then the
 * earliest rule). */
static void dedupe_stances(const stancetag_program *p, stancetag_scratch *s, guint first) {
  for (guint i = first; i < s->recs->len; i++) {
    stg_rec *a = &g_array_index(s->recs, stg_rec, i);
    if (a->kind != STANCETAG_RECORD_STANCE)
      continue;
    for (guint j = i + 1; j < s->recs->len; j++) {
      stg_rec *b = &g_array_index(s->recs, stg_rec, j);
      if (b->kind != STANCETAG_RECORD_STANCE || b->stance != a->stance || b->cs != a->cs ||
          b->ce != a->ce || strcmp(stg_sref(p, s, a->holder_id), stg_sref(p, s, b->holder_id)) ||
          strcmp(stg_sref(p, s, a->target_id), stg_sref(p, s, b->target_id)))
        continue;
      gboolean b_wins = b->priority > a->priority ||
                        (b->priority == a->priority && b->rule < a->rule);
      if (b_wins)
        *a = *b;
      b->kind = 0; /* dropped */
    }
  }
}

int stg_scan_records(const stancetag_program *p, stancetag_scratch *s, const char *text,
                     size_t len, unsigned flags) {
  s->text = text;
  s->len = len;
  s->all_spans = (flags & STANCETAG_SCAN_SPANS) != 0;
  if (stg_tokenize(text, len, &s->toks) != 0)
    return STANCETAG_ELIMIT;
  assign_word_ids(p, s);
  size_t n = s->toks.n;
  if (s->head_cap < n + 1) {
    g_free(s->head);
    g_free(s->tail);
    s->head_cap = (n + 1) * 2;
    s->head = g_new(uint32_t, s->head_cap);
    s->tail = g_new(uint32_t, s->head_cap);
  }
  memset(s->head, 0xFF, (n + 1) * sizeof(uint32_t));
  memset(s->tail, 0xFF, (n + 1) * sizeof(uint32_t));
  s->ann.n = 0;
  s->max_ann_len = 0;
  g_array_set_size(s->dattrs, 0);
  g_string_truncate(s->dstr, 0);
  g_array_set_size(s->recs, 0);
  for (size_t si = 0; si < s->toks.n_sent; si++) {
    const stg_sentence *sent = &s->toks.sent[si];
    uint32_t sb = sent->first, se = sent->last;
    if (sb >= se)
      continue;
    start_sentence(p, s, sb, se);
    gazetteer(p, s, sb, se);
    guint rec0 = s->recs->len;
    for (uint32_t ph = 1; ph <= p->n_phases; ph++) {
      s->new_anns.n = 0;
      run_phase(p, s, ph, (uint32_t)si, sb, se);
      for (size_t k = 0; k < s->new_anns.n; k++)
        if (!entity_repeat(p, s, &s->new_anns.v[k]))
          add_ann(s, s->new_anns.v[k], ph);
    }
    dedupe_stances(p, s, rec0);
  }
  if (flags & STANCETAG_SCAN_ENTITIES) {
    for (guint i = 0; i < s->ann.n; i++) {
      const stg_ann *a = &s->ann.v[i];
      uint32_t kind = p->labels[a->label].kind;
      if (kind != STG_LABEL_ENTITY && !(flags & STANCETAG_SCAN_SPANS))
        continue;
      stg_rec r = {0};
      r.kind = STANCETAG_RECORD_ENTITY;
      r.start = s->toks.tok[a->start].start;
      r.end = s->toks.tok[a->end - 1].end;
      r.ann = i;
      r.rule = a->rule;
      g_array_append_val(s->recs, r);
    }
  }
  /* drop deduplicated stances, then order by position */
  guint w = 0;
  for (guint i = 0; i < s->recs->len; i++)
    if (g_array_index(s->recs, stg_rec, i).kind)
      g_array_index(s->recs, stg_rec, w++) = g_array_index(s->recs, stg_rec, i);
  g_array_set_size(s->recs, w);
  if (s->recs->len > 1)
    qsort(s->recs->data, s->recs->len, sizeof(stg_rec), cmp_rec);
  return STANCETAG_OK;
}

/* ---- public records -------------------------------------------------------------------- */

static void pub_ann(const stancetag_program *p, stancetag_scratch *s, uint32_t ann,
                    uint32_t start, uint32_t end, uint32_t id, stancetag_annotation *out) {
  memset(out, 0, sizeof *out);
  out->start = start;
  out->end = end;
  out->id = stg_sref(p, s, id);
  if (ann == STG_NONE)
    return;
  const stg_ann *a = &s->ann.v[ann];
  out->label = p->str + p->labels[a->label].name;
  guint first = s->pubattrs->len;
  for (uint32_t i = 0; i < a->n_attr; i++) {
    stancetag_attr at;
    if (a->dyn_attrs) {
      const stg_dattr *d = &g_array_index(s->dattrs, stg_dattr, a->attr + i);
      at.name = stg_sref(p, s, d->name);
      at.value = stg_sref(p, s, d->value);
      if (strcmp(at.name, "id") == 0)
        continue;
    } else {
      at.name = p->str + p->attrs[a->attr + i].name;
      at.value = p->str + p->attrs[a->attr + i].value;
    }
    g_array_append_val(s->pubattrs, at);
  }
  out->n_attrs = s->pubattrs->len - first;
  /* pointers are fixed up by the caller once pubattrs stops growing */
  out->attrs = (const stancetag_attr *)(uintptr_t)first;
}

void stg_rec_public(const stancetag_program *p, stancetag_scratch *s, const stg_rec *r,
                    stancetag_record *out) {
  memset(out, 0, sizeof *out);
  g_array_set_size(s->pubattrs, 0);
  out->kind = (stancetag_record_kind)r->kind;
  out->start = r->start;
  out->end = r->end;
  const stg_sentence *sent = &s->toks.sent[r->sentence];
  out->sentence_start = s->toks.tok[sent->first].start;
  out->sentence_end = s->toks.tok[sent->last - 1].end;
  out->rule = r->rule != STG_NONE ? p->str + p->rules[r->rule].name : NULL;
  if (r->kind == STANCETAG_RECORD_ENTITY) {
    const stg_ann *a = &s->ann.v[r->ann];
    if (s->toks.n_sent) { /* the sentence of an entity: the one holding its first token */
      const stg_sentence *es = &s->toks.sent[stg_sentence_of(&s->toks, a->start)];
      out->sentence_start = s->toks.tok[es->first].start;
      out->sentence_end = s->toks.tok[es->last - 1].end;
    }
    if (!out->rule)
      out->rule = p->str + p->labels[a->label].name;
    pub_ann(p, s, r->ann, r->start, r->end, a->id, &out->annotation);
  } else {
    pub_ann(p, s, r->holder, r->hs, r->he, r->holder_id, &out->holder);
    pub_ann(p, s, r->target, r->ts, r->te, r->target_id, &out->target);
    out->stance = r->stance == STG_P_SUPPORT ? "support" : "oppose";
    out->cue_start = r->cs;
    out->cue_end = r->ce;
    out->flags = r->flags;
    guint first = s->pubattrs->len;
    for (uint32_t i = 0; i < r->n_dattr; i++) {
      const stg_dattr *d = &g_array_index(s->dattrs, stg_dattr, r->dattr + i);
      stancetag_attr at = {stg_sref(p, s, d->name), stg_sref(p, s, d->value)};
      g_array_append_val(s->pubattrs, at);
    }
    out->n_attrs = s->pubattrs->len - first;
    out->attrs = (const stancetag_attr *)(uintptr_t)first;
  }
  const stancetag_attr *base = (const stancetag_attr *)(void *)s->pubattrs->data;
  out->annotation.attrs = base + (uintptr_t)out->annotation.attrs;
  out->holder.attrs = base + (uintptr_t)out->holder.attrs;
  out->target.attrs = base + (uintptr_t)out->target.attrs;
  out->attrs = base + (uintptr_t)out->attrs;
}

int stancetag_scan(const stancetag_program *program, stancetag_scratch *scratch,
                   const char *text, size_t len, unsigned flags, stancetag_record_cb cb, void *ctx,
                   stancetag_scan_info *info) {
  if (!program || !scratch || (!text && len) || scratch->prog != program)
    return STANCETAG_EINVAL;
  if (!g_atomic_int_compare_and_exchange(&scratch->busy, 0, 1))
    return STANCETAG_EBUSY;
  int rc = stg_scan_records(program, scratch, text ? text : "", len, flags);
  if (info) {
    memset(info, 0, sizeof *info);
    info->tokens = scratch->toks.n;
    info->sentences = scratch->toks.n_sent;
    info->invalid_utf8 = scratch->toks.invalid_utf8;
    info->first_invalid_offset = scratch->toks.first_invalid_offset;
    info->nul_bytes = scratch->toks.nul_bytes;
  }
  for (guint i = 0; rc == STANCETAG_OK && cb && i < scratch->recs->len; i++) {
    stancetag_record rec;
    stg_rec_public(program, scratch, &g_array_index(scratch->recs, stg_rec, i), &rec);
    if (cb(&rec, ctx) != 0)
      rc = STANCETAG_ETERMINATED;
  }
  g_atomic_int_set(&scratch->busy, 0);
  return rc;
}
