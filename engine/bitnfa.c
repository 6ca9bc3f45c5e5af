/* bitnfa.c: rules run as bit-parallel NFAs instead of on the Pike VM (vm.c).
 *
 * A rule without captures reports only where its longest match ends: which path got there,
 * and so thread priority, does not matter. If its code has at most 63 consuming instructions
 * and nothing but jumps, splits and saves between them, the set of live threads at a token is
 * a 64-bit mask, and the epsilon closure after each consumer is precomputed: a step is a
 * predicate test and an OR per live consumer, with no thread lists, stacks or marks. One-
 * element look-arounds and `^` in front of the first consumer are tested once, at the start.
 * Span alternatives (NAME, TITLE, TARGET, ...) are such rules. Derived at load time.
 */
#include "program.h"

enum { BN_MAX_CONS = 63 }; /* bit 63 is "MATCH reachable" */

typedef struct bn_build {
  const stancetag_program *p;
  uint32_t *bit;  /* per instruction: 1 + its consumer bit in the rule being built, 0 none */
  uint8_t *seen;  /* per instruction: visited by the current closure */
  GArray *cons;   /* pcs of the rule's consumers, in bit order */
  GArray *stack;  /* pcs */
  GArray *visited; /* pcs whose `seen` mark must be cleared */
} bn_build;

/* Assigns bits to the consumers reachable from `pc` without consuming, and returns the mask
 * of those consumers (plus bit 63 if MATCH is reachable); STG_BN_FAIL when something other
 * than jumps, splits, saves, consumers and MATCH is met, or too many consumers. */
#define BN_FAIL (~(uint64_t)0)
static uint64_t closure(bn_build *b, uint32_t pc) {
  const stancetag_program *p = b->p;
  uint64_t mask = 0;
  g_array_set_size(b->stack, 0);
  g_array_append_val(b->stack, pc);
  while (b->stack->len && mask != BN_FAIL) {
    uint32_t at = g_array_index(b->stack, uint32_t, --b->stack->len);
    if (at >= p->n_code || b->seen[at])
      continue;
    b->seen[at] = 1;
    g_array_append_val(b->visited, at);
    const stg_inst *in = &p->code[at];
    uint32_t next[2], n_next = 0;
    switch (in->op) {
    case STG_OP_JMP:
      next[n_next++] = in->a;
      break;
    case STG_OP_SPLIT:
      next[n_next++] = in->a;
      next[n_next++] = in->b;
      break;
    case STG_OP_SAVE:
      next[n_next++] = at + 1;
      break;
    case STG_OP_MATCH:
      mask |= (uint64_t)1 << BN_MAX_CONS;
      break;
    case STG_OP_PRED:
    case STG_OP_ANNOT:
      if (!b->bit[at]) {
        if (b->cons->len >= BN_MAX_CONS) {
          mask = BN_FAIL;
          break;
        }
        g_array_append_val(b->cons, at);
        b->bit[at] = b->cons->len;
      }
      mask |= (uint64_t)1 << (b->bit[at] - 1);
      break;
    default:
      mask = BN_FAIL;
      break;
    }
    for (uint32_t k = 0; k < n_next; k++)
      g_array_append_val(b->stack, next[k]);
  }
  for (guint i = 0; i < b->visited->len; i++)
    b->seen[g_array_index(b->visited, uint32_t, i)] = 0;
  g_array_set_size(b->visited, 0);
  return mask;
}

/* Builds rule r's automaton into the program's tables, or leaves it to the VM. */
static void build_rule(bn_build *b, stancetag_program *p, uint32_t r, GArray *nfas, GArray *pcs,
                       GArray *succ) {
  if (p->rules[r].n_caps)
    return;
  /* Tests in front of the first consumer, each passed by every match: run once at the start. */
  stg_bitnfa nfa = {0};
  nfa.pre = pcs->len;
  uint32_t pc = p->rules[r].pc;
  for (uint32_t guard = 0; pc < p->n_code && guard < p->n_code; guard++) {
    const stg_inst *in = &p->code[pc];
    if (in->op == STG_OP_LOOK1 || in->op == STG_OP_BOS) {
      g_array_append_val(pcs, pc);
      nfa.n_pre++;
      pc++;
    } else if (in->op == STG_OP_SAVE) {
      pc++;
    } else if (in->op == STG_OP_JMP) {
      pc = in->a;
    } else {
      break;
    }
  }
  g_array_set_size(b->cons, 0);
  uint64_t start = closure(b, pc);
  GArray *masks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  /* Consumers found while closing the successors of others get bits too: loop until all
   * consumers have their successor closure. */
  for (guint k = 0; start != BN_FAIL && k < b->cons->len; k++) {
    uint64_t m = closure(b, g_array_index(b->cons, uint32_t, k) + 1);
    if (m == BN_FAIL) {
      start = BN_FAIL;
      break;
    }
    g_array_append_val(masks, m);
  }
  for (guint k = 0; k < b->cons->len; k++)
    b->bit[g_array_index(b->cons, uint32_t, k)] = 0;
  if (start == BN_FAIL || !b->cons->len) {
    g_array_set_size(pcs, nfa.pre);
    g_array_free(masks, TRUE);
    return;
  }
  nfa.start = start;
  nfa.cons = pcs->len;
  nfa.n_cons = b->cons->len;
  g_array_append_vals(pcs, b->cons->data, b->cons->len);
  g_array_append_vals(succ, masks->data, masks->len);
  g_array_free(masks, TRUE);
  p->bn_rule[r] = nfas->len;
  g_array_append_val(nfas, nfa);
}

void stg_bitnfa_build(stancetag_program *p) {
  stg_bitnfa_free(p);
  p->bn_rule = g_new(uint32_t, p->n_rules + 1);
  bn_build b = {p, g_new0(uint32_t, p->n_code + 1), g_new0(uint8_t, p->n_code + 1),
                g_array_new(FALSE, FALSE, sizeof(uint32_t)),
                g_array_new(FALSE, FALSE, sizeof(uint32_t)),
                g_array_new(FALSE, FALSE, sizeof(uint32_t))};
  GArray *nfas = g_array_new(FALSE, FALSE, sizeof(stg_bitnfa));
  GArray *pcs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *succ = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  for (uint32_t r = 0; r < p->n_rules; r++) {
    p->bn_rule[r] = STG_NONE;
    build_rule(&b, p, r, nfas, pcs, succ);
  }
  /* Successor masks are stored per consumer, at the consumer's index in bn_pc. */
  p->bn_succ = g_new0(uint64_t, pcs->len + 1);
  guint j = 0;
  for (guint i = 0; i < nfas->len; i++) {
    const stg_bitnfa *n = &g_array_index(nfas, stg_bitnfa, i);
    for (uint32_t k = 0; k < n->n_cons; k++)
      p->bn_succ[n->cons + k] = g_array_index(succ, uint64_t, j++);
  }
  p->n_bn = nfas->len;
  p->bn = (stg_bitnfa *)(void *)g_array_free(nfas, FALSE);
  p->bn_pc = (uint32_t *)(void *)g_array_free(pcs, FALSE);
  g_array_free(succ, TRUE);
  g_free(b.bit);
  g_free(b.seen);
  g_array_free(b.cons, TRUE);
  g_array_free(b.stack, TRUE);
  g_array_free(b.visited, TRUE);
}

void stg_bitnfa_free(stancetag_program *p) {
  g_free(p->bn_rule);
  g_free(p->bn);
  g_free(p->bn_pc);
  g_free(p->bn_succ);
  p->bn_rule = p->bn_pc = NULL;
  p->bn = NULL;
  p->bn_succ = NULL;
  p->n_bn = 0;
}
