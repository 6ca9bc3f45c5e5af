/* test-saved-hash.c: the word hash saved in a program is used as it is after loading, so a
 * crafted one (checksum made right again) must be refused: word ids out of range, a word twice
 * or missing, a wrong tag, a key where probing from its home slot cannot reach it. Lookups
 * (through the word filter built from the saved tags) find every word, compiled and loaded. */
#include <glib.h>
#include <string.h>

#include "fold.h"
#include "program.h"
#include "test-sample.h"

enum { ARRAY_STR = 0, ARRAY_WORD_KEY = 1, ARRAY_HASH = 2 };

/* A saved program and where its arrays lie. */
typedef struct saved {
  char *bytes;
  size_t len;
  uint32_t *hash, slots, mask;
  const uint32_t *word_key;
  const char *str;
} saved;

/* The offset of array `index`'s elements (the layout of stancetag_program_save). */
static size_t array_at(const char *bytes, int index, uint32_t *count) {
  size_t pos = 8 + 7 * 4;
  for (int k = 0;; k++) {
    uint32_t n, size;
    memcpy(&n, bytes + pos, 4);
    memcpy(&size, bytes + pos + 4, 4);
    pos += 8;
    if (k == index) {
      *count = n;
      return pos;
    }
    pos += (size_t)n * size;
    pos += (8 - pos % 8) % 8;
  }
}

static void saved_init(saved *s) {
  stancetag_program *p = sample_compile();
  g_assert_cmpint(stancetag_program_save(p, &s->bytes, &s->len), ==, STANCETAG_OK);
  stancetag_program_free(p);
  uint32_t n;
  s->hash = (uint32_t *)(void *)(s->bytes + array_at(s->bytes, ARRAY_HASH, &n));
  s->slots = n / 2;
  s->mask = s->slots - 1;
  s->word_key = (const uint32_t *)(void *)(s->bytes + array_at(s->bytes, ARRAY_WORD_KEY, &n));
  s->str = s->bytes + array_at(s->bytes, ARRAY_STR, &n);
}

/* The slot where probing for the key of slot i's word starts. */
static uint32_t home_of(const saved *s, uint32_t i) {
  const char *key = s->str + s->word_key[s->hash[2 * i + 1]];
  return (uint32_t)stg_hash(key, strlen(key)) & s->mask;
}

/* Loads the (changed) bytes with the checksum made right: the result code. */
static int load_fixed(saved *s) {
  uint32_t crc = stg_crc32c(s->bytes, s->len - 4, 0);
  memcpy(s->bytes + s->len - 4, &crc, 4);
  stancetag_program *p = NULL;
  int rc = stancetag_program_load(s->bytes, s->len, &p);
  stancetag_program_free(p);
  return rc;
}

/* The first slot i with occupied(i) == a, occupied(i + 1) == b, occupied(i + 2) == c. */
static uint32_t find_slots(const saved *s, int a, int b, int c) {
  for (uint32_t i = 0; i < s->slots; i++)
    if (!!s->hash[2 * i] == a && !!s->hash[2 * ((i + 1) & s->mask)] == b &&
        !!s->hash[2 * ((i + 2) & s->mask)] == c)
      return i;
  g_assert_not_reached();
}

static void move_slot(saved *s, uint32_t from, uint32_t to) {
  memcpy(&s->hash[2 * to], &s->hash[2 * from], 8);
  memset(&s->hash[2 * from], 0, 8);
}

/* Each case changes the saved hash of the sample program (the checksum is made right again)
 * and expects the load to refuse it; "unchanged" changes nothing and expects a program, so
 * the refusals are the validation's, not the checksum fix-up's. */
typedef struct crafted {
  const char *name;
  void (*change)(saved *s);
  int expect;
} crafted;

static void unchanged(saved *s) {
  g_assert_cmpuint(s->slots, >=, 16);
}

static void word_out_of_range(saved *s) {
  s->hash[2 * find_slots(s, 1, 0, 0) + 1] = 1000000;
}

/* One word twice and another missing, so the count is right: each copy is reachable (the
 * duplicate right after the original, the missing word the last of its run). */
static void word_twice(saved *s) {
  uint32_t i = find_slots(s, 1, 0, 0), j = i + 1;
  while (!(s->hash[2 * (j & s->mask)] && !s->hash[2 * ((j + 1) & s->mask)]))
    g_assert_cmpuint(++j, <, i + s->slots);
  memset(&s->hash[2 * (j & s->mask)], 0, 8);
  memcpy(&s->hash[2 * ((i + 1) & s->mask)], &s->hash[2 * i], 8);
}

static void word_missing(saved *s) {
  memset(&s->hash[2 * find_slots(s, 1, 0, 0)], 0, 8);
}

static void wrong_tag(saved *s) {
  s->hash[2 * find_slots(s, 1, 0, 0)] ^= 2; /* still non-zero: bit 0 is always set */
}

/* A key after an empty slot that follows its home: a lookup stops at the empty slot. */
static void unreachable_after_gap(saved *s) {
  uint32_t i = find_slots(s, 1, 0, 0);
  move_slot(s, i, (i + 2) & s->mask);
}

/* A key in the empty slot just before its home: probing never goes backwards. */
static void before_home(saved *s) {
  uint32_t i = 0;
  while (!(s->hash[2 * i] && home_of(s, i) == i && !s->hash[2 * ((i - 1) & s->mask)]))
    g_assert_cmpuint(++i, <, s->slots);
  move_slot(s, i, (i - 1) & s->mask);
}

static void test_crafted(gconstpointer data) {
  const crafted *c = data;
  saved s;
  saved_init(&s);
  c->change(&s);
  g_assert_cmpint(load_fixed(&s), ==, c->expect);
  free(s.bytes);
}

/* Every word is found by its key, compiled and loaded (the word filter built from the saved
 * tags has no false negatives), and words not in the program are not. */
static void check_lookups(const stancetag_program *p) {
  g_assert_cmpuint(p->n_words, >, 10);
  for (uint32_t w = 1; w <= p->n_words; w++) {
    const char *key = p->str + p->word_key[w];
    g_assert_cmpuint(stg_prog_word(p, key, strlen(key)), ==, w);
  }
  char absent[32];
  for (int i = 0; i < 20000; i++) {
    int n = g_snprintf(absent, sizeof absent, "zq%dx", i);
    g_assert_cmpuint(stg_prog_word(p, absent, (size_t)n), ==, 0);
  }
}

static void test_lookups(void) {
  stancetag_program *p = sample_compile();
  check_lookups(p);
  char *bytes;
  size_t len;
  g_assert_cmpint(stancetag_program_save(p, &bytes, &len), ==, STANCETAG_OK);
  stancetag_program_free(p);
  g_assert_cmpint(stancetag_program_load(bytes, len, &p), ==, STANCETAG_OK);
  check_lookups(p);
  stancetag_program_free(p);
  free(bytes);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/saved-hash/lookups", test_lookups);
  static const crafted cases[] = {
      {"/saved-hash/unchanged", unchanged, STANCETAG_OK},
      {"/saved-hash/word-out-of-range", word_out_of_range, STANCETAG_EFORMAT},
      {"/saved-hash/word-twice", word_twice, STANCETAG_EFORMAT},
      {"/saved-hash/word-missing", word_missing, STANCETAG_EFORMAT},
      {"/saved-hash/wrong-tag", wrong_tag, STANCETAG_EFORMAT},
      {"/saved-hash/unreachable-after-gap", unreachable_after_gap, STANCETAG_EFORMAT},
      {"/saved-hash/before-home", before_home, STANCETAG_EFORMAT},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
    g_test_add_data_func(cases[i].name, &cases[i], test_crafted);
  return g_test_run();
}
