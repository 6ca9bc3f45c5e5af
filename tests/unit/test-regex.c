/* test-regex.c: token regexes (engine/regex.c) answer as GLib's GRegex does with the options
 * the engine used before it matched with PCRE2 directly (G_REGEX_OPTIMIZE, caseless when asked,
 * anchored at both ends): Unicode classes, case folding, newline characters, anchors. */
#include <glib.h>
#include <string.h>

#include "regex.h"

static const char *const patterns[] = {
    "\\p{Lu}[\\p{L}'’]*\\p{Ll}[\\p{L}'’]*",
    "\\p{Lu}[\\p{L}'’]*",
    "\\p{Lu}\\.",
    "['’]s",
    "[A-Za-z]+ing",
    "\\w+",
    "\\d+",
    "[[:alpha:]]+",
    "[[:upper:]][[:lower:]]+",
    ".+",
    "a$",
    "\\bfoo\\b",
    "(al|el|Al|El|ul|Abu)",
    "[^a-z]+",
    "stra(ss|ß)e",
    "\\x{e9}t\\x{e9}",
};

static const char *const subjects[] = {
    "Gruber",    "McDonald",      "O'Neill", "O’Neill",  "NATO",  "F.",    "f.",     "'s",
    "’s",        "talking",       "ing",     "Émile",    "émile", "ÉMILE", "Łukasz", "Ωmega",
    "ǅemal",     "straße",        "STRASSE", "Straße",   "été",   "ÉTÉ",   "123",    "١٢٣",
    "a\xC2\x85", "a\xE2\x80\xA8", "a\n",     "a",        "foo",   "Abu",   "abu",    "",
    "x-y",       "日本",          "Ab1",     "İstanbul", "ı",
};

static void test_same_as_gregex(void) {
  stg_regex_data *md = stg_regex_data_new();
  g_assert_nonnull(md);
  size_t matched = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(patterns); i++)
    for (int icase = 0; icase < 2; icase++) {
      char *why = NULL;
      stg_regex *re = stg_regex_new(patterns[i], icase, &why);
      g_assert_null(why);
      g_assert_nonnull(re);
      char *src = g_strdup_printf("^(?:%s)$", patterns[i]);
      GRegex *gre = g_regex_new(src, G_REGEX_OPTIMIZE | (icase ? G_REGEX_CASELESS : 0), 0, NULL);
      g_assert_nonnull(gre);
      for (size_t k = 0; k < G_N_ELEMENTS(subjects); k++) {
        const char *s = subjects[k];
        int want = g_regex_match(gre, s, 0, NULL);
        int got = stg_regex_match(re, md, s, strlen(s));
        if (want != got)
          g_error("/%s/%s on \"%s\": GRegex %d, stg_regex %d", patterns[i], icase ? "i" : "", s,
                  want, got);
        matched += (size_t)got;
      }
      g_regex_unref(gre);
      g_free(src);
      stg_regex_free(re);
    }
  g_assert_cmpuint(matched, >, 50); /* the subjects do exercise the patterns */
  stg_regex_data_free(md);
}

/* The subject is text[0..len), not up to a NUL: a token inside a document. */
static void test_length_bounds(void) {
  stg_regex_data *md = stg_regex_data_new();
  stg_regex *re = stg_regex_new("[A-Z][a-z]+", 0, NULL);
  g_assert_true(stg_regex_match(re, md, "Kyiv rejected", 4));
  g_assert_false(stg_regex_match(re, md, "Kyiv rejected", 6));
  g_assert_false(stg_regex_match(re, md, "Kyiv", 1));
  stg_regex_free(re);
  stg_regex_data_free(md);
}

static void test_invalid(void) {
  char *why = NULL;
  g_assert_null(stg_regex_new("(unclosed", 0, &why));
  g_assert_nonnull(why);
  g_assert_cmpstr(why, !=, "");
  g_free(why);
  g_assert_null(stg_regex_new("a{2,1}", 1, NULL)); /* no message asked for */
  stg_regex_free(NULL);
  stg_regex_data_free(NULL);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/regex/same-as-gregex", test_same_as_gregex);
  g_test_add_func("/regex/length-bounds", test_length_bounds);
  g_test_add_func("/regex/invalid", test_invalid);
  return g_test_run();
}
