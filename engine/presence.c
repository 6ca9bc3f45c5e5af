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

typedef struct gpair {
  uint32_t key, group;
} gpair;

static int cmp_gpair(const void *x, const void *y) {
  const gpair *a = x, *b = y;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return a->group < b->group ? -1 : a->group > b->group;
}

/* Sorts (key, group) pairs and turns them into per-key lists: *off gets n_keys + 1 offsets
 * into *list (repeats dropped). */
static void pairs_to_lists(GArray *pairs, uint32_t n_keys, uint32_t **off, uint32_t **list) {
  g_array_sort(pairs, cmp_gpair);
  *off = g_new0(uint32_t, n_keys + 1);
  GArray *out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  guint j = 0;
  for (uint32_t k = 0; k < n_keys; k++) {
    (*off)[k] = out->len;
    for (uint32_t last = STG_NONE; j < pairs->len && g_array_index(pairs, gpair, j).key == k; j++) {
      uint32_t g = g_array_index(pairs, gpair, j).group;
      if (g != last)
        g_array_append_val(out, g);
      last = g;
    }
  }
  (*off)[n_keys] = out->len;
  *list = (uint32_t *)(void *)g_array_free(out, FALSE);
}

void stg_presence_free(stancetag_program *p) {
  g_free(p->rgroup_off);
  g_free(p->rgroup);
  g_free(p->wgroup_off);
  g_free(p->wgroup);
  g_free(p->lgroup_off);
  g_free(p->lgroup);
  p->rgroup_off = p->rgroup = p->wgroup_off = p->wgroup = p->lgroup_off = p->lgroup = NULL;
  p->n_groups = 0;
}

void stg_presence_build(stancetag_program *p) {
  stg_presence_free(p);
  GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GArray *rg = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *words = g_array_new(FALSE, FALSE, sizeof(gpair));
  GArray *classes = g_array_new(FALSE, FALSE, sizeof(gpair));
  GArray *labels = g_array_new(FALSE, FALSE, sizeof(gpair));
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
            gpair e = {in->a, g};
            g_array_append_val(labels, e);
            continue;
          }
          for (uint32_t j = 0; j < in->b; j++) {
            const stg_pred *d = &p->preds[in->a + j];
            gpair e = {d->a, g};
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
  /* A word satisfies its own groups and those of its classes. */
  uint32_t *coff, *clist;
  pairs_to_lists(classes, p->n_classes, &coff, &clist);
  for (uint32_t w = 1; w <= p->n_words; w++)
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++) {
      uint32_t c = p->members[m].cls;
      for (uint32_t k = coff[c]; k < coff[c + 1]; k++) {
        gpair e = {w, clist[k]};
        g_array_append_val(words, e);
      }
    }
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
