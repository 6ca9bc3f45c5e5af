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
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/cli/json", test_json);
  g_test_add_func("/cli/cut", test_cut);
  g_test_add_func("/cli/binary", test_binary);
  return g_test_run();
}
