/* vm.c: runs pattern code (a Thompson NFA over tokens) as a Pike VM.
 *
 * Threads advance token by token in priority order; an instruction is entered at most once per
 * position, so a run costs O(instructions x tokens) whatever the pattern: no backtracking.
 * Annotations (entities, spans, tags) consume several tokens at once, so threads are queued
 * per future position rather than in a single next-list. The longest match wins; among threads
 * reaching the same end, the highest-priority one gives the captures.
 */
#include <string.h>

#include "scan.h"

typedef struct stg_thread {
  uint32_t pc, caps, next;
} stg_thread;

const char *stg_sref(const stancetag_program *p, const stancetag_scratch *s, uint32_t ref) {
  if (ref & STG_DYN)
    return s->dstr->str + (ref & ~STG_DYN);
  return p->str + ref;
}

const char *stg_ann_attr(const stancetag_program *p, const stancetag_scratch *s, const stg_ann *a,
                         const char *name) {
  if (strcmp(name, "id") == 0)
    return stg_sref(p, s, a->id);
  for (uint32_t i = 0; i < a->n_attr; i++) {
    if (a->dyn_attrs) {
      const stg_dattr *d = &g_array_index(s->dattrs, stg_dattr, a->attr + i);
      if (strcmp(stg_sref(p, s, d->name), name) == 0)
        return stg_sref(p, s, d->value);
    } else {
      const stg_attr_rec *r = &p->attrs[a->attr + i];
      if (strcmp(p->str + r->name, name) == 0)
        return p->str + r->value;
    }
  }
  return NULL;
}

int stg_ann_ok(const stancetag_program *p, const stancetag_scratch *s, const stg_ann *a,
               uint32_t first, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    const stg_cons_rec *c = &p->cons[first + i];
    if (!a->dyn_attrs && p->cons_vid[first + i] != STG_NONE) {
      /* Static attributes: names are interned (equal names, equal offsets) and values have
       * case-insensitive ids, so no string is compared. */
      int eq = 0;
      for (uint32_t k = a->attr; k < a->attr + a->n_attr; k++)
        if (p->attrs[k].name == c->name) {
          eq = p->attr_vid[k] == p->cons_vid[first + i];
          break;
        }
      if (eq == (int)c->negated)
        return 0;
      continue;
    }
    const char *v = stg_ann_attr(p, s, a, p->str + c->name);
    int eq = v && g_ascii_strcasecmp(v, p->str + c->value) == 0;
    if (eq == (int)c->negated)
      return 0;
  }
  return 1;
}

static int regex_match(stg_sent_ctx *c, uint32_t re, uint32_t tok) {
  stancetag_scratch *s = c->s;
  const stg_token *t = &s->toks.tok[tok];
  uint32_t need = c->p->regexes[re].need;
  if ((t->flags & need) != need) /* `\p{Lu}...` at a lower-case word: no lookup */
    return 0;
  /* An ASCII token is decided by the regex's automaton, with no lookups: most tokens are. */
  if ((t->flags & (STG_TF_ASCII | STG_TF_INVALID)) == STG_TF_ASCII) {
    int r = stg_regex_match_ascii(c->p->re[re], s->text + t->start, t->end - t->start);
    if (r >= 0)
      return r;
  }
  /* Results are cached per distinct token text (never computed per occurrence), and the
   * token's entry is remembered so other regexes at the same token skip the hash lookup. The
   * table is only emptied between documents (scan.c), so the remembered entries stay valid. */
  guint8 *res = s->tok_re[tok];
  if (!res) {
    /* A short word met earlier in this document: its word-cache entry has the results (word
     * ids are assigned before any regex runs, so tok_re cannot have them yet). */
    uint64_t key[2];
    stg_wcache *e = stg_wcache_slot(s, t, key);
    if (e && !stg_wcache_holds(e, key, t->end - t->start))
      e = NULL;
    res = e ? e->re : NULL;
    if (!res) {
      res =
          stg_recache_get(&s->regex_cache, s->text + t->start, t->end - t->start, c->p->n_regexes);
      if (e)
        e->re = res; /* the next occurrence of this short word starts with it */
    }
    s->tok_re[tok] = res;
  }
  if (!res[re]) {
    int ok = res[c->p->n_regexes] == 2 &&
             stg_regex_match(c->p->re[re], s->re_md, s->text + t->start, t->end - t->start);
    res[re] = ok ? 2 : 1;
  }
  return res[re] == 2;
}

static int exact_text(stg_sent_ctx *c, uint32_t tok, uint32_t str) {
  const stg_token *t = &c->s->toks.tok[tok];
  const char *want = c->p->str + str;
  size_t n = t->end - t->start;
  return strlen(want) == n && memcmp(want, c->s->text + t->start, n) == 0;
}

static int one_pred(stg_sent_ctx *c, const stg_pred *d, uint32_t tok) {
  const stancetag_program *p = c->p;
  uint32_t w = c->s->wid[tok];
  switch (d->kind) {
  case STG_PRED_WORD:
    return w == d->a && (d->b == 0 || exact_text(c, tok, d->b));
  case STG_PRED_CLASS:
    if (w == 0)
      return 0;
    if (d->a < 63 && (p->word_cls[w] >> d->a & 1))
      return 1;
    if (!(p->word_cls[w] >> 63))
      return 0;
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++)
      if (p->members[m].cls == d->a &&
          (p->members[m].cs_text == 0 || exact_text(c, tok, p->members[m].cs_text)))
        return 1;
    return 0;
  case STG_PRED_REGEX:
    return regex_match(c, d->a, tok);
  case STG_PRED_SHAPE: {
    uint32_t f = c->s->toks.tok[tok].flags;
    return (f & d->a) == d->a && (f & d->b) == 0;
  }
  case STG_PRED_ANY:
    return 1;
  }
  return 0;
}

/* First index in d[0..n) whose (kind, a) is not below (kind, a). */
static uint32_t pred_lower(const stg_pred *d, uint32_t n, uint32_t kind, uint32_t a) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (d[mid].kind < kind || (d[mid].kind == kind && d[mid].a < a))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The predicates of an instruction are sorted by kind, then word (compile.c): words are found
 * by binary search, the other kinds (classes, regexes, shapes) follow and are tried in turn. */
int stg_vm_pred(stg_sent_ctx *c, const stg_inst *in, uint32_t tok) {
  const stg_pred *d = &c->p->preds[in->a];
  uint32_t n = in->b, k = 0;
  int any = 0;
  if (n > 4) {
    uint32_t w = c->s->wid[tok];
    for (k = w ? pred_lower(d, n, STG_PRED_WORD, w) : n; k < n && !any; k++) {
      if (d[k].kind != STG_PRED_WORD || d[k].a != w)
        break;
      any = one_pred(c, &d[k], tok);
    }
    k = pred_lower(d, n, STG_PRED_CLASS, 0);
  }
  for (; k < n && !any; k++)
    any = one_pred(c, &d[k], tok);
  return in->c ? !any : any;
}

/* stg_vm_pred with the commonest one-predicate cases (`_`, a word) inline. */
static inline int pred_fast(stg_sent_ctx *c, const stg_inst *in, uint32_t tok) {
  if (in->b != 1)
    return stg_vm_pred(c, in, tok);
  const stg_pred *d = &c->p->preds[in->a];
  int ok;
  if (d->kind == STG_PRED_ANY)
    ok = 1;
  else if (d->kind == STG_PRED_WORD)
    ok = c->s->wid[tok] == d->a && (d->b == 0 || exact_text(c, tok, d->b));
  else
    ok = one_pred(c, d, tok);
  return in->c ? !ok : ok;
}

void stg_vm_free(stg_vm *vm) {
  g_free(vm->threads);
  g_free(vm->caps);
  g_free(vm->head);
  g_free(vm->tail);
  g_free(vm->hrun);
  g_free(vm->stack);
  g_free(vm->mark);
  memset(vm, 0, sizeof *vm);
}

/* Grows a buffer geometrically so that it holds at least `need` elements. */
#define GROW(ptr, cap, need)                                                                     \
  do {                                                                                           \
    if ((need) > (cap)) {                                                                        \
      uint32_t c_ = (cap) ? (cap) : 64;                                                          \
      while (c_ < (need))                                                                        \
        c_ *= 2;                                                                                 \
      (ptr) = g_realloc_n((ptr), c_, sizeof *(ptr));                                             \
      (cap) = c_;                                                                                \
    }                                                                                            \
  } while (0)

/* Per-run reset is O(1): queues are valid only when their stamp equals the run number, so no
 * array is cleared per run (clearing was a quarter of the scan time). */
static void vm_reset(stg_vm *vm, uint32_t n_pos, uint32_t n_code) {
  vm->n_threads = 0;
  vm->n_caps = 0;
  if (n_pos > vm->cap_pos) {
    uint32_t c = vm->cap_pos ? vm->cap_pos : 64;
    while (c < n_pos)
      c *= 2;
    vm->head = g_realloc_n(vm->head, c, sizeof(uint32_t));
    vm->tail = g_realloc_n(vm->tail, c, sizeof(uint32_t));
    vm->hrun = g_realloc_n(vm->hrun, c, sizeof(uint32_t));
    memset(vm->hrun + vm->cap_pos, 0, (c - vm->cap_pos) * sizeof(uint32_t));
    vm->cap_pos = c;
  }
  if (++vm->run == 0) {
    memset(vm->hrun, 0, vm->cap_pos * sizeof(uint32_t));
    vm->run = 1;
  }
  GROW(vm->stack, vm->cap_stack, 2 * n_code + 2);
  if (vm->mark_size < n_code) {
    g_free(vm->mark);
    vm->mark = g_new0(uint32_t, n_code);
    vm->mark_size = n_code;
    vm->gen = 0;
  }
}

static uint32_t caps_copy(stg_vm *vm, uint32_t from, uint32_t n) {
  uint32_t off = vm->n_caps;
  GROW(vm->caps, vm->cap_caps, off + n);
  if (n)
    memcpy(vm->caps + off, vm->caps + from, n * sizeof(uint32_t));
  vm->n_caps = off + n;
  return off;
}

static inline void enqueue(stg_vm *vm, uint32_t rel, uint32_t pc, uint32_t caps) {
  GROW(vm->threads, vm->cap_threads, vm->n_threads + 1);
  uint32_t idx = vm->n_threads++;
  vm->threads[idx] = (stg_thread){pc, caps, STG_NONE};
  if (vm->hrun[rel] != vm->run) {
    vm->hrun[rel] = vm->run;
    vm->head[rel] = idx;
  } else {
    vm->threads[vm->tail[rel]].next = idx;
  }
  vm->tail[rel] = idx;
}

/* The stack never exceeds 2 * n_code + 1 entries (each instruction is expanded at most once
 * per closure and pushes at most two), and vm_reset sizes it so: no growth check here. */
static inline void push(stg_vm *vm, uint32_t pc, uint32_t caps) {
  vm->stack[vm->n_stack++] = (stg_thread){pc, caps, 0};
}

enum { MODE_LONGEST, MODE_ANY, MODE_AT_LIMIT };

static int vm_run(stg_sent_ctx *c, guint depth, uint32_t pc0, uint32_t start, uint32_t limit,
                  int mode, uint32_t n_caps, uint32_t *out_end, uint32_t *out_caps);

static int bn_run(stg_sent_ctx *c, guint depth, const stg_bitnfa *n, uint32_t start,
                  uint32_t limit, int mode, uint32_t *out_end);

/* Runs a look-around's pattern at depth + 1: as an automaton of bitnfa.c if it has one. */
static int sub_run(stg_sent_ctx *c, guint depth, const stg_inst *in, uint32_t start,
                   uint32_t limit, int mode) {
  uint32_t nfa = c->p->bn_look[in - c->p->code];
  if (nfa != STG_NONE)
    return bn_run(c, depth + 1, &c->p->bn[nfa], start, limit, mode, NULL);
  return vm_run(c, depth + 1, in->a, start, limit, mode, 0, NULL, NULL);
}

/* Zero-width look-around at token `pos`. */
static int look(stg_sent_ctx *c, guint depth, const stg_inst *in, uint32_t pos) {
  int found = 0;
  if (depth + 1 >= G_N_ELEMENTS(c->s->vm))
    return (in->c & 1) ? 1 : 0;
  if (!in->b) {
    found = sub_run(c, depth, in, pos, c->se, MODE_ANY);
  } else if (c->p->code[in->a].op == STG_OP_BOS) {
    /* (?<= ^ ...): only a match from the sentence start can end here */
    found = sub_run(c, depth, in, c->sb, pos, MODE_AT_LIMIT);
  } else {
    /* b - 1 is the longest the look-behind pattern can be, so only that many starts are
     * tried (unbounded patterns try back to the sentence start); with annotations inside,
     * the longest annotation of the document bounds it (compile.c: behind_shape). */
    uint64_t max = in->b - 1;
    if (in->c & 2)
      max = (uint64_t)(in->b & 0xFFFF) + (uint64_t)(in->b >> 16) * c->s->max_ann_len;
    uint32_t lo = max >= STG_NONE - 1 || pos - c->sb < max ? c->sb : pos - (uint32_t)max;
    for (uint32_t s = pos + 1; s-- > lo && !found;)
      found = sub_run(c, depth, in, s, pos, MODE_AT_LIMIT);
  }
  return (in->c & 1) ? !found : found;
}

/* Does an annotation satisfying ANNOT instruction `in` (label, constraints) start at `pos` and
 * end inside the sentence? */
static int ann_starts(stg_sent_ctx *c, const stg_inst *in, uint32_t pos) {
  for (uint32_t a = c->s->head[pos]; a != STG_NONE;
       a = c->s->ann.v[a].next) {
    const stg_ann *an = &c->s->ann.v[a];
    if (an->label == in->a && an->end <= c->se && an->end > pos &&
        stg_ann_ok(c->p, c->s, an, in->b, in->c))
      return 1;
  }
  return 0;
}

/* A one-element look-around (LOOK1): any alternative consumes at `pos` (ahead) or ends at
 * `pos` (behind: the token before, or an annotation ending at `pos`). */
static int look1(stg_sent_ctx *c, const stg_inst *in, uint32_t pos) {
  const stancetag_program *p = c->p;
  const stancetag_scratch *s = c->s;
  int behind = (in->c & 2) != 0, found = 0;
  uint32_t at = behind ? pos - 1 : pos;
  if (behind ? pos > c->sb : pos < c->se) {
    for (uint32_t k = 0; k < in->b && !found; k++) {
      const stg_inst *alt = &p->code[in->a + k];
      if (alt->op == STG_OP_PRED) {
        found = pred_fast(c, alt, at);
        continue;
      }
      if (behind) { /* an annotation ending here, inside the sentence */
        for (uint32_t a = s->tail[pos]; a != STG_NONE && !found;
             a = s->ann.v[a].next_end) {
          const stg_ann *an = &s->ann.v[a];
          found = an->label == alt->a && an->start >= c->sb && stg_ann_ok(p, s, an, alt->b, alt->c);
        }
        continue;
      }
      found = ann_starts(c, alt, at);
    }
  }
  return (in->c & 1) ? !found : found;
}

static int vm_run(stg_sent_ctx *c, guint depth, uint32_t pc0, uint32_t start, uint32_t limit,
                  int mode, uint32_t n_caps, uint32_t *out_end, uint32_t *out_caps) {
  const stancetag_program *p = c->p;
  stancetag_scratch *s = c->s;
  stg_vm *vm = &s->vm[depth];
  vm_reset(vm, limit - start + 1, p->n_code);
  uint32_t nc = 2 * n_caps;
  if (nc) {
    GROW(vm->caps, vm->cap_caps, nc);
    memset(vm->caps, 0xFF, nc * sizeof(uint32_t));
  }
  vm->n_caps = nc;
  enqueue(vm, 0, pc0, 0);
  uint32_t last_queued = start; /* no thread is queued beyond this position */
  int matched = 0;
  uint32_t best_end = 0;
  for (uint32_t pos = start; pos <= limit && pos <= last_queued; pos++) {
    uint32_t rel = pos - start;
    if (vm->hrun[rel] != vm->run)
      continue;
    if (++vm->gen == 0) {
      memset(vm->mark, 0, vm->mark_size * sizeof(uint32_t));
      vm->gen = 1;
    }
    int matched_here = 0;
    for (uint32_t ti = vm->head[rel]; ti != STG_NONE; ti = vm->threads[ti].next) {
      /* Epsilon closure in priority order: a thread is followed along its preferred branch
       * without touching the stack; only the other side of a split is pushed (when not
       * already visited at this position). */
      vm->n_stack = 0;
      stg_thread t = vm->threads[ti];
      for (;; t = vm->stack[--vm->n_stack]) {
        for (int alive = 1; alive;) {
          if (vm->mark[t.pc] == vm->gen)
            break;
          vm->mark[t.pc] = vm->gen;
          const stg_inst *in = &p->code[t.pc];
          switch (in->op) {
          case STG_OP_JMP:
            t.pc = in->a;
            break;
          case STG_OP_SPLIT:
            if (vm->mark[in->b] != vm->gen)
              push(vm, in->b, t.caps);
            t.pc = in->a;
            break;
          case STG_OP_SAVE:
            if (in->a < nc) {
              uint32_t caps = caps_copy(vm, t.caps, nc);
              vm->caps[caps + in->a] = pos;
              t.caps = caps;
            }
            t.pc++;
            break;
          case STG_OP_BOS:
          case STG_OP_EOS:
          case STG_OP_LOOK: {
            int ok = in->op == STG_OP_BOS   ? pos == c->sb
                     : in->op == STG_OP_EOS ? pos == c->se
                                            : look(c, depth, in, pos);
            /* look() only uses deeper VMs, so this VM's state stays valid. */
            if (ok)
              t.pc++;
            else
              alive = 0;
            break;
          }
          case STG_OP_LOOK1:
            if (look1(c, in, pos))
              t.pc++;
            else
              alive = 0;
            break;
          case STG_OP_PRED:
            if (pos < limit && pred_fast(c, in, pos)) {
              enqueue(vm, rel + 1, t.pc + 1, t.caps);
              if (pos + 1 > last_queued)
                last_queued = pos + 1;
            }
            alive = 0;
            break;
          case STG_OP_ANNOT:
            if (pos < limit) {
              for (uint32_t a = s->head[pos]; a != STG_NONE;
                   a = s->ann.v[a].next) {
                const stg_ann *an = &s->ann.v[a];
                if (an->label == in->a && an->end <= limit && an->end > pos &&
                    stg_ann_ok(p, s, an, in->b, in->c)) {
                  enqueue(vm, an->end - start, t.pc + 1, t.caps);
                  if (an->end > last_queued)
                    last_queued = an->end;
                }
              }
            }
            alive = 0;
            break;
          case STG_OP_MATCH:
            if (mode == MODE_ANY)
              return 1;
            alive = 0;
            if (mode == MODE_AT_LIMIT) {
              if (pos == limit)
                return 1;
              break;
            }
            /* First (highest-priority) thread to match at a position gives the captures; a
             * later position (longer match) overrides. Empty matches do not count. */
            if (!matched_here && pos > start) {
              matched_here = 1;
              matched = 1;
              best_end = pos;
              if (out_caps && nc)
                memcpy(out_caps, vm->caps + t.caps, nc * sizeof(uint32_t));
            }
            break;
          default:
            alive = 0;
            break;
          }
        }
        if (!vm->n_stack)
          break;
      }
    }
  }
  if (matched && out_end)
    *out_end = best_end;
  return matched;
}

/* Does the first consuming instruction at `pc` match at `start`? */
static int consumer_ok(stg_sent_ctx *c, const stg_inst *in, uint32_t start) {
  if (in->op == STG_OP_PRED)
    return start < c->se && pred_fast(c, in, start);
  return ann_starts(c, in, start);
}

/* Tests a rule's first consuming instructions (compile.c: build_first) at `start`. 0 means
 * the rule cannot match here, so the VM need not start: most trigger hits (every COUNTRY for
 * each `COUNTRY[form = ...]` alternative, every token for a rule that starts with a regex)
 * fail at their first element. One-element look-arounds and anchors before them are left to
 * the VM. */
int stg_vm_first_step(stg_sent_ctx *c, uint32_t rule, uint32_t start) {
  const stancetag_program *p = c->p;
  for (uint32_t k = p->first_off[rule]; k < p->first_off[rule + 1]; k++) {
    if (p->first[k] == STG_NONE || consumer_ok(c, &p->code[p->first[k]], start))
      return 1;
  }
  return 0;
}

int stg_vm_longest(stg_sent_ctx *c, uint32_t pc, uint32_t start, uint32_t n_caps, uint32_t *end,
                   uint32_t *caps) {
  return vm_run(c, 0, pc, start, c->se, MODE_LONGEST, n_caps, end, caps);
}

/* An automaton of bitnfa.c from `start`, as vm_run in `mode` would run the same code (without
 * captures): MODE_LONGEST sets *out_end to the longest non-empty match's end; MODE_ANY is
 * any match, empty included; MODE_AT_LIMIT a match ending at `limit`. bn_mask[depth] holds the
 * live states per position and is all zero between runs. */
static int bn_run(stg_sent_ctx *c, guint depth, const stg_bitnfa *n, uint32_t start,
                  uint32_t limit, int mode, uint32_t *out_end) {
  const stancetag_program *p = c->p;
  stancetag_scratch *s = c->s;
  const uint32_t span = limit - start + 1;
  if (span > s->bn_mask[depth].n) {
    stg_vec_reserve(s->bn_mask[depth], span);
    memset(s->bn_mask[depth].v + s->bn_mask[depth].n, 0,
           (span - s->bn_mask[depth].n) * sizeof(uint64_t));
    s->bn_mask[depth].n = span;
  }
  uint64_t *mask = s->bn_mask[depth].v;
  const uint32_t *cons = p->bn_pc + n->cons;
  const uint64_t *succ = p->bn_succ + n->cons;
  const uint64_t match = (uint64_t)1 << 63, guards = n->guards;
  mask[0] = n->start;
  uint32_t hi = 0, best = 0;
  int found = 0;
  for (uint32_t rel = 0; rel <= hi; rel++) {
    uint64_t m = mask[rel];
    mask[rel] = 0;
    if (found) /* MODE_ANY or MODE_AT_LIMIT answered: only clear the rest */
      continue;
    const uint32_t pos = start + rel;
    /* Zero-width tests first: one that passes makes its successors live here. */
    for (uint64_t done = 0, todo = m & guards; todo; todo = m & guards & ~done) {
      const int k = __builtin_ctzll(todo);
      done |= (uint64_t)1 << k;
      const stg_inst *in = &p->code[cons[k]];
      int ok = in->op == STG_OP_BOS     ? pos == c->sb
               : in->op == STG_OP_EOS   ? pos == c->se
               : in->op == STG_OP_LOOK1 ? look1(c, in, pos)
                                        : look(c, depth, in, pos);
      if (ok)
        m |= succ[k];
    }
    m &= ~guards;
    if (m & match) {
      if (mode == MODE_ANY || (mode == MODE_AT_LIMIT && pos == limit))
        found = 1;
      else if (mode == MODE_LONGEST && rel > 0) /* empty matches do not count */
        best = rel;
    }
    m &= ~match;
    if (pos >= limit || found)
      continue;
    while (m) {
      const int k = __builtin_ctzll(m);
      m &= m - 1;
      const stg_inst *in = &p->code[cons[k]];
      if (in->op == STG_OP_PRED) {
        if (pred_fast(c, in, pos)) {
          mask[rel + 1] |= succ[k];
          hi = rel + 1 > hi ? rel + 1 : hi;
        }
        continue;
      }
      for (uint32_t a = s->head[pos]; a != STG_NONE; a = s->ann.v[a].next) {
        const stg_ann *an = &s->ann.v[a];
        if (an->label == in->a && an->end <= limit && an->end > pos &&
            stg_ann_ok(p, s, an, in->b, in->c)) {
          mask[an->end - start] |= succ[k];
          hi = an->end - start > hi ? an->end - start : hi;
        }
      }
    }
  }
  if (mode != MODE_LONGEST)
    return found;
  if (best)
    *out_end = start + best;
  return best != 0;
}

int stg_vm_bitnfa(stg_sent_ctx *c, const stg_bitnfa *n, uint32_t start, uint32_t *out_end) {
  return bn_run(c, 0, n, start, c->se, MODE_LONGEST, out_end);
}
