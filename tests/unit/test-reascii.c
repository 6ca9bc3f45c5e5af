/* test-reascii.c: the ASCII automata of token regexes (engine/reascii.c) answer as PCRE2
 * (engine/regex.c) on every ASCII subject: all strings of up to four characters over an
 * alphabet that meets every construct, and random strings of any bytes 1..127. Regexes the
 * automaton cannot follow exactly must get none. */
#include <glib.h>
#include <string.h>

#include "reascii.h"
#include "regex.h"

/* Regexes that must get an automaton (in both cases when `icase_too`). */
static const struct {
  const char *source;
  int icase_too;
} supported[] = {
    {"\\p{Lu}[\\p{L}'’]*\\p{Ll}[\\p{L}'’]*", 0}, /* the shipped person patterns */
    {"\\p{Lu}[\\p{L}'’]*", 0},
    {"\\p{Lu}\\.", 0},
    {"['’]s", 0},
    {"(al|el|Al|El|ul|Abu)", 1},
    {"[A-Za-z]+ing", 1},
    {"\\w+", 1},
    {"\\d+", 1},
    {"\\s", 1},
    {"\\W\\D\\S", 1},
    {".+", 1},
    {"a.c", 1},
    {"[^a-z]+", 1},
    {"[^A-Z]", 1},
    {"a|b|", 1},
    {"(ab)*c", 1},
    {"(?:ab|a)+b", 1},
    {"a{2,3}", 1},
    {"a{2,}", 1},
    {"a{0,2}b?", 1},
    {"(a|b){3}", 1},
    {"a{2}?", 1},
    {"x*?y+?", 1},
    {"()", 1},
    {"[]a]", 1},
    {"[^]a]+", 1},
    {"[a-]+", 1},
    {"[-a]", 1},
    {"\\.\\-\\\\", 1},
    {"[\\w.]+", 1},
    {"[\\s\\d]", 1},
    {"\\P{L}+", 1},
    {"\\pL+", 1},
    {"\\p{N}\\p{Nd}", 1},
    {"[\\p{Lu}\\d]+", 0},
    {"\\P{Lu}", 0},
    {"[^\\p{Ll}]", 0},
    {"\\n|\\t|\\r|\\f", 0},
    {"s|S", 1},
    {"k", 1},
    {"’", 0},
    {"[’]", 0},
    {"[^’]", 0},
    {"z*", 1},
    /* a quantified negated property before another one: PCRE2 10.42 auto-possessified these
     * wrongly (found by a differential fuzzer); regex.c turns that off */
    {"\\P{Ll}*\\P{Nd}", 0},
    {"\\P{Lu}*\\P{Nd}", 0},
    {"\\PL*\\PN", 1},
    {"\\P{Nd}?\\P{Lu}", 0},
    {"\\D*\\P{Ll}", 0},
    {"\\D+\\P{Lu}", 0},
    {"\\P{N}+\\PL", 1},
};

/* Regexes that must get none: their ASCII answer is not certain here, or not worth it. */
static const struct {
  const char *source;
  int icase;
} unsupported[] = {
    {"a$", 0},      {"^a", 0},     {"\\bfoo\\b", 0}, {"[[:alpha:]]+", 0}, {"\\x{41}", 0},
    {"(?i)a", 0},   {"a(?=b)", 0}, {"(?!a)b", 0},    {"a*+", 0},          {"a++b", 0},
    {"(a)\\1", 0},  {"\\p{P}", 0}, {"\\p{Lu}", 1},   {"[\\p{Ll}]", 1},    {"é", 1},
    {"[’s]", 1},    {"a{1,2", 0},  {"a{,2}", 0},     {"[\\d-z]", 0},      {"(?<n>a)", 0},
    {"\\Qa\\E", 0}, {"a**", 0},    {"\\R", 0},       {"a{64}", 0},
};

static const char alphabet[] = "aAbBsSkzZ09_.-' \n\r\\]ly";

static void check(const char *source, int icase, stg_regex *re, stg_regex_data *md, stg_reascii *a,
                  const char *s, size_t len) {
  int want = stg_regex_match(re, md, s, len);
  int got = stg_reascii_match(a, s, len);
  if (want != got) {
    char *shown = g_strescape(g_strndup(s, len), NULL);
    g_error("/%s/%s on \"%s\": PCRE2 %d, automaton %d", source, icase ? "i" : "", shown, want, got);
  }
}

static void test_same_as_pcre2(void) {
  stg_regex_data *md = stg_regex_data_new();
  GRand *rand = g_rand_new_with_seed(20261202);
  size_t n_alpha = strlen(alphabet), checked = 0, matched = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(supported); i++)
    for (int icase = 0; icase <= supported[i].icase_too; icase++) {
      const char *src = supported[i].source;
      stg_regex *re = stg_regex_new(src, icase, NULL);
      g_assert_nonnull(re);
      stg_reascii *a = stg_reascii_new(src, icase);
      if (!a)
        g_error("/%s/%s: no automaton", src, icase ? "i" : "");
      char s[16];
      /* every string of length 0..4 over the alphabet */
      for (size_t len = 0; len <= 4; len++) {
        size_t total = 1;
        for (size_t k = 0; k < len; k++)
          total *= n_alpha;
        for (size_t code = 0; code < total; code++) {
          size_t c = code;
          for (size_t k = 0; k < len; k++, c /= n_alpha)
            s[k] = alphabet[c % n_alpha];
          check(src, icase, re, md, a, s, len);
          matched += (size_t)stg_reascii_match(a, s, len);
          checked++;
        }
      }
      /* random ASCII of any byte but NUL */
      for (int k = 0; k < 3000; k++) {
        size_t len = (size_t)g_rand_int_range(rand, 0, 9);
        for (size_t j = 0; j < len; j++)
          s[j] = (char)g_rand_int_range(rand, 1, 128);
        check(src, icase, re, md, a, s, len);
        checked++;
      }
      stg_reascii_free(a);
      stg_regex_free(re);
    }
  g_assert_cmpuint(checked, >, 1000000);
  g_assert_cmpuint(matched, >, 10000); /* the subjects do reach accepting states */
  g_rand_free(rand);
  stg_regex_data_free(md);
}

static void test_unsupported(void) {
  for (size_t i = 0; i < G_N_ELEMENTS(unsupported); i++) {
    stg_reascii *a = stg_reascii_new(unsupported[i].source, unsupported[i].icase);
    if (a)
      g_error("/%s/%s got an automaton", unsupported[i].source, unsupported[i].icase ? "i" : "");
  }
  /* and the engine's entry point says so, for PCRE2 to answer */
  stg_regex *re = stg_regex_new("a$", 0, NULL);
  g_assert_cmpint(stg_regex_match_ascii(re, "a", 1), ==, -1);
  stg_regex_free(re);
  re = stg_regex_new("\\p{Lu}\\.", 0, NULL);
  g_assert_cmpint(stg_regex_match_ascii(re, "F.", 2), ==, 1);
  g_assert_cmpint(stg_regex_match_ascii(re, "f.", 2), ==, 0);
  stg_regex_free(re);
}

/* Random sources over the regex metacharacters: building never fails badly, and whenever both
 * PCRE2 and the automaton accept a source, they agree on random subjects. */
static void test_random_sources(void) {
  static const char meta[] = "ab.|()[]^$-*+?{},0129\\dwsSpPLu:!=<'";
  stg_regex_data *md = stg_regex_data_new();
  GRand *rand = g_rand_new_with_seed(7);
  size_t built = 0;
  for (int i = 0; i < 20000; i++) {
    char src[12];
    size_t n = (size_t)g_rand_int_range(rand, 1, (gint32)sizeof src);
    for (size_t k = 0; k < n; k++)
      src[k] = meta[g_rand_int_range(rand, 0, (gint32)sizeof meta - 1)];
    src[n] = '\0';
    int icase = g_rand_boolean(rand);
    stg_reascii *a = stg_reascii_new(src, icase);
    stg_regex *re = stg_regex_new(src, icase, NULL);
    if (a && re) {
      built++;
      for (int k = 0; k < 200; k++) {
        char s[8];
        size_t len = (size_t)g_rand_int_range(rand, 0, (gint32)sizeof s);
        for (size_t j = 0; j < len; j++)
          s[j] = meta[g_rand_int_range(rand, 0, 10)]; /* letters, dot, bars, parentheses */
        check(src, icase, re, md, a, s, len);
      }
    }
    stg_regex_free(re);
    stg_reascii_free(a);
  }
  g_assert_cmpuint(built, >, 1000);
  g_rand_free(rand);
  stg_regex_data_free(md);
}

/* Where PCRE2 gives up (its match limit, on nested quantifiers; stg_regex_match then says
 * no), the automaton still answers. */
static void test_beyond_match_limit(void) {
  stg_reascii *a = stg_reascii_new("(?:(?:(?:a*.*)+)+\\.){2}", 0);
  g_assert_nonnull(a);
  g_assert_true(stg_reascii_match(a, ".aaaaaa.", 8));
  g_assert_true(stg_reascii_match(a, ".aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", 32));
  g_assert_false(stg_reascii_match(a, ".aaaaaa", 7));
  stg_reascii_free(a);
}

/* The subject is text[0..len): the automaton stops at len. */
static void test_length_bounds(void) {
  stg_reascii *a = stg_reascii_new("[A-Z][a-z]+", 0);
  g_assert_true(stg_reascii_match(a, "Kyiv rejected", 4));
  g_assert_false(stg_reascii_match(a, "Kyiv rejected", 6));
  g_assert_false(stg_reascii_match(a, "Kyiv", 1));
  stg_reascii_free(a);
  stg_reascii_free(NULL);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/reascii/same-as-pcre2", test_same_as_pcre2);
  g_test_add_func("/reascii/unsupported", test_unsupported);
  g_test_add_func("/reascii/random-sources", test_random_sources);
  g_test_add_func("/reascii/beyond-match-limit", test_beyond_match_limit);
  g_test_add_func("/reascii/length-bounds", test_length_bounds);
  return g_test_run();
}
