/* test-program.c: compiled programs through the public API: save/load round trips, corrupt and
 * foreign buffers, scratch misuse, thread sharing. */
#include <glib.h>
#include <string.h>

#include "stancetag.h"
#include "test-sample.h"

/* Records come by start offset, longer first: a stance starting at its holder precedes the
 * holder's entity record. */
static void test_scan(void) {
  stancetag_program *p = sample_compile();
  char *out = sample_scan(p);
  g_assert_cmpstr(out, ==,
                  "stance USA oppose ceasefire 26..33 0\n"
                  "entity COUNTRY 4..17 USA\n"
                  "stance John Kirby oppose peace_plan 53..61 1\n"
                  "entity PERSON 47..52 John Kirby\n"
                  "stance RUS support ceasefire 86..91 0\n"
                  "entity COUNTRY 79..85 RUS\n");
  g_free(out);
  stancetag_scratch *s = NULL;
  stancetag_scratch_alloc(p, &s);
  g_assert_cmpuint(stancetag_program_test_count(p), ==, 1);
  char *report = NULL;
  g_assert_cmpint(stancetag_program_run_test(p, 0, s, &report, NULL, NULL), ==, 1);
  g_assert_null(report);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

static void test_round_trip(void) {
  stancetag_program *p = sample_compile();
  char *bytes = NULL;
  size_t len = 0;
  g_assert_cmpint(stancetag_program_save(p, &bytes, &len), ==, STANCETAG_OK);
  g_assert_true(stancetag_is_program(bytes, len));
  stancetag_program *q = NULL;
  g_assert_cmpint(stancetag_program_load(bytes, len, &q), ==, STANCETAG_OK);
  char *a = sample_scan(p), *b = sample_scan(q);
  g_assert_cmpstr(a, ==, b);
  /* Saving the loaded program gives the same bytes. */
  char *bytes2 = NULL;
  size_t len2 = 0;
  g_assert_cmpint(stancetag_program_save(q, &bytes2, &len2), ==, STANCETAG_OK);
  g_assert_cmpmem(bytes, len, bytes2, len2);
  g_free(a);
  g_free(b);
  free(bytes);
  free(bytes2);
  stancetag_program_free(p);
  stancetag_program_free(q);
}

static void test_corrupt(void) {
  stancetag_program *p = sample_compile();
  char *bytes = NULL;
  size_t len = 0;
  stancetag_program_save(p, &bytes, &len);
  /* Every single-byte flip and every truncation is rejected, never a crash. */
  for (size_t i = 0; i < len; i++) {
    bytes[i] ^= 0x5A;
    stancetag_program *q = NULL;
    int rc = stancetag_program_load(bytes, len, &q);
    g_assert_true(rc == STANCETAG_EFORMAT || rc == STANCETAG_EVERSION);
    g_assert_null(q);
    bytes[i] ^= 0x5A;
  }
  for (size_t n = 0; n < len; n += 7) {
    stancetag_program *q = NULL;
    g_assert_cmpint(stancetag_program_load(bytes, n, &q), ==, STANCETAG_EFORMAT);
  }
  stancetag_program *q = NULL;
  g_assert_cmpint(stancetag_program_load("hello world, not a program", 26, &q), ==,
                  STANCETAG_EFORMAT);
  g_assert_cmpint(stancetag_program_load(NULL, 0, &q), ==, STANCETAG_EFORMAT);
  /* Another format version is told apart from corruption. */
  bytes[8] = 99;
  g_assert_cmpint(stancetag_program_load(bytes, len, &q), ==, STANCETAG_EVERSION);
  free(bytes);
  stancetag_program_free(p);
}

static void test_api_misuse(void) {
  g_assert_cmpint(stancetag_scratch_alloc(NULL, NULL), ==, STANCETAG_EINVAL);
  stancetag_program_free(NULL);
  stancetag_scratch_free(NULL);
  stancetag_error_free(NULL);
  stancetag_program *p = sample_compile();
  stancetag_program *p2 = sample_compile();
  stancetag_scratch *s = NULL;
  stancetag_scratch_alloc(p, &s);
  /* A scratch belongs to the program it was made for. */
  g_assert_cmpint(stancetag_scan(p2, s, "x", 1, 0, NULL, NULL, NULL), ==, STANCETAG_EINVAL);
  g_assert_cmpint(stancetag_scan(p, s, NULL, 5, 0, NULL, NULL, NULL), ==, STANCETAG_EINVAL);
  g_assert_cmpint(stancetag_scan(p, s, NULL, 0, 0, NULL, NULL, NULL), ==, STANCETAG_OK);
  g_assert_cmpstr(stancetag_strerror(STANCETAG_EBUSY), !=, stancetag_strerror(12345));
  stancetag_scratch_free(s);
  stancetag_program_free(p);
  stancetag_program_free(p2);
}

static int stop_first(const stancetag_record *r, void *ctx) {
  (*(int *)ctx)++;
  return 1;
}

static void test_stop(void) {
  stancetag_program *p = sample_compile();
  stancetag_scratch *s = NULL;
  stancetag_scratch_alloc(p, &s);
  int calls = 0;
  g_assert_cmpint(stancetag_scan(p, s, SAMPLE_TEXT, strlen(SAMPLE_TEXT), STANCETAG_SCAN_ENTITIES,
                                 stop_first, &calls, NULL),
                  ==, STANCETAG_ETERMINATED);
  g_assert_cmpint(calls, ==, 1);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

typedef struct job {
  const stancetag_program *p;
  char *out;
} job;

static int count_entities(const stancetag_record *r, void *ctx) {
  if (r->kind == STANCETAG_RECORD_ENTITY)
    (*(int *)ctx)++;
  return 0;
}

/* Short ASCII words go through a per-scratch word-id cache keyed by their raw bytes: case
 * variants, a word at the very end of the buffer (no 8 bytes to read) and thousands of other
 * words that evict entries must all find the same ids, document after document. */
/* Scans `text` twice with the same scratch (the second time through a warm word cache): both
 * times `expect` entities (and spans, with STANCETAG_SCAN_SPANS in `flags`). */
static void assert_entities_twice(const stancetag_program *p, stancetag_scratch *s,
                                  const GString *text, int expect, unsigned flags) {
  for (int round = 0; round < 2; round++) {
    int n = 0;
    g_assert_cmpint(stancetag_scan(p, s, text->str, text->len, STANCETAG_SCAN_ENTITIES | flags,
                                   count_entities, &n, NULL),
                    ==, STANCETAG_OK);
    g_assert_cmpint(n, ==, expect);
  }
}

static void test_word_cache(void) {
  stancetag_program *p = sample_compile();
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  GString *text = g_string_new(NULL);
  int expect = 0;
  for (int i = 0; i < 6000; i++) {
    g_string_append_printf(text, "w%d x%dy ", i, i % 97);
    if (i % 100 == 0) {
      g_string_append(text, i % 200 ? "Russia RUSSIA russia, US " : "rUSSIA Us US ");
      expect += 3 + (i % 200 ? 1 : 0);
    }
  }
  g_string_append(text, "Russia");
  expect++;
  assert_entities_twice(p, s, text, expect, 0);
  g_string_free(text, TRUE);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* Tokens of 9 to 16 bytes go through the cache with two key words: the bytes after the token
 * (", next") must not count, nor may a near miss ("Kaliningrae") or another case hit. */
static void test_word_cache_long(void) {
  stancetag_program *p =
      test_compile("entity CITY { \"Kaliningrad\" -> id KGD\n \"Ulaanbaatar\" -> id ULN }\n");
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  GString *text = g_string_new(NULL);
  int expect = 0;
  for (int i = 0; i < 40000; i++) {
    g_string_append_printf(text, "longword%06d x%dyzzzzzzzzzzz ", i, i % 97);
    if (i % 50 == 0) {
      g_string_append(text, "Kaliningrad, KALININGRAD Kaliningrae Kaliningradx ulaanbaatar. ");
      expect += 3;
    }
  }
  g_string_append(text, "Kaliningrad");
  expect++;
  assert_entities_twice(p, s, text, expect, 0);
  g_string_free(text, TRUE);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* Regex results of a short word are kept with its word-cache entry, so a repeat in the same
 * document skips the regex cache: each occurrence, case variant and near miss must still get
 * its own answer, while other words evict entries. */
static void test_word_cache_regex(void) {
  stancetag_program *p = test_compile("span NAME = /\\p{Lu}[a-z]+son/\n");
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  GString *text = g_string_new(NULL);
  int expect = 0;
  for (int i = 0; i < 30000; i++) {
    g_string_append_printf(text, "W%d x%dy ", i, i % 97);
    if (i % 40 == 0) {
      g_string_append(text, "Jackson JACKSON jackson Jacksonx Jackson. Richardson-Smith. ");
      expect += 3; /* Jackson twice, Richardson */
    }
  }
  g_string_append(text, "Jackson");
  expect++;
  assert_entities_twice(p, s, text, expect, STANCETAG_SCAN_SPANS);
  g_string_free(text, TRUE);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

static gpointer worker(gpointer data) {
  job *j = data;
  GString *all = g_string_new(NULL);
  for (int i = 0; i < 200; i++) {
    char *o = sample_scan(j->p);
    g_string_append(all, o);
    g_free(o);
  }
  j->out = g_string_free(all, FALSE);
  return NULL;
}

static void test_threads(void) {
  stancetag_program *p = sample_compile();
  job jobs[4] = {{p, NULL}, {p, NULL}, {p, NULL}, {p, NULL}};
  GThread *t[4];
  for (int i = 0; i < 4; i++)
    t[i] = g_thread_new("scan", worker, &jobs[i]);
  for (int i = 0; i < 4; i++)
    g_thread_join(t[i]);
  for (int i = 1; i < 4; i++)
    g_assert_cmpstr(jobs[0].out, ==, jobs[i].out);
  for (int i = 0; i < 4; i++)
    g_free(jobs[i].out);
  stancetag_program_free(p);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/program/scan", test_scan);
  g_test_add_func("/program/round-trip", test_round_trip);
  g_test_add_func("/program/corrupt", test_corrupt);
  g_test_add_func("/program/api-misuse", test_api_misuse);
  g_test_add_func("/program/stop", test_stop);
  g_test_add_func("/program/threads", test_threads);
  g_test_add_func("/program/word-cache", test_word_cache);
  g_test_add_func("/program/word-cache-long", test_word_cache_long);
  g_test_add_func("/program/word-cache-regex", test_word_cache_regex);
  return g_test_run();
}
