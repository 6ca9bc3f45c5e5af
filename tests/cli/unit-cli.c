/* unit-cli.c: unit tests of the CLI's pure parts: the JSON Lines reader, cut points and binary
 * detection. The writers are tested in unit-output.c. */
#include <glib.h>
#include <string.h>

#include "cli-cut.h"
#include "cli-json.h"

static void json_ok(const char *line, const char *want_id, const char *want_text, size_t want_len) {
  GString *id = NULL, *text = NULL;
  char *error = NULL;
  gboolean ok = cli_json_fields(line, strlen(line), "id", "text", &id, &text, &error);
  if (!ok)
    g_error("rejected %s: %s", line, error);
  g_assert_cmpuint(text->len, ==, want_len);
  g_assert_true(memcmp(text->str, want_text, want_len) == 0);
  if (want_id)
    g_assert_cmpstr(id->str, ==, want_id);
  else
    g_assert_null(id);
  if (id)
    g_string_free(id, TRUE);
  g_string_free(text, TRUE);
}

static void json_bad(const char *line, const char *want_error) {
  GString *id = NULL, *text = NULL;
  char *error = NULL;
  g_assert_false(cli_json_fields(line, strlen(line), "id", "text", &id, &text, &error));
  g_assert_null(id);
  g_assert_null(text);
  if (!strstr(error, want_error))
    g_error("%s: error '%s' lacks '%s'", line, error, want_error);
  g_free(error);
}

static void test_json(void) {
  json_ok("{\"id\":\"a\",\"text\":\"hi\"}", "a", "hi", 2);
  json_ok(" { \"text\" : \"x\" , \"id\" : -1.5e+3 } ", "-1.5e+3", "x", 1);
  json_ok("{\"text\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", NULL, "\"\\/\b\f\n\r\t", 8);
  json_ok("{\"text\":\"\\u00e9\\u20AC\\ud83d\\ude00\"}", NULL,
          "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
  json_ok("{\"text\":\"a\\u0000b\"}", NULL, "a\0b", 3);
  json_ok("{\"text\":\"old\",\"text\":\"new\"}", NULL, "new", 3);
  json_ok("{\"id\":\"x\",\"meta\":{\"text\":\"nested\",\"id\":[]},\"text\":\"top\"}", "x", "top",
          3);
  json_ok("{\"a\":[[],{},0,-0,1e5,true,false,null,\"s\"],\"text\":\"\"}", NULL, "", 0);
  json_ok("{\"text\":\"caf\xc3\xa9\"}", NULL, "caf\xc3\xa9", 5);
  json_bad("", "object expected");
  json_bad("[]", "object expected");
  json_bad("{\"text\":\"x\"", "expected");
  json_bad("{\"text\":\"x\"} x", "after the object");
  json_bad("{\"id\":\"x\"}", "no \"text\" member");
  json_bad("{\"text\":1}", "must be a string");
  json_bad("{\"text\":\"x\",\"id\":true}", "string or a number");
  json_bad("{\"text\":\"\\ud800\"}", "surrogate");
  json_bad("{\"text\":\"\\ud800\\u0041\"}", "surrogate");
  json_bad("{\"text\":\"\\udc00\"}", "surrogate");
  json_bad("{\"text\":\"\\u12\"}", "\\u escape");
  json_bad("{\"text\":\"\\x\"}", "invalid escape");
  json_bad("{\"text\":\"a\tb\"}", "control character");
  json_bad("{\"text\":\"\xff\"}", "invalid UTF-8");
  json_bad("{\"text\":\"x\",\"n\":01}", "',' or '}' expected");
  json_bad("{\"text\":\"x\",\"n\":1.}", "invalid number");
  json_bad("{\"text\":\"x\",\"n\":tru}", "JSON value expected");
  json_bad("{\"text\":\"x\",}", "member name");
  json_bad("{\"text\" \"x\"}", "':' expected");
  GString *deep = g_string_new("{\"text\":\"x\",\"d\":");
  for (int i = 0; i < 300; i++)
    g_string_append_c(deep, '[');
  json_bad(deep->str, "nested too deeply");
  g_string_free(deep, TRUE);
}

static void test_cut(void) {
  const char *para = "One two.\n\nThree four.\nFive six. Seven";
  size_t len = strlen(para);
  g_assert_cmpuint(cli_find_cut(para, len, 0), ==, 10);  /* after the paragraph break */
  g_assert_cmpuint(cli_find_cut(para, len, 10), ==, 22); /* after the newline */
  const char *sent = "Alpha beta. Gamma delta. eps zeta";
  g_assert_cmpuint(cli_find_cut(sent, strlen(sent), 0), ==, 12); /* ". " before a capital */
  const char *unicode = "Alpha. \xc3\x89tat est";                /* before É */
  g_assert_cmpuint(cli_find_cut(unicode, strlen(unicode), 0), ==, 7);
  const char *words = "alpha beta gamma";
  g_assert_cmpuint(cli_find_cut(words, strlen(words), 0), ==, 11); /* after the last space */
  g_assert_cmpuint(cli_find_cut("abcdef", 6, 0), ==, 6);           /* complete ASCII */
  /* "ab" + é (2 bytes) + the first two bytes of € (3 bytes): cut before €. */
  g_assert_cmpuint(cli_find_cut("ab\xc3\xa9\xe2\x82", 6, 0), ==, 4);
  g_assert_cmpuint(cli_find_cut("ab\xc3\xa9", 4, 0), ==, 4);
  g_assert_cmpuint(cli_find_cut("ab\xf0\x9f\x98", 5, 0), ==, 2);
  /* Never at or before `min`. */
  g_assert_cmpuint(cli_find_cut("a b cdefgh", 10, 5), ==, 10);
  g_assert_cmpuint(cli_find_cut("\xe2\x82\xac", 3, 0), ==, 3);
}

static gboolean binary(const char *s) {
  return cli_looks_binary(s, strlen(s));
}

static void test_binary(void) {
  g_assert_false(binary(""));
  g_assert_false(binary("plain text\n\twith tabs\r\n"));
  g_assert_true(cli_looks_binary("nul\0byte", 8));
  g_assert_true(binary("\x01\x02\x03"
                       "abcd")); /* 3 of 7 > 30% */
  g_assert_false(binary("\x01"
                        "abcdefghij")); /* 1 of 11 */
  g_assert_false(binary("\xff\xfe invalid UTF-8 is not binary"));
  g_assert_false(binary("\x7f\x1f\x0e"
                        "abcdefg")); /* 3 of 10 is not over 30% */
  g_assert_true(binary("\x7f\x1f\x0e"
                       "abcdef")); /* 3 of 9 is; DEL counts */
  g_assert_false(binary("\t\n\v\f\r"
                        "\t\n\v\f\r")); /* white space is not control */
  g_assert_true(binary("\x08\x08\x08"
                       "abcd")); /* backspace is */
}

/* The definition, written plainly: the table-driven cli_looks_binary must agree with it. */
static int binary_ref(const unsigned char *b, size_t len) {
  size_t n = len < CLI_BINARY_SNIFF ? len : CLI_BINARY_SNIFF, controls = 0;
  for (size_t i = 0; i < n; i++) {
    if (b[i] == 0)
      return 1;
    if ((b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' && b[i] != '\f' &&
         b[i] != '\v') ||
        b[i] == 0x7f)
      controls++;
  }
  return n > 0 && controls * 10 > n * 3;
}

static void test_binary_random(void) {
  GRand *r = g_rand_new_with_seed(7);
  unsigned char *buf = g_malloc(CLI_BINARY_SNIFF + 100);
  for (int round = 0; round < 3000; round++) {
    size_t len = (size_t)g_rand_int_range(r, 0, CLI_BINARY_SNIFF + 100);
    /* Mostly text with some control bytes (about the 30% threshold) and rare NULs, some
     * of them past the sniffed prefix, where they must not count. */
    int ctl_pct = g_rand_int_range(r, 0, 60);
    for (size_t i = 0; i < len; i++) {
      int x = g_rand_int_range(r, 0, 1000);
      buf[i] = x < ctl_pct * 10 ? (unsigned char)g_rand_int_range(r, 1, 32)
               : x == 999       ? 0
               : x == 998       ? 0x7f
                                : (unsigned char)g_rand_int_range(r, 32, 256);
      if (buf[i] == 0 && round % 2)
        buf[i] = 'z'; /* half the rounds without NULs, so the counting decides */
    }
    g_assert_cmpint(cli_looks_binary((const char *)buf, len), ==, binary_ref(buf, len));
  }
  g_free(buf);
  g_rand_free(r);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cli/json", test_json);
  g_test_add_func("/cli/cut", test_cut);
  g_test_add_func("/cli/binary", test_binary);
  g_test_add_func("/cli/binary-random", test_binary_random);
  return g_test_run();
}
