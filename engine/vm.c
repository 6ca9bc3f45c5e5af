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

static const char *ann_attr(const stancetag_program *p, const stancetag_scratch *s,
                            const stg_ann *a, const char *name) {
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
    const char *v = ann_attr(p, s, a, p->str + c->name);
    int eq = v && g_ascii_strcasecmp(v, p->str + c->value) == 0;
    if (eq == (int)c->negated)
      return 0;
  }
  return 1;
}

static int regex_match(stg_sent_ctx *c, uint32_t re, uint32_t tok) {
  stancetag_scratch *s = c->s;
  const stg_token *t = &s->toks.tok[tok];
  g_string_truncate(s->tmp, 0);
  g_string_append_len(s->tmp, s->text + t->start, t->end - t->start);
  guint8 *res = g_hash_table_lookup(s->regex_cache, s->tmp->str);
  if (!res) {
    /* Results are cached per distinct token text, never computed per occurrence. */
    if (g_hash_table_size(s->regex_cache) > 100000)
      g_hash_table_remove_all(s->regex_cache);
    res = g_new0(guint8, c->p->n_regexes);
    g_hash_table_insert(s->regex_cache, g_strdup(s->tmp->str), res);
  }
  if (!res[re]) {
    int ok = g_utf8_validate(s->tmp->str, (gssize)s->tmp->len, NULL) &&
             g_regex_match(c->p->re[re], s->tmp->str, 0, NULL);
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

int stg_vm_pred(stg_sent_ctx *c, const stg_inst *in, uint32_t tok) {
  int any = 0;
  for (uint32_t k = 0; k < in->b && !any; k++)
    any = one_pred(c, &c->p->preds[in->a + k], tok);
  return in->c ? !any : any;
}

void stg_vm_free(stg_vm *vm) {
  if (!vm->threads)
    return;
  g_array_free(vm->threads, TRUE);
  g_array_free(vm->caps, TRUE);
  g_array_free(vm->head, TRUE);
  g_array_free(vm->tail, TRUE);
  g_array_free(vm->stack, TRUE);
  g_free(vm->mark);
  memset(vm, 0, sizeof *vm);
}

static void vm_reset(stg_vm *vm, uint32_t n_pos, uint32_t n_code) {
  if (!vm->threads) {
    vm->threads = g_array_new(FALSE, FALSE, sizeof(stg_thread));
    vm->caps = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    vm->head = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    vm->tail = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    vm->stack = g_array_new(FALSE, FALSE, sizeof(stg_thread));
  }
  g_array_set_size(vm->threads, 0);
  g_array_set_size(vm->caps, 0);
  g_array_set_size(vm->head, n_pos);
  g_array_set_size(vm->tail, n_pos);
  memset(vm->head->data, 0xFF, n_pos * sizeof(uint32_t));
  if (vm->mark_size < n_code) {
    g_free(vm->mark);
    vm->mark = g_new0(uint32_t, n_code);
    vm->mark_size = n_code;
    vm->gen = 0;
  }
}

static uint32_t caps_copy(stg_vm *vm, uint32_t from, uint32_t n) {
  uint32_t off = vm->caps->len;
  g_array_set_size(vm->caps, off + n);
  if (n)
    memcpy(&g_array_index(vm->caps, uint32_t, off), &g_array_index(vm->caps, uint32_t, from),
           n * sizeof(uint32_t));
  return off;
}

static void enqueue(stg_vm *vm, uint32_t rel, uint32_t pc, uint32_t caps) {
  stg_thread t = {pc, caps, STG_NONE};
  uint32_t idx = vm->threads->len;
  g_array_append_val(vm->threads, t);
  uint32_t *head = &g_array_index(vm->head, uint32_t, rel);
  uint32_t *tail = &g_array_index(vm->tail, uint32_t, rel);
  if (*head == STG_NONE)
    *head = idx;
  else
    g_array_index(vm->threads, stg_thread, *tail).next = idx;
  *tail = idx;
}

enum { MODE_LONGEST, MODE_ANY, MODE_AT_LIMIT };

static int vm_run(stg_sent_ctx *c, guint depth, uint32_t pc0, uint32_t start, uint32_t limit,
                  int mode, uint32_t n_caps, uint32_t *out_end, uint32_t *out_caps);

/* Zero-width look-around at token `pos`. */
static int look(stg_sent_ctx *c, guint depth, const stg_inst *in, uint32_t pos) {
  int found = 0;
  if (depth + 1 >= G_N_ELEMENTS(c->s->vm))
    return in->c ? 1 : 0;
  if (!in->b) {
    found = vm_run(c, depth + 1, in->a, pos, c->se, MODE_ANY, 0, NULL, NULL);
  } else {
    for (uint32_t s = pos + 1; s-- > c->sb && !found;)
      found = vm_run(c, depth + 1, in->a, s, pos, MODE_AT_LIMIT, 0, NULL, NULL);
  }
  return in->c ? !found : found;
}

static int vm_run(stg_sent_ctx *c, guint depth, uint32_t pc0, uint32_t start, uint32_t limit,
                  int mode, uint32_t n_caps, uint32_t *out_end, uint32_t *out_caps) {
  const stancetag_program *p = c->p;
  stancetag_scratch *s = c->s;
  stg_vm *vm = &s->vm[depth];
  uint32_t n_pos = limit - start + 1;
  vm_reset(vm, n_pos, p->n_code);
  uint32_t nc = 2 * n_caps;
  uint32_t caps0 = vm->caps->len;
  g_array_set_size(vm->caps, caps0 + nc);
  memset(&g_array_index(vm->caps, uint32_t, caps0), 0xFF, nc * sizeof(uint32_t));
  enqueue(vm, 0, pc0, caps0);
  int matched = 0;
  uint32_t best_end = 0;
  for (uint32_t pos = start; pos <= limit; pos++) {
    uint32_t rel = pos - start;
    uint32_t ti = g_array_index(vm->head, uint32_t, rel);
    if (ti == STG_NONE)
      continue;
    vm->gen++;
    if (vm->gen == 0) {
      memset(vm->mark, 0, vm->mark_size * sizeof(uint32_t));
      vm->gen = 1;
    }
    int matched_here = 0;
    for (; ti != STG_NONE; ti = g_array_index(vm->threads, stg_thread, ti).next) {
      stg_thread th = g_array_index(vm->threads, stg_thread, ti);
      /* Epsilon closure in priority order, with an explicit stack. */
      g_array_set_size(vm->stack, 0);
      g_array_append_val(vm->stack, th);
      while (vm->stack->len) {
        stg_thread t = g_array_index(vm->stack, stg_thread, vm->stack->len - 1);
        g_array_set_size(vm->stack, vm->stack->len - 1);
        if (vm->mark[t.pc] == vm->gen)
          continue;
        vm->mark[t.pc] = vm->gen;
        const stg_inst *in = &p->code[t.pc];
        switch (in->op) {
        case STG_OP_JMP: {
          stg_thread n = {in->a, t.caps, 0};
          g_array_append_val(vm->stack, n);
          break;
        }
        case STG_OP_SPLIT: {
          stg_thread second = {in->b, t.caps, 0}, first = {in->a, t.caps, 0};
          g_array_append_val(vm->stack, second);
          g_array_append_val(vm->stack, first);
          break;
        }
        case STG_OP_SAVE: {
          stg_thread n = {t.pc + 1, t.caps, 0};
          if (in->a < nc) {
            n.caps = caps_copy(vm, t.caps, nc);
            g_array_index(vm->caps, uint32_t, n.caps + in->a) = pos;
          }
          g_array_append_val(vm->stack, n);
          break;
        }
        case STG_OP_BOS:
        case STG_OP_EOS:
        case STG_OP_LOOK: {
          int ok = in->op == STG_OP_BOS   ? pos == c->sb
                   : in->op == STG_OP_EOS ? pos == c->se
                                          : look(c, depth, in, pos);
          /* look() may reuse deeper VMs only, so this VM's arrays stay valid. */
          if (ok) {
            stg_thread n = {t.pc + 1, t.caps, 0};
            g_array_append_val(vm->stack, n);
          }
          break;
        }
        case STG_OP_PRED:
          if (pos < limit && stg_vm_pred(c, in, pos))
            enqueue(vm, rel + 1, t.pc + 1, t.caps);
          break;
        case STG_OP_ANNOT:
          if (pos < limit) {
            for (uint32_t a = s->head[pos]; a != STG_NONE;
                 a = g_array_index(s->ann, stg_ann, a).next) {
              const stg_ann *an = &g_array_index(s->ann, stg_ann, a);
              if (an->label == in->a && an->end <= limit && an->end > pos &&
                  stg_ann_ok(p, s, an, in->b, in->c))
                enqueue(vm, an->end - start, t.pc + 1, t.caps);
            }
          }
          break;
        case STG_OP_MATCH:
          if (mode == MODE_ANY)
            return 1;
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
              memcpy(out_caps, &g_array_index(vm->caps, uint32_t, t.caps),
                     nc * sizeof(uint32_t));
          }
          break;
        }
      }
    }
  }
  if (matched && out_end)
    *out_end = best_end;
  return matched;
}

int stg_vm_longest(stg_sent_ctx *c, uint32_t pc, uint32_t start, uint32_t n_caps, uint32_t *end,
                   uint32_t *caps) {
  return vm_run(c, 0, pc, start, c->se, MODE_LONGEST, n_caps, end, caps);
}
