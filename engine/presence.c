/* presence.c: the requirement groups of all rules (compile.c: build_requirements), numbered
 * once per program, with per word and per label the groups it satisfies.
 *
 * The scanner marks a group present (and where, last) as a sentence's words are read and its
 * annotations made; testing a rule is then one lookup per group, however many words and
 * classes the group holds (`cue:(SUPPORT_V | OPPOSE_V | STANCE_CUE)`), and a group shared by
 * several rules is marked once. Derived at load time, never saved.
 */
#include <string.h>

#include "program.h"

/* Per-key lists as arrays: *off (n_keys + 1 offsets) into *list. */
static void pairs_to_lists(GArray *pairs, uint32_t n_keys, uint32_t **off, uint32_t **list) {
  GArray *out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  *off = stg_pairs_to_lists(pairs, n_keys, out);
  *list = (uint32_t *)(void *)g_array_free(out, FALSE);
}

void stg_presence_free(stancetag_program *p) {
  g_free(p->rgroup_off);
  g_free(p->rgroup);
  g_free(p->wgroup_off);
  g_free(p->wgroup);
  g_free(p->lgroup_off);
  g_free(p->lgroup);
  g_free(p->dgroup);
  g_free(p->rref_off);
  g_free(p->rref);
  p->rgroup_off = p->rgroup = p->wgroup_off = p->wgroup = p->lgroup_off = p->lgroup = NULL;
  p->dgroup = p->rref_off = p->rref = NULL;
  p->n_groups = 0;
}

void stg_presence_build(stancetag_program *p) {
  stg_presence_free(p);
  GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GArray *rg = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *words = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  GArray *classes = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  GArray *labels = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  GString *key = g_string_new(NULL);
  p->rgroup_off = g_new0(uint32_t, p->n_rules + 1);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    p->rgroup_off[r] = rg->len;
    uint32_t from = p->req_off[r];
    for (uint32_t k = from; k < p->req_off[r + 1]; k++) {
      if (p->req[k] < STG_REQ_END_ANYWHERE)
        continue;
      /* the group req[from..k), by what it tests: labels (constraints are not tested for
       * presence) and predicates; the same content in two rules is one group */
      g_string_truncate(key, 0);
      for (uint32_t i = from; i < k; i++) {
        const stg_inst *in = &p->code[p->req[i]];
        if (in->op == STG_OP_ANNOT) {
          g_string_append_printf(key, "L%u;", in->a);
          continue;
        }
        for (uint32_t j = 0; j < in->b; j++) {
          const stg_pred *d = &p->preds[in->a + j];
          g_string_append_printf(key, "%u:%u,", d->kind, d->a);
        }
        g_string_append_c(key, ';');
      }
      gpointer v = g_hash_table_lookup(ids, key->str);
      uint32_t g;
      if (v) {
        g = GPOINTER_TO_UINT(v) - 1;
      } else {
        g = p->n_groups++;
        g_hash_table_insert(ids, g_strdup(key->str), GUINT_TO_POINTER(g + 1));
        for (uint32_t i = from; i < k; i++) {
          const stg_inst *in = &p->code[p->req[i]];
          if (in->op == STG_OP_ANNOT) {
            stg_pair e = {in->a, g};
            g_array_append_val(labels, e);
            continue;
          }
          for (uint32_t j = 0; j < in->b; j++) {
            const stg_pred *d = &p->preds[in->a + j];
            stg_pair e = {d->a, g};
            if (d->kind == STG_PRED_WORD && d->a)
              g_array_append_val(words, e);
            else if (d->kind == STG_PRED_CLASS)
              g_array_append_val(classes, e);
          }
        }
      }
      uint32_t entry = g | (p->req[k] == STG_REQ_END_ANYWHERE ? STG_GROUP_ANYWHERE : 0);
      g_array_append_val(rg, entry);
      from = k + 1;
    }
  }
  p->rgroup_off[p->n_rules] = rg->len;
  p->rgroup = (uint32_t *)(void *)g_array_free(rg, FALSE);
  stg_demand_groups(p, words, classes, labels);
  /* A word satisfies its own groups and those of its classes. */
  uint32_t *coff, *clist;
  pairs_to_lists(classes, p->n_classes, &coff, &clist);
  stg_pairs_through_classes(p, coff, clist, words);
  g_free(coff);
  g_free(clist);
  pairs_to_lists(words, p->n_words + 1, &p->wgroup_off, &p->wgroup);
  pairs_to_lists(labels, p->n_labels, &p->lgroup_off, &p->lgroup);
  g_array_free(words, TRUE);
  g_array_free(classes, TRUE);
  g_array_free(labels, TRUE);
  g_string_free(key, TRUE);
  g_hash_table_destroy(ids);
}
