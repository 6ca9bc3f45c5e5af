/* program.c: derived tables, validation, saving and loading of compiled programs.
 *
 * Saved format (native endianness, checked): "STAGPRG\0", u32 format version, u32 0x01020304,
 * u32 n_words, n_phases, max_caps, max_code, u32 number of arrays; then per array: u32 count,
 * u32 element size, the elements, zero padding to 8 bytes; finally a u32 CRC-32C of everything
 * before it.
 */
#include "program.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fold.h"

#define MAGIC "STAGPRG"
#define FORMAT_VERSION 11u
#define ENDIAN_MARK 0x01020304u

/* Slots of the word hash: a power of two, over twice the words, so probe chains stay short
 * and an empty slot ends every probe. */
static uint64_t hash_slots(uint32_t n_words) {
  uint64_t size = 16;
  while (size < 2 * ((uint64_t)n_words + 1))
    size *= 2;
  return size;
}

/* The tag of a key in its slot: the hash's high half, never 0 (0 marks an empty slot). */
static uint32_t hash_tag(uint64_t h) {
  return (uint32_t)(h >> 32) | 1u;
}

/* The two filter bits of a hash tag (tag bits 1-20 and 12-31: bit 0 is always set). */
static inline uint32_t filter_bit1(uint32_t tag, uint32_t mask) {
  return (tag >> 1) & mask;
}
static inline uint32_t filter_bit2(uint32_t tag, uint32_t mask) {
  return (tag >> 12) & mask;
}

uint32_t stg_prog_word(const stancetag_program *p, const char *key, size_t len) {
  if (!p->n_hash)
    return 0;
  uint64_t h = stg_hash(key, len);
  uint32_t tag = hash_tag(h);
  uint32_t b1 = filter_bit1(tag, p->filter_mask), b2 = filter_bit2(tag, p->filter_mask);
  if (!((p->word_filter[b1 >> 6] >> (b1 & 63)) & (p->word_filter[b2 >> 6] >> (b2 & 63)) & 1))
    return 0;
  for (uint32_t i = (uint32_t)h & p->hash_mask;; i = (i + 1) & p->hash_mask) {
    uint32_t t = p->hash[2 * i];
    if (t == 0)
      return 0;
    if (t != tag) /* most document words are not in the program: no string compare */
      continue;
    uint32_t w = p->hash[2 * i + 1];
    const char *k = p->str + p->word_key[w];
    if (strncmp(k, key, len) == 0 && k[len] == '\0')
      return w;
  }
}

int stg_pair_cmp(const void *x, const void *y) {
  const stg_pair *p = x, *q = y;
  if (p->a != q->a)
    return p->a < q->a ? -1 : 1;
  return p->b < q->b ? -1 : p->b > q->b;
}

uint32_t *stg_pairs_to_lists(GArray *pairs, uint32_t n_keys, GArray *list) {
  g_array_sort(pairs, stg_pair_cmp);
  uint32_t *off = g_new0(uint32_t, n_keys + 1);
  guint j = 0;
  for (uint32_t k = 0; k < n_keys; k++) {
    off[k] = list->len;
    for (uint32_t last = STG_NONE; j < pairs->len && g_array_index(pairs, stg_pair, j).a == k;
         j++) {
      uint32_t v = g_array_index(pairs, stg_pair, j).b;
      if (v != last)
        g_array_append_val(list, v);
      last = v;
    }
  }
  off[n_keys] = list->len;
  return off;
}

void stg_pairs_through_classes(const stancetag_program *p, const uint32_t *coff,
                               const uint32_t *clist, GArray *pairs) {
  for (uint32_t w = 1; w <= p->n_words; w++)
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++) {
      uint32_t c = p->members[m].cls;
      for (uint32_t k = coff[c]; k < coff[c + 1]; k++) {
        stg_pair e = {w, clist[k]};
        g_array_append_val(pairs, e);
      }
    }
}

static void build_hash(stancetag_program *p) {
  uint64_t size = hash_slots(p->n_words);
  p->n_hash = (uint32_t)(2 * size);
  p->hash = g_new0(uint32_t, 2 * size);
  for (uint32_t w = 1; w <= p->n_words; w++) {
    const char *k = p->str + p->word_key[w];
    uint64_t h = stg_hash(k, strlen(k));
    uint32_t i = (uint32_t)h & (uint32_t)(size - 1);
    while (p->hash[2 * i])
      i = (i + 1) & (uint32_t)(size - 1);
    p->hash[2 * i] = hash_tag(h);
    p->hash[2 * i + 1] = w;
  }
}

int stg_prog_finish(stancetag_program *p, char **why) {
  /* A loaded program brings its word hash (validated); a compiled one gets it here. */
  if (!p->n_hash)
    build_hash(p);
  p->hash_mask = p->n_hash / 2 - 1;
  /* About 16 bits a word (about one absent word in 100 passes the filter), between 8 KB and
   * 128 KB so the filter stays in the first- or second-level cache. Built from the saved
   * tags: no word is hashed again at load. */
  uint32_t bits = 1u << 16;
  while (bits < (1u << 20) && bits / 16 < p->n_words)
    bits <<= 1;
  g_free(p->word_filter);
  p->word_filter = g_new0(uint64_t, bits / 64);
  p->filter_mask = bits - 1;
  for (uint32_t i = 0; i <= p->hash_mask; i++) {
    uint32_t tag = p->hash[2 * i];
    if (!tag)
      continue;
    uint32_t b1 = filter_bit1(tag, p->filter_mask), b2 = filter_bit2(tag, p->filter_mask);
    p->word_filter[b1 >> 6] |= (uint64_t)1 << (b1 & 63);
    p->word_filter[b2 >> 6] |= (uint64_t)1 << (b2 & 63);
  }
  /* Attribute and constraint values as ids of their lower-case text: a constraint test on a
   * static attribute compares two numbers. */
  g_free(p->attr_vid);
  g_free(p->cons_vid);
  p->attr_vid = g_new(uint32_t, p->n_attrs + 1);
  p->cons_vid = g_new(uint32_t, p->n_cons + 1);
  GHashTable *vids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (uint32_t i = 0; i < p->n_attrs + p->n_cons; i++) {
    uint32_t v = i < p->n_attrs ? p->attrs[i].value : p->cons[i - p->n_attrs].value;
    char *low = g_ascii_strdown(p->str + v, -1);
    gpointer id = g_hash_table_lookup(vids, low);
    if (!id) {
      id = GUINT_TO_POINTER(g_hash_table_size(vids) + 1);
      g_hash_table_insert(vids, low, id);
    } else {
      g_free(low);
    }
    if (i < p->n_attrs)
      p->attr_vid[i] = GPOINTER_TO_UINT(id);
    else
      p->cons_vid[i - p->n_attrs] =
          strcmp(p->str + p->cons[i - p->n_attrs].name, "id") == 0 ? STG_NONE
                                                                    : GPOINTER_TO_UINT(id);
  }
  g_hash_table_destroy(vids);
  stg_presence_build(p);
  stg_bitnfa_build(p);
  g_free(p->word_cls);
  p->word_cls = g_new0(uint64_t, p->n_words + 1);
  for (uint32_t w = 1; w <= p->n_words; w++)
    for (uint32_t m = p->word_mem_off[w]; m < p->word_mem_off[w + 1]; m++) {
      const stg_member *mb = &p->members[m];
      p->word_cls[w] |= mb->cls < 63 && !mb->cs_text ? (uint64_t)1 << mb->cls : (uint64_t)1 << 63;
    }
  /* Shape triggers come grouped by mask: where each group ends, so a token that lacks a mask
   * skips its group in one step. */
  g_free(p->shape_next);
  p->shape_next = g_new(uint32_t, p->n_shape_trig + 1);
  for (uint32_t k = p->n_shape_trig; k-- > 0;)
    p->shape_next[k] = k + 1 < p->n_shape_trig && p->shape_trig[k + 1].mask == p->shape_trig[k].mask
                           ? p->shape_next[k + 1]
                           : k + 1;
  memset(p->shape_any, 0, sizeof p->shape_any);
  for (uint32_t f = 0; f < STG_SHAPE_FLAGS; f++)
    for (uint32_t k = 0; k < p->n_shape_trig; k = p->shape_next[k])
      if ((f & p->shape_trig[k].mask) == p->shape_trig[k].mask) {
        p->shape_any[f >> 3] |= (uint8_t)(1u << (f & 7));
        break;
      }
  /* Rules alone in their overlap group: the scanner may skip their candidates inside a match
   * already found, since leftmost-longest selection would drop those matches anyway. */
  g_free(p->rule_solo);
  p->rule_solo = g_new0(uint8_t, p->n_rules + 1);
  GArray *gp = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  for (uint32_t r = 0; r < p->n_rules; r++) {
    stg_pair e = {p->rules[r].group, p->rules[r].phase};
    g_array_append_val(gp, e);
  }
  g_array_sort(gp, stg_pair_cmp);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    stg_pair e = {p->rules[r].group, p->rules[r].phase};
    const stg_pair *f = bsearch(&e, gp->data, gp->len, sizeof e, stg_pair_cmp);
    guint i = (guint)(f - (const stg_pair *)(const void *)gp->data);
    int shared = (i > 0 && stg_pair_cmp(f - 1, &e) == 0) ||
                 (i + 1 < gp->len && stg_pair_cmp(f + 1, &e) == 0);
    p->rule_solo[r] = !shared && !p->rules[r].all;
  }
  g_array_free(gp, TRUE);
  /* Per word: every rule it triggers, itself or through its classes, without repeats (merged
   * into wact[] below, then dropped). */
  GArray *pairs = g_array_new(FALSE, FALSE, sizeof(stg_pair));
  for (uint32_t w = 1; w <= p->n_words; w++)
    for (uint32_t k = p->word_trig_off[w]; k < p->word_trig_off[w + 1]; k++) {
      stg_pair e = {w, p->trig[k]};
      g_array_append_val(pairs, e);
    }
  stg_pairs_through_classes(p, p->class_trig_off, p->trig, pairs);
  GArray *wt = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  uint32_t *wtrig_off = stg_pairs_to_lists(pairs, p->n_words + 1, wt);
  const uint32_t *wtrig = (const uint32_t *)(void *)wt->data;
  g_array_free(pairs, TRUE);
  /* What a word does when a sentence starts, in one list per word: whether a gazetteer phrase
   * starts with it (STG_WACT_GAZ), the requirement groups it meets (group << 2 | STG_WACT_GROUP),
   * then the rules it triggers (rule << 2 | STG_WACT_TRIG). One loop per token, so one
   * hard-to-predict loop exit instead of three, and the gazetteer visits only its starts. */
  g_free(p->wact_off);
  g_free(p->wact);
  p->wact_off = g_new(uint32_t, (size_t)p->n_words + 2);
  p->wact = g_new(uint32_t, (size_t)wtrig_off[p->n_words + 1] + p->wgroup_off[p->n_words + 1] +
                                p->n_words + 2);
  uint32_t na = 0;
  for (uint32_t w = 0; w <= p->n_words; w++) {
    p->wact_off[w] = na;
    if (w && p->groot[w])
      p->wact[na++] = STG_WACT_GAZ;
    for (uint32_t k = p->wgroup_off[w]; k < p->wgroup_off[w + 1]; k++)
      p->wact[na++] = p->wgroup[k] << 2 | STG_WACT_GROUP;
    for (uint32_t k = wtrig_off[w]; k < wtrig_off[w + 1]; k++)
      p->wact[na++] = wtrig[k] << 2 | STG_WACT_TRIG;
  }
  p->wact_off[p->n_words + 1] = na;
  g_free(wtrig_off);
  g_array_free(wt, TRUE);
  if (p->re) {
    for (uint32_t i = 0; i < p->n_regexes; i++)
      stg_regex_free(p->re[i]);
    g_free(p->re);
  }
  p->re = g_new0(stg_regex *, p->n_regexes ? p->n_regexes : 1);
  for (uint32_t i = 0; i < p->n_regexes; i++) {
    p->re[i] = stg_regex_new(p->str + p->regexes[i].source, p->regexes[i].icase != 0, why);
    if (!p->re[i])
      return -1;
  }
  return 0;
}

int stg_prog_owns(const stancetag_program *p, const void *ptr) {
  uintptr_t a = (uintptr_t)ptr, b = (uintptr_t)p->block;
  return !p->block || a < b || a - b >= p->block_len;
}

static void release_block(void *block, size_t len, int mapped) {
  if (mapped)
    munmap(block, len);
  else
    g_free(block);
}

void stg_prog_free(stancetag_program *p) {
  if (!p)
    return;
#define STG_FREE(f, t)                                                                           \
  if (stg_prog_owns(p, p->f))                                                                    \
    g_free(p->f);
  STG_PROG_ARRAYS(STG_FREE)
#undef STG_FREE
  g_free(p->wact_off);
  g_free(p->wact);
  g_free(p->shape_next);
  g_free(p->word_filter);
  g_free(p->word_cls);
  g_free(p->rule_solo);
  g_free(p->attr_vid);
  g_free(p->cons_vid);
  stg_presence_free(p);
  stg_bitnfa_free(p);
  if (p->re) {
    for (uint32_t i = 0; i < p->n_regexes; i++)
      stg_regex_free(p->re[i]);
    g_free(p->re);
  }
  if (p->block)
    release_block(p->block, p->block_len, p->block_mapped);
  g_free(p);
}

/* ---- validation ------------------------------------------------------------------------ */

static int str_ok(const stancetag_program *p, uint32_t off) {
  return off < p->n_str;
}

static int range_ok(uint32_t start, uint32_t n, uint32_t size) {
  return start <= size && n <= size - start;
}

/* Offsets tables must be non-decreasing and end inside their target. */
static int offsets_ok(const uint32_t *off, uint32_t n_off, uint32_t expect_n, uint32_t size) {
  if (n_off != expect_n)
    return 0;
  for (uint32_t i = 0; i < n_off; i++) {
    if (off[i] > size || (i && off[i] < off[i - 1]))
      return 0;
  }
  return 1;
}

/* The saved word hash is the one build_hash makes: its size, every word once, each tagged by
 * its key's hash and found by probing from its home slot (no empty slot in between). One pass
 * from an empty slot: `run` counts the occupied slots up to the current one, and the home slot
 * must lie within them. */
static int hash_ok(const stancetag_program *p) {
  uint64_t size = hash_slots(p->n_words);
  if (p->n_hash != 2 * size)
    return 0;
  uint32_t mask = (uint32_t)(size - 1), start = 0, run = 0, found = 0;
  while (p->hash[2 * start])
    if (++start == size) /* no empty slot: the size rules that out, keep it explicit */
      return 0;
  unsigned char *seen = g_new0(unsigned char, p->n_words / 8 + 1);
  int ok = 1;
  for (uint64_t k = 1; ok && k <= size; k++) {
    uint32_t i = (start + (uint32_t)k) & mask, tag = p->hash[2 * i], w = p->hash[2 * i + 1];
    if (tag == 0) {
      ok = w == 0;
      run = 0;
      continue;
    }
    run++;
    if (w == 0 || w > p->n_words || (seen[w / 8] >> (w % 8)) & 1) {
      ok = 0;
      break;
    }
    seen[w / 8] |= (unsigned char)(1u << (w % 8));
    found++;
    const char *key = p->str + p->word_key[w];
    uint64_t h = stg_hash(key, strlen(key));
    ok = tag == hash_tag(h) && ((i - (uint32_t)h) & mask) < run;
  }
  g_free(seen);
  return ok && found == p->n_words;
}

int stg_prog_validate(const stancetag_program *p) {
  if (p->n_str == 0 || p->str[p->n_str - 1] != '\0')
    return -1;
  if (p->n_word_key != p->n_words + 1 || p->n_groot != p->n_words + 1)
    return -1;
  for (uint32_t w = 0; w <= p->n_words; w++)
    if (!str_ok(p, p->word_key[w]) || p->groot[w] >= (p->n_gnodes ? p->n_gnodes : 1))
      return -1;
  if (!hash_ok(p))
    return -1;
  if (!offsets_ok(p->word_mem_off, p->n_word_mem_off, p->n_words + 2, p->n_members) ||
      !offsets_ok(p->word_trig_off, p->n_word_trig_off, p->n_words + 2, p->n_trig) ||
      !offsets_ok(p->class_trig_off, p->n_class_trig_off, p->n_classes + 1, p->n_trig) ||
      !offsets_ok(p->label_trig_off, p->n_label_trig_off, p->n_labels + 1, p->n_trig) ||
      !offsets_ok(p->phase_off, p->n_phase_off, p->n_phases + 2, p->n_phase_rules) ||
      !offsets_ok(p->anywhere, p->n_anywhere, p->n_phases + 2, p->n_anyw) ||
      !offsets_ok(p->req_off, p->n_req_off, p->n_rules + 1, p->n_req) ||
      !offsets_ok(p->first_off, p->n_first_off, p->n_rules + 1, p->n_first))
    return -1;
  for (uint32_t i = 0; i < p->n_first; i++)
    if (p->first[i] != STG_NONE &&
        (p->first[i] >= p->n_code ||
         (p->code[p->first[i]].op != STG_OP_PRED && p->code[p->first[i]].op != STG_OP_ANNOT)))
      return -1;
  for (uint32_t i = 0; i < p->n_req; i++)
    if (p->req[i] < STG_REQ_END_ANYWHERE &&
        (p->req[i] >= p->n_code ||
         (p->code[p->req[i]].op != STG_OP_PRED && p->code[p->req[i]].op != STG_OP_ANNOT)))
      return -1;
  for (uint32_t i = 0; i < p->n_members; i++)
    if (p->members[i].cls >= p->n_classes || !str_ok(p, p->members[i].cs_text))
      return -1;
  for (uint32_t i = 0; i < p->n_trig; i++)
    if (p->trig[i] >= p->n_rules)
      return -1;
  for (uint32_t i = 0; i < p->n_phase_rules; i++)
    if (p->phase_rules[i] >= p->n_rules)
      return -1;
  for (uint32_t i = 0; i < p->n_anyw; i++)
    if (p->anyw[i] >= p->n_rules)
      return -1;
  for (uint32_t i = 0; i < p->n_shape_trig; i++)
    if (p->shape_trig[i].rule >= p->n_rules)
      return -1;
  for (uint32_t i = 0; i < p->n_classes; i++)
    if (!str_ok(p, p->classes[i].name) ||
        !range_ok(p->classes[i].attr, p->classes[i].n_attr, p->n_attrs))
      return -1;
  for (uint32_t i = 0; i < p->n_labels; i++)
    if (!str_ok(p, p->labels[i].name))
      return -1;
  for (uint32_t i = 0; i < p->n_attrs; i++)
    if (!str_ok(p, p->attrs[i].name) || !str_ok(p, p->attrs[i].value) ||
        (p->attrs[i].cap != STG_NONE && p->attrs[i].cap >= p->max_caps))
      return -1;
  for (uint32_t i = 0; i < p->n_cons; i++)
    if (!str_ok(p, p->cons[i].name) || !str_ok(p, p->cons[i].value))
      return -1;
  for (uint32_t i = 0; i < p->n_gnodes; i++)
    if (!range_ok(p->gnodes[i].edge, p->gnodes[i].n_edge, p->n_gedges) ||
        !range_ok(p->gnodes[i].pay, p->gnodes[i].n_pay, p->n_gpays))
      return -1;
  for (uint32_t i = 0; i < p->n_gedges; i++)
    if (p->gedges[i].node >= p->n_gnodes || p->gedges[i].word > p->n_words)
      return -1;
  for (uint32_t i = 0; i < p->n_gpays; i++)
    if (p->gpays[i] >= p->n_entities)
      return -1;
  for (uint32_t i = 0; i < p->n_entities; i++) {
    const stg_entity *e = &p->entities[i];
    if (e->label >= p->n_labels || !str_ok(p, e->id) || !str_ok(p, e->cs_text) ||
        !range_ok(e->attr, e->n_attr, p->n_attrs))
      return -1;
  }
  for (uint32_t i = 0; i < p->n_regexes; i++)
    if (!str_ok(p, p->regexes[i].source))
      return -1;
  for (uint32_t i = 0; i < p->n_preds; i++) {
    const stg_pred *d = &p->preds[i];
    if ((d->kind == STG_PRED_WORD && (d->a > p->n_words || !str_ok(p, d->b))) ||
        (d->kind == STG_PRED_CLASS && d->a >= p->n_classes) ||
        (d->kind == STG_PRED_REGEX && d->a >= p->n_regexes) || d->kind > STG_PRED_ANY)
      return -1;
  }
  for (uint32_t i = 0; i < p->n_code; i++) {
    const stg_inst *c = &p->code[i];
    switch (c->op) {
    case STG_OP_PRED:
      if (!range_ok(c->a, c->b, p->n_preds))
        return -1;
      break;
    case STG_OP_ANNOT:
      if (c->a >= p->n_labels || !range_ok(c->b, c->c, p->n_cons))
        return -1;
      break;
    case STG_OP_SPLIT:
      if (c->a >= p->n_code || c->b >= p->n_code)
        return -1;
      break;
    case STG_OP_JMP:
    case STG_OP_LOOK:
      if (c->a >= p->n_code || c->c > 3 || ((c->c & 2) && c->b == 0))
        return -1;
      break;
    case STG_OP_LOOK1:
      if (!range_ok(c->a, c->b, p->n_code) || c->c > 3)
        return -1;
      for (uint32_t k = 0; k < c->b; k++) {
        uint32_t op = p->code[c->a + k].op;
        if (op != STG_OP_PRED && op != STG_OP_ANNOT)
          return -1;
      }
      break;
    case STG_OP_SAVE:
      if (c->a >= 2 * p->max_caps)
        return -1;
      break;
    case STG_OP_BOS:
    case STG_OP_EOS:
    case STG_OP_MATCH:
      break;
    default:
      return -1;
    }
  }
  for (uint32_t i = 0; i < p->n_rules; i++) {
    const stg_rule *r = &p->rules[i];
    if (!str_ok(p, r->name) || r->pc >= p->n_code || r->n_caps > p->max_caps ||
        !range_ok(r->cap_names, r->n_caps, p->n_capnames) ||
        !range_ok(r->act, r->n_act, p->n_actions) || !range_ok(r->attr, r->n_attr, p->n_attrs) ||
        (r->kind == STG_RULE_SPAN && r->label >= p->n_labels) || r->phase > p->n_phases)
      return -1;
    /* apply_match indexes the match's own captures with the action's capture numbers. */
    for (uint32_t k = r->act; k < r->act + r->n_act; k++) {
      const stg_pact *a = &p->actions[k];
      int pc = a->pol == STG_P_OF || a->pol == STG_P_FLIP;
      if (a->kind == STG_PA_STANCE &&
          (a->holder >= r->n_caps || a->target >= r->n_caps || (pc && a->pcap >= r->n_caps) ||
           (a->cue != STG_NONE && a->cue >= r->n_caps)))
        return -1;
      if ((a->kind != STG_PA_STANCE && a->kind != STG_PA_TAG) ||
          (a->kind == STG_PA_TAG && a->cap != STG_NONE && a->cap >= r->n_caps))
        return -1;
    }
  }
  for (uint32_t i = 0; i < p->n_capnames; i++)
    if (!str_ok(p, p->capnames[i]))
      return -1;
  for (uint32_t i = 0; i < p->n_actions; i++) {
    const stg_pact *a = &p->actions[i];
    if (!range_ok(a->attr, a->n_attr, p->n_attrs) ||
        (a->kind == STG_PA_TAG && a->label >= p->n_labels))
      return -1;
    uint32_t caps[4] = {a->holder, a->target, a->pcap, a->cue};
    for (int k = 0; k < 4; k++)
      if (a->kind == STG_PA_STANCE && caps[k] != STG_NONE && caps[k] >= p->max_caps)
        return -1;
    if (a->kind == STG_PA_TAG && a->cap != STG_NONE && a->cap >= p->max_caps)
      return -1;
    for (int k = 0; k < 2 && a->kind == STG_PA_STANCE; k++)
      if (a->ante_label[k] != STG_NONE &&
          (a->ante_label[k] >= p->n_labels ||
           !range_ok(a->ante_cons[k], a->ante_n_cons[k], p->n_cons)))
        return -1;
  }
  for (uint32_t i = 0; i < p->n_tests; i++)
    if (!str_ok(p, p->tests[i].file) || !str_ok(p, p->tests[i].text) ||
        !range_ok(p->tests[i].expect, p->tests[i].n_expect, p->n_expects))
      return -1;
  for (uint32_t i = 0; i < p->n_expects; i++) {
    const stg_expect_rec *e = &p->expects[i];
    if (!str_ok(p, e->a) || !str_ok(p, e->b) || !str_ok(p, e->c))
      return -1;
  }
  return 0;
}

/* ---- save / load ----------------------------------------------------------------------- */

/* CRC-32C (Castagnoli). x86-64 computes it in hardware (SSE4.2 `crc32`, 8 bytes an
 * instruction: a 14 MB program in a few milliseconds); elsewhere, and as the reference,
 * slicing by 8 tables. Bytes are taken in little-endian order on any machine. */
static uint32_t crc32c_soft(uint32_t c, const unsigned char *b, size_t n) {
  static uint32_t t[8][256];
  static gsize init = 0;
  if (g_once_init_enter(&init)) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t v = i;
      for (int k = 0; k < 8; k++)
        v = (v & 1) ? 0x82F63B78u ^ (v >> 1) : v >> 1;
      t[0][i] = v;
    }
    for (uint32_t i = 0; i < 256; i++)
      for (int k = 1; k < 8; k++)
        t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
    g_once_init_leave(&init, 1);
  }
  for (; n >= 8; b += 8, n -= 8) {
    uint32_t lo, hi;
    memcpy(&lo, b, 4);
    memcpy(&hi, b + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    lo = __builtin_bswap32(lo);
    hi = __builtin_bswap32(hi);
#endif
    lo ^= c;
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
  }
  for (; n; b++, n--)
    c = t[0][(c ^ *b) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t c, const unsigned char *b,
                                                             size_t n) {
  uint64_t c64 = c;
  for (; n >= 8; b += 8, n -= 8) {
    uint64_t v;
    memcpy(&v, b, 8);
    c64 = __builtin_ia32_crc32di(c64, v);
  }
  c = (uint32_t)c64;
  for (; n; b++, n--)
    c = __builtin_ia32_crc32qi(c, *b);
  return c;
}
#endif

uint32_t stg_crc32c(const void *data, size_t n, int soft) {
  const unsigned char *b = data;
#if defined(__x86_64__) && defined(__GNUC__)
  if (!soft && __builtin_cpu_supports("sse4.2"))
    return ~crc32c_hw(0xFFFFFFFFu, b, n);
#endif
  (void)soft;
  return ~crc32c_soft(0xFFFFFFFFu, b, n);
}

static uint32_t crc32_of(const unsigned char *b, size_t n) {
  return stg_crc32c(b, n, 0);
}

static void put_u32(GByteArray *out, uint32_t v) {
  g_byte_array_append(out, (const guint8 *)&v, 4);
}

#define COUNT_ARRAYS(f, t) +1
enum { N_ARRAYS = 0 STG_PROG_ARRAYS(COUNT_ARRAYS) };
#undef COUNT_ARRAYS

int stancetag_program_save(const stancetag_program *p, char **bytes, size_t *len) {
  if (!p || !bytes || !len)
    return STANCETAG_EINVAL;
  GByteArray *out = g_byte_array_new();
  g_byte_array_append(out, (const guint8 *)MAGIC, 8);
  put_u32(out, FORMAT_VERSION);
  put_u32(out, ENDIAN_MARK);
  put_u32(out, p->n_words);
  put_u32(out, p->n_phases);
  put_u32(out, p->max_caps);
  put_u32(out, p->max_code);
  put_u32(out, N_ARRAYS);
  static const guint8 zeros[8] = {0};
#define STG_SAVE(f, t)                                                                           \
  put_u32(out, p->n_##f);                                                                        \
  put_u32(out, (uint32_t)sizeof(t));                                                             \
  if (p->n_##f)                                                                                  \
    g_byte_array_append(out, (const guint8 *)p->f, (guint)(p->n_##f * sizeof(t)));               \
  g_byte_array_append(out, zeros, (8 - out->len % 8) % 8);
  STG_PROG_ARRAYS(STG_SAVE)
#undef STG_SAVE
  put_u32(out, crc32_of(out->data, out->len));
  *len = out->len;
  *bytes = malloc(out->len);
  if (!*bytes) {
    g_byte_array_free(out, TRUE);
    return STANCETAG_ENOMEM;
  }
  memcpy(*bytes, out->data, out->len);
  g_byte_array_free(out, TRUE);
  return STANCETAG_OK;
}

int stancetag_is_program(const char *bytes, size_t len) {
  return bytes && len >= 8 && memcmp(bytes, MAGIC, 8) == 0;
}

typedef struct reader {
  unsigned char *b;
  size_t len, pos;
} reader;

static int get_u32(reader *r, uint32_t *v) {
  if (r->len - r->pos < 4)
    return -1;
  memcpy(v, r->b + r->pos, 4);
  r->pos += 4;
  return 0;
}

/* The header and checksum of block[0..len); STANCETAG_OK leaves r at the first array. */
static int check_header(unsigned char *block, size_t len, reader *r, char **why) {
  if (!stancetag_is_program((const char *)block, len)) {
    *why = g_strdup("not a stancetag program");
    return STANCETAG_EFORMAT;
  }
  if (len < 8 + 7 * 4 + 4) {
    *why = g_strdup("corrupt program: truncated");
    return STANCETAG_EFORMAT;
  }
  *r = (reader){block, len - 4, 8};
  uint32_t version, endian, crc;
  memcpy(&crc, block + len - 4, 4);
  get_u32(r, &version);
  get_u32(r, &endian);
  if (endian != ENDIAN_MARK) {
    *why = g_strdup("corrupt program, or saved on a machine of another byte order");
    return STANCETAG_EFORMAT;
  }
  if (version != FORMAT_VERSION) {
    *why = g_strdup_printf("program of format version %u; this library reads version %u "
                           "(compile the rules again)",
                           version, FORMAT_VERSION);
    return STANCETAG_EVERSION;
  }
  if (crc32_of(block, len - 4) != crc) {
    *why = g_strdup("corrupt program: checksum mismatch");
    return STANCETAG_EFORMAT;
  }
  return STANCETAG_OK;
}

/* Points each array into the block. Arrays are padded to 8 bytes from the block's start and a
 * block is page- or malloc-aligned, so nothing is copied in practice; an array misaligned for
 * its type all the same is copied rather than read unaligned. */
static int read_arrays(stancetag_program *p, reader *r) {
  uint32_t n_arrays = 0;
  if (get_u32(r, &p->n_words) || get_u32(r, &p->n_phases) || get_u32(r, &p->max_caps) ||
      get_u32(r, &p->max_code) || get_u32(r, &n_arrays) || n_arrays != N_ARRAYS)
    return -1;
#define STG_LOAD(f, t)                                                                           \
  {                                                                                              \
    uint32_t n, size;                                                                            \
    if (get_u32(r, &n) || get_u32(r, &size) || size != sizeof(t) ||                              \
        (uint64_t)n * size > r->len - r->pos)                                                    \
      return -1;                                                                                 \
    p->n_##f = n;                                                                                \
    unsigned char *at = r->b + r->pos;                                                           \
    if ((uintptr_t)at % _Alignof(t) == 0) {                                                      \
      p->f = (t *)(void *)at;                                                                    \
    } else {                                                                                     \
      p->f = g_malloc((gsize)n * size + 1);                                                      \
      memcpy(p->f, at, (size_t)n * size);                                                        \
    }                                                                                            \
    r->pos += (size_t)n * size;                                                                  \
    size_t pad = (8 - r->pos % 8) % 8;                                                           \
    if (r->len - r->pos < pad)                                                                   \
      return -1;                                                                                 \
    r->pos += pad;                                                                               \
  }
  STG_PROG_ARRAYS(STG_LOAD)
#undef STG_LOAD
  return r->pos == r->len ? 0 : -1;
}

/* The arrays, their cross-references and the derived tables of a program whose header is
 * sound. NULL (and the reason) when any is wrong. */
static const char *set_up(stancetag_program *p, reader *r, char **re_why) {
  if (read_arrays(p, r) != 0)
    return "corrupt program: malformed array table";
  if (stg_prog_validate(p) != 0)
    return "corrupt program: inconsistent tables";
  if (stg_prog_finish(p, re_why) != 0)
    return "corrupt program: a regex does not compile";
  return NULL;
}

int stg_prog_adopt(void *block, size_t len, int mapped, stancetag_program **out, char **why) {
  *out = NULL;
  char *reason = NULL;
  reader r;
  int rc = check_header(block, len, &r, &reason);
  if (rc != STANCETAG_OK) {
    release_block(block, len, mapped);
  } else {
    stancetag_program *p = g_new0(stancetag_program, 1);
    p->block = block;
    p->block_len = len;
    p->block_mapped = mapped;
    char *re_why = NULL;
    const char *bad = set_up(p, &r, &re_why);
    if (bad) {
      reason = re_why ? g_strdup_printf("%s: %s", bad, re_why) : g_strdup(bad);
      stg_prog_free(p);
      rc = STANCETAG_EFORMAT;
    } else {
      *out = p;
    }
    g_free(re_why);
  }
  if (why)
    *why = reason;
  else
    g_free(reason);
  return rc;
}

int stancetag_program_load(const char *bytes, size_t len, stancetag_program **program) {
  if (!program)
    return STANCETAG_EINVAL;
  *program = NULL;
  if (!bytes || !stancetag_is_program(bytes, len))
    return STANCETAG_EFORMAT;
  /* One copy the program keeps, so loading from memory and from a file share one path. */
  void *copy = g_try_malloc(len);
  if (!copy)
    return STANCETAG_ENOMEM;
  memcpy(copy, bytes, len);
  return stg_prog_adopt(copy, len, 0, program, NULL);
}

void stancetag_program_free(stancetag_program *program) {
  stg_prog_free(program);
}
