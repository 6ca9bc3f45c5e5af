/* bitnfa.c: rules run as bit-parallel NFAs instead of on the Pike VM (vm.c).
 *
 * Without captures a rule reports only where its longest match ends: which path got there,
 * and so thread priority, does not matter. If its code has at most 63 states (consuming
 * instructions, and zero-width tests: look-arounds, `^`, `$`) with only jumps, splits and
 * saves between them, the set of live states at a token fits a 64-bit mask, and the epsilon
 * closure after each state is precomputed: a step is a test and an OR per live state, with no
 * thread queues, stacks or marks. Span alternatives (NAME, TITLE, PERSON_CAND) run this way.
 * A rule with captures runs its automaton first, saves ignored, and the VM only when that
 * finds a match: most candidates of a stance rule fail. Derived at load time, never saved.
 */
#include "program.h"

enum { BN_MAX_STATES = 63 }; /* bit 63 is "MATCH reachable" */

typedef struct bn_build {
  const stancetag_program *p;
  uint32_t *bit;  /* per instruction: 1 + its state bit in the rule being built, 0 none */
  uint8_t *seen;  /* per instruction: visited by the current closure */
  GArray *cons;   /* pcs of the rule's states, in bit order */
  GArray *stack;  /* pcs */
  GArray *visited; /* pcs whose `seen` mark must be cleared */
} bn_build;

/* Assigns bits to the states reachable from `pc` through jumps, splits and saves, and returns
 * their mask (plus bit 63 if MATCH is reachable); BN_FAIL beyond 63 states. */
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
      mask |= (uint64_t)1 << BN_MAX_STATES;
      break;
    case STG_OP_PRED:
    case STG_OP_ANNOT:
    case STG_OP_LOOK:
    case STG_OP_LOOK1:
    case STG_OP_BOS:
    case STG_OP_EOS:
      if (!b->bit[at]) {
        if (b->cons->len >= BN_MAX_STATES) {
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

/* Builds the automaton of the code at `pc` into the program's tables and returns its index,
 * or STG_NONE: the VM alone runs it. */
static uint32_t build_at(bn_build *b, stancetag_program *p, uint32_t pc0, GArray *nfas,
                         GArray *pcs, GArray *succ) {
  g_array_set_size(b->cons, 0);
  uint64_t start = closure(b, pc0);
  GArray *masks = g_array_new(FALSE, FALSE, sizeof(uint64_t));
  /* States found while closing the successors of others get bits too: loop until every
   * state has its successor closure. */
  for (guint k = 0; start != BN_FAIL && k < b->cons->len; k++) {
    uint64_t m = closure(b, g_array_index(b->cons, uint32_t, k) + 1);
    if (m == BN_FAIL) {
      start = BN_FAIL;
      break;
    }
    g_array_append_val(masks, m);
  }
  stg_bitnfa nfa = {0};
  for (guint k = 0; k < b->cons->len; k++) {
    uint32_t pc = g_array_index(b->cons, uint32_t, k);
    b->bit[pc] = 0;
    if (p->code[pc].op != STG_OP_PRED && p->code[pc].op != STG_OP_ANNOT)
      nfa.guards |= (uint64_t)1 << k;
  }
  if (start == BN_FAIL) {
    g_array_free(masks, TRUE);
    return STG_NONE;
  }
  nfa.start = start;
  nfa.cons = pcs->len;
  nfa.n_cons = b->cons->len;
  g_array_append_vals(pcs, b->cons->data, b->cons->len);
  g_array_append_vals(succ, masks->data, masks->len);
  g_array_free(masks, TRUE);
  g_array_append_val(nfas, nfa);
  return nfas->len - 1;
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
  for (uint32_t r = 0; r < p->n_rules; r++)
    p->bn_rule[r] = build_at(&b, p, p->rules[r].pc, nfas, pcs, succ);
  /* The patterns of look-arounds (`(?= NAME_W NAME_W)`, `(?! _{0,4} PERSON)`) too. */
  p->bn_look = g_new(uint32_t, p->n_code + 1);
  for (uint32_t pc = 0; pc < p->n_code; pc++)
    p->bn_look[pc] = p->code[pc].op == STG_OP_LOOK
                         ? build_at(&b, p, p->code[pc].a, nfas, pcs, succ)
                         : STG_NONE;
  p->n_bn = nfas->len;
  p->bn = (stg_bitnfa *)(void *)g_array_free(nfas, FALSE);
  p->bn_pc = (uint32_t *)(void *)g_array_free(pcs, FALSE);
  p->bn_succ = (uint64_t *)(void *)g_array_free(succ, FALSE); /* parallel to bn_pc */
  g_free(b.bit);
  g_free(b.seen);
  g_array_free(b.cons, TRUE);
  g_array_free(b.stack, TRUE);
  g_array_free(b.visited, TRUE);
}

void stg_bitnfa_free(stancetag_program *p) {
  g_free(p->bn_rule);
  g_free(p->bn_look);
  g_free(p->bn);
  g_free(p->bn_pc);
  g_free(p->bn_succ);
  p->bn_rule = p->bn_look = p->bn_pc = NULL;
  p->bn = NULL;
  p->bn_succ = NULL;
  p->n_bn = 0;
}
