/* test-arena.c: the compile-time bump allocator (grammar/arena.c). */
#include "arena.h"

#include <glib.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#define ALIGNED(p) (((uintptr_t)(p) & (alignof(max_align_t) - 1)) == 0)

/* Blocks are aligned even after odd-sized strings, zero-filled, and do not overlap. */
static void test_alignment(void) {
  stg_arena a;
  stg_arena_init(&a);
  char *s = stg_arena_strndup(&a, "abcdefg!", 3);
  g_assert_cmpstr(s, ==, "abc");
  uint64_t *v = stg_arena_alloc(&a, 3 * sizeof *v);
  g_assert_true(ALIGNED(v));
  g_assert_true((char *)v >= s + 4);
  for (int i = 0; i < 3; i++)
    g_assert_cmpuint(v[i], ==, 0);
  char *t = stg_arena_strdup(&a, "xy");
  g_assert_cmpstr(t, ==, "xy");
  g_assert_true(t >= (char *)(v + 3));
  g_assert_null(stg_arena_strdup(&a, NULL));
  void *z = stg_arena_alloc(&a, 0); /* a distinct, valid pointer */
  g_assert_nonnull(z);
  g_assert_true(z != stg_arena_alloc(&a, 0));
  g_assert_cmpstr(s, ==, "abc");
  stg_arena_free(&a);
  g_assert_null(a.chunks);
}

/* Many blocks over many chunks keep their contents until the arena is freed; a request
 * larger than a chunk gets its own. */
static void test_many(void) {
  stg_arena a;
  stg_arena_init(&a);
  enum { N = 20000 };
  char **p = g_new(char *, N);
  for (int i = 0; i < N; i++) {
    char buf[32];
    int n = g_snprintf(buf, sizeof buf, "phrase %d", i);
    p[i] = stg_arena_strndup(&a, buf, (size_t)n);
  }
  size_t big = 3 * STG_ARENA_CHUNK;
  unsigned char *b = stg_arena_alloc(&a, big);
  g_assert_true(ALIGNED(b));
  for (size_t i = 0; i < big; i++)
    g_assert_cmpuint(b[i], ==, 0);
  memset(b, 0xAB, big);
  for (int i = 0; i < N; i++) {
    char buf[32];
    g_snprintf(buf, sizeof buf, "phrase %d", i);
    g_assert_cmpstr(p[i], ==, buf);
  }
  g_free(p);
  stg_arena_free(&a);
  /* reusable after a free */
  g_assert_cmpstr(stg_arena_strdup(&a, "again"), ==, "again");
  stg_arena_free(&a);
}

/* A large block between small ones does not waste the current chunk's room: the small ones
 * before and after it are in the same chunk (adjacent). */
static void test_large_keeps_room(void) {
  stg_arena a;
  stg_arena_init(&a);
  char *x = stg_arena_strndup(&a, "x", 1);
  void *big = stg_arena_alloc(&a, STG_ARENA_CHUNK);
  char *y = stg_arena_strndup(&a, "y", 1);
  g_assert_true(y == x + 2);
  g_assert_true((char *)big < x || (char *)big > y);
  stg_arena_free(&a);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/arena/alignment", test_alignment);
  g_test_add_func("/arena/many", test_many);
  g_test_add_func("/arena/large-keeps-room", test_large_keeps_room);
  return g_test_run();
}
