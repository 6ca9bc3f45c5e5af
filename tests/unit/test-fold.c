/* test-fold.c: matching keys (engine/fold.c) and stg_hash. */
#include "fold.h"

#include <glib.h>
#include <string.h>

/* Folds s (len bytes) into a fresh string; checks the size protocol on the way. */
static char *fold_len(const char *s, size_t len, int ascii, size_t *outlen) {
  char small[4];
  size_t need = stg_fold(s, len, ascii, small, sizeof small);
  char *buf = g_malloc(need + 1);
  size_t n = stg_fold(s, len, ascii, buf, need);
  g_assert_cmpuint(n, ==, need);
  buf[n] = '\0';
  /* A generous buffer gives the same bytes. */
  char *big = g_malloc(need + 64);
  g_assert_cmpuint(stg_fold(s, len, ascii, big, need + 64), ==, need);
  g_assert_cmpmem(big, need, buf, need);
  g_free(big);
  if (outlen)
    *outlen = n;
  return buf;
}

static void check_fold(const char *s, const char *want) {
  int ascii = 1;
  for (const char *p = s; *p; p++)
    ascii &= (unsigned char)*p < 0x80;
  char *got = fold_len(s, strlen(s), 0, NULL);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  if (ascii) {
    got = fold_len(s, strlen(s), 1, NULL);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
  }
}

static void test_ascii(void) {
  check_fold("", "");
  check_fold("Ukraine", "ukraine");
  check_fold("UKRAINE", "ukraine");
  check_fold("ukraine", "ukraine");
  check_fold("U.S.", "u.s.");
  check_fold("Xi's", "xi's");
  check_fold("A-Z@[`{09", "a-z@[`{09");
  /* Too small a buffer: the needed length comes back, nothing is overrun. */
  char buf[8] = "XXXXXXXX";
  g_assert_cmpuint(stg_fold("Ukraine!!", 9, 1, buf, 4), ==, 9);
  g_assert_cmpuint(stg_fold("Ukraine!!", 9, 0, buf, 4), ==, 9);
  g_assert_cmpmem(buf + 4, 4, "XXXX", 4);
  g_assert_cmpuint(stg_fold("Ab", 2, 1, buf, 2), ==, 2);
  g_assert_cmpmem(buf, 2, "ab", 2);
}

static void test_unicode(void) {
  check_fold("Z\u00dcRICH", "z\u00fcrich");
  check_fold("\u041f\u0423\u0422\u0418\u041d", "\u043f\u0443\u0442\u0438\u043d");
  check_fold("Stra\u00dfe", "strasse");
  check_fold("STRASSE", "strasse");
  check_fold("\u03a3\u0399\u03a3\u03a5\u03a6\u039f\u03a3",
             "\u03c3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c3");
  check_fold("\u03c3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c2",
             "\u03c3\u03b9\u03c3\u03c5\u03c6\u03bf\u03c3");
  check_fold("\u4e60\u8fd1\u5e73", "\u4e60\u8fd1\u5e73");
  check_fold("Vi\u1ec6t Nam", "vi\u1ec7t nam");
  check_fold("\ufb01nance", "finance");
  /* NFC: a decomposed accent composes, so both spellings share a key. */
  check_fold("Caf\u00e9", "caf\u00e9");
  check_fold("Cafe\u0301", "caf\u00e9");
  check_fold("CAFE\u0301", "caf\u00e9");
  /* Kana with a combining voicing mark composes. */
  check_fold("\u304b\u3099", "\u304c");
  /* Cyrillic look-alikes keep their own key. */
  char *a = fold_len("Ukr\u0430ine", strlen("Ukr\u0430ine"), 0, NULL);
  g_assert_cmpstr(a, !=, "ukraine");
  g_assert_cmpstr(a, ==, "ukr\u0430ine");
  g_free(a);
}

static void test_mapping(void) {
  check_fold("\u2019s", "'s");
  check_fold("Xi\u2019s", "xi's");
  check_fold("n\u2019t", "n't");
  check_fold("\u2018quoted\u2019", "'quoted'");
  check_fold("cease\u2010fire", "cease-fire");
  check_fold("cease\u2011fire", "cease-fire");
  check_fold("Xi\u2013Putin", "xi-putin");
  check_fold("Xi\u2014Putin", "xi-putin");
  check_fold("\u22125", "-5");
  check_fold("\u2013", "-");
  check_fold("\u2014", "-");
  check_fold("a \u2014 b", "a \u2014 b");
  check_fold("\u2014\u2014", "--");
  check_fold("cease\u00adfire", "ceasefire");
  check_fold("\u201cA\u201d", "\u201ca\u201d");
}

static void test_invalid(void) {
  size_t n;
  char *s = fold_len("A\xff"
                     "B",
                     3, 0, &n);
  g_assert_cmpmem(s, n,
                  "a\xff"
                  "b",
                  3);
  g_free(s);
  s = fold_len("A\0B", 3, 1, &n);
  g_assert_cmpmem(s, n, "a\0b", 3);
  g_free(s);
  s = fold_len("A\0B", 3, 0, &n);
  g_assert_cmpmem(s, n, "a\0b", 3);
  g_free(s);
  /* Invalid bytes beside characters that need GLib: the valid parts are folded. */
  static const char in[] = "\xff"
                           "E\xcc\x81\xe2\x80"
                           "STRA\xc3\x9f"
                           "E\0\xc3\x89";
  static const char want[] = "\xff"
                             "\xc3\xa9\xe2\x80"
                             "strasse\0\xc3\xa9";
  s = fold_len(in, sizeof in - 1, 0, &n);
  g_assert_cmpmem(s, n, want, sizeof want - 1);
  g_free(s);
  /* Truncated sequence at the end, surrogate, overlong. */
  s = fold_len("\xc3", 1, 0, &n);
  g_assert_cmpmem(s, n, "\xc3", 1);
  g_free(s);
  s = fold_len("X\xed\xa0\x80Y\xc0\x80", 7, 0, &n);
  g_assert_cmpmem(s, n, "x\xed\xa0\x80y\xc0\x80", 7);
  g_free(s);
}

/* The reference: mapping, then GLib NFC + casefold on the whole (valid) string. */
static char *reference(const char *s) {
  GString *m = g_string_new(NULL);
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == 0x2019 || c == 0x2018)
      g_string_append_c(m, '\'');
    else if (c == 0xAD)
      ;
    else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
      g_string_append_c(m, '-'); /* the tests only use dashes next to letters */
    else
      g_string_append_unichar(m, c);
  }
  char *nfc = g_utf8_normalize(m->str, -1, G_NORMALIZE_NFC);
  char *cf = g_utf8_casefold(nfc, -1);
  g_free(nfc);
  g_string_free(m, TRUE);
  return cf;
}

/* The fast path agrees with GLib for every character of the BMP's main scripts, alone, after
 * a letter, and before a combining mark. */
static void test_against_glib(void) {
  for (gunichar c = 0x80; c < 0x10000; c++) {
    if ((c >= 0xD800 && c <= 0xDFFF) || !g_unichar_validate(c) ||
        g_unichar_type(c) == G_UNICODE_UNASSIGNED)
      continue;
    if (c >= 0xAC00 && c <= 0xD7A3 && c % 7 != 0)
      continue; /* sample Hangul */
    char u[8] = {0};
    g_unichar_to_utf8(c, u);
    const char *ctx[] = {"%s", "A%sb", "%s\u0301", "Q%s\u0308Z"};
    for (size_t k = 0; k < G_N_ELEMENTS(ctx); k++) {
      if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
        if (k == 0)
          continue; /* covered by test_mapping */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      char *s = g_strdup_printf(ctx[k], u);
#pragma GCC diagnostic pop
      char *want = reference(s);
      char *got = fold_len(s, strlen(s), 0, NULL);
      if (strcmp(got, want) != 0)
        g_error("fold of U+%04X in context %zu: got \"%s\", want \"%s\"", c, k, got, want);
      g_free(got);
      g_free(want);
      g_free(s);
    }
  }
}

static void test_hash(void) {
  /* Deterministic and stable: hashes may be stored in compiled programs. */
  g_assert_cmphex(stg_hash("", 0), ==, stg_hash("", 0));
  g_assert_cmphex(stg_hash("ukraine", 7), ==, stg_hash("ukraine", 7));
  g_assert_cmphex(stg_hash("ukraine", 7), !=, stg_hash("ukraine", 6));
  g_assert_cmphex(stg_hash("a", 1), !=, stg_hash("b", 1));
  g_assert_cmphex(stg_hash("a\0", 2), !=, stg_hash("a", 1));
  g_test_message("golden: %016" G_GINT64_MODIFIER "x %016" G_GINT64_MODIFIER "x", stg_hash("", 0),
                 stg_hash("ukraine", 7));
  g_assert_cmphex(stg_hash("", 0), ==, G_GUINT64_CONSTANT(0x3d1d57212ffcc6e8));
  g_assert_cmphex(stg_hash("ukraine", 7), ==, G_GUINT64_CONSTANT(0x2692bfbd99c0fd8b));
  /* Every length from 0 to 200 reads only its bytes (exact-size heap copies under ASan) and
   * depends on each of them. */
  char base[201];
  for (int i = 0; i < 200; i++)
    base[i] = (char)('a' + i % 26);
  for (size_t len = 0; len <= 200; len++) {
    char *s = g_memdup2(base, len ? len : 1);
    uint64_t h = stg_hash(s, len);
    for (size_t i = 0; i < len; i++) {
      s[i] ^= 1;
      g_assert_cmphex(stg_hash(s, len), !=, h);
      s[i] ^= 1;
    }
    g_free(s);
  }
  /* No collisions and even buckets over 200,000 distinct short keys. */
  GHashTable *seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  unsigned buckets[256] = {0};
  size_t nkeys = 200000;
  for (size_t i = 0; i < nkeys; i++) {
    char key[32];
    int n = g_snprintf(key, sizeof key, "w%zu", i * 7919);
    gint64 *h = g_new(gint64, 1);
    *h = (gint64)stg_hash(key, (size_t)n);
    g_assert_false(g_hash_table_contains(seen, h));
    g_hash_table_add(seen, h);
    buckets[(uint64_t)*h >> 56]++;
  }
  for (int b = 0; b < 256; b++) {
    g_assert_cmpuint(buckets[b], >, nkeys / 256 * 8 / 10);
    g_assert_cmpuint(buckets[b], <, nkeys / 256 * 12 / 10);
  }
  g_hash_table_destroy(seen);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/fold/ascii", test_ascii);
  g_test_add_func("/fold/unicode", test_unicode);
  g_test_add_func("/fold/mapping", test_mapping);
  g_test_add_func("/fold/invalid", test_invalid);
  g_test_add_func("/fold/against-glib", test_against_glib);
  g_test_add_func("/hash/basic", test_hash);
  return g_test_run();
}
