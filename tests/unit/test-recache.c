/* test-recache.c: the scratch's table of regex results per token text (engine/recache.c).
 * Keys are bytes with a length (a NUL inside is part of the key), records never move while
 * the table grows, and a reset forgets every key but keeps the memory. */
#include <glib.h>
#include <string.h>

#include "recache.h"

enum { N_RES = 3 };

static void test_keys(void) {
  stg_recache c;
  stg_recache_init(&c);
  uint8_t *a = stg_recache_get(&c, "Gruber", 6, N_RES);
  g_assert_nonnull(a);
  g_assert_cmpuint(a[0] | a[1] | a[2], ==, 0); /* no result known yet */
  g_assert_cmpuint(a[N_RES], ==, 2);           /* valid UTF-8 */
  a[1] = 2;
  g_assert_true(stg_recache_get(&c, "Gruber", 6, N_RES) == a);
  g_assert_cmpuint(stg_recache_get(&c, "Gruber", 6, N_RES)[1], ==, 2);
  /* a prefix, a longer text and a text with a NUL are other keys */
  uint8_t *b = stg_recache_get(&c, "Grube", 5, N_RES);
  uint8_t *d = stg_recache_get(&c, "Gruber\0x", 8, N_RES);
  uint8_t *e = stg_recache_get(&c, "Gruber\0y", 8, N_RES);
  g_assert_true(b != a && d != a && e != a && d != e);
  g_assert_cmpuint(d[N_RES], ==, 1); /* a NUL byte: not valid text for a regex */
  g_assert_cmpuint(stg_recache_get(&c, "\xC3\x28", 2, N_RES)[N_RES], ==, 1);
  g_assert_cmpuint(stg_recache_get(&c, "\xC3\xA9", 2, N_RES)[N_RES], ==, 2);
  g_assert_cmpuint(stg_recache_get(&c, "", 0, N_RES)[N_RES], ==, 2);
  g_assert_cmpuint(c.n, ==, 7);
  stg_recache_clear(&c);
}

static void test_growth_and_reset(void) {
  stg_recache c;
  stg_recache_init(&c);
  enum { N = 20000 };
  uint8_t **rec = g_new(uint8_t *, N);
  char key[32];
  for (int i = 0; i < N; i++) {
    int n = g_snprintf(key, sizeof key, "w%d", i);
    rec[i] = stg_recache_get(&c, key, (size_t)n, N_RES);
    rec[i][0] = (uint8_t)(1 + i % 2);
  }
  g_assert_cmpuint(c.n, ==, N);
  for (int i = 0; i < N; i++) { /* same records after the table grew many times */
    int n = g_snprintf(key, sizeof key, "w%d", i);
    g_assert_true(stg_recache_get(&c, key, (size_t)n, N_RES) == rec[i]);
    g_assert_cmpuint(rec[i][0], ==, 1 + i % 2);
  }
  /* a key longer than a block gets its own */
  size_t big_len = 200000;
  char *big = g_malloc(big_len);
  memset(big, 'a', big_len);
  uint8_t *r = stg_recache_get(&c, big, big_len, N_RES);
  g_assert_true(stg_recache_get(&c, big, big_len, N_RES) == r);
  stg_recache_reset(&c);
  g_assert_cmpuint(c.n, ==, 0);
  uint8_t *again = stg_recache_get(&c, "w1", 2, N_RES);
  g_assert_cmpuint(again[0], ==, 0); /* forgotten: a fresh record */
  g_assert_cmpuint(c.n, ==, 1);
  g_assert_true(again == rec[0]); /* in the memory kept from before the reset */
  for (int i = 0; i < N; i++) { /* the kept blocks fill up again, in order */
    int n = g_snprintf(key, sizeof key, "v%d", i);
    stg_recache_get(&c, key, (size_t)n, N_RES)[0] = 1;
  }
  g_assert_cmpuint(stg_recache_get(&c, big, big_len, N_RES)[0], ==, 0);
  stg_recache_clear(&c);
  stg_recache_clear(&c); /* clearing twice is harmless */
  g_free(big);
  g_free(rec);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/recache/keys", test_keys);
  g_test_add_func("/recache/growth-and-reset", test_growth_and_reset);
  return g_test_run();
}
