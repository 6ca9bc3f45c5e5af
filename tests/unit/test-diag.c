/* test-diag.c: diagnostics lists and stancetag_error_format (grammar/diag.c). */
#include "ast-build.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

static stg_ast *ast_with(const char *name, const char *text) {
  stg_ast *ast = stg_ast_new();
  stg_ast_add_source(ast, name, g_strdup(text), strlen(text));
  return ast;
}

static char *fmt_first(stg_diags *d) {
  stancetag_error *list = stg_diags_take(d);
  char *s = stancetag_error_format(list);
  stancetag_error_free(list);
  return s;
}

static void test_format(void) {
  stg_ast *ast = ast_with("main.rules", "words A = \"a\"\nrule r: OPOSE => tag X\n");
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_loc loc = {22, 27, 0};
  stg_diag(&d, ast, STANCETAG_SEVERITY_ERROR, loc, "undefined name `%s`", "OPOSE");
  g_assert_cmpuint(d.n_errors, ==, 1);
  stancetag_error *e = d.head;
  g_assert_cmpuint(e->line, ==, 2);
  g_assert_cmpuint(e->column, ==, 9);
  g_assert_cmpuint(e->length, ==, 5);
  g_assert_cmpstr(e->source_line, ==, "rule r: OPOSE => tag X");
  char *s = fmt_first(&d);
  g_assert_cmpstr(s, ==,
                  "main.rules:2:9: error: undefined name `OPOSE`\n"
                  "rule r: OPOSE => tag X\n"
                  "        ^~~~~\n");
  free(s);
  stg_ast_free(ast);
}

static void test_tabs_and_utf8(void) {
  stg_ast *ast = ast_with("t.rules", "\t\"é\" X\n");
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_loc loc = {6, 7, 0};
  stg_diag(&d, ast, STANCETAG_SEVERITY_WARNING, loc, "w");
  char *s = fmt_first(&d);
  /* The tab is kept; é (2 bytes) takes one column on screen. */
  g_assert_cmpstr(s, ==, "t.rules:1:7: warning: w\n\t\"é\" X\n\t    ^\n");
  free(s);
  stg_ast_free(ast);
}

static void test_span_clipped_to_line(void) {
  stg_ast *ast = ast_with("t.rules", "ab\ncd\n");
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_loc loc = {0, 5, 0};
  stg_diag(&d, ast, STANCETAG_SEVERITY_ERROR, loc, "m");
  char *s = fmt_first(&d);
  g_assert_cmpstr(s, ==, "t.rules:1:1: error: m\nab\n^~\n");
  free(s);
  stg_ast_free(ast);
}

static void test_cap(void) {
  stg_ast *ast = ast_with("t.rules", "x\n");
  stg_diags d;
  stg_diags_init(&d, 3);
  stg_loc loc = {0, 1, 0};
  for (int i = 0; i < 10; i++)
    stg_diag(&d, ast, STANCETAG_SEVERITY_ERROR, loc, "e%d", i);
  g_assert_true(stg_diags_full(&d));
  g_assert_cmpuint(d.n_errors, ==, 3);
  stancetag_error *list = stg_diags_take(&d);
  g_assert_cmpuint(stancetag_error_count(list, STANCETAG_SEVERITY_ERROR), ==, 3);
  g_assert_cmpuint(stancetag_error_count(list, STANCETAG_SEVERITY_NOTE), ==, 1);
  stancetag_error *last = list;
  while (last->next)
    last = last->next;
  char *s = stancetag_error_format(last);
  g_assert_cmpstr(s, ==, "note: too many errors, stopping after 3\n");
  free(s);
  stancetag_error_free(list);
  stg_ast_free(ast);
}

static void test_plain_and_null(void) {
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_diag_plain(&d, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, "x.rules", "cannot read");
  stancetag_error *list = stg_diags_take(&d);
  g_assert_cmpint(list->code, ==, STANCETAG_EIO);
  char *s = stancetag_error_format(list);
  g_assert_cmpstr(s, ==, "x.rules: error: cannot read\n");
  free(s);
  stancetag_error_free(list);
  g_assert_null(stancetag_error_format(NULL));
  stancetag_error_free(NULL);
  g_assert_cmpuint(stancetag_error_count(NULL, STANCETAG_SEVERITY_ERROR), ==, 0);
}

/* NUL bytes and invalid UTF-8 in the source line are shown as '?', one per byte. */
static void test_binary_line(void) {
  const char text[] = "a\0b\xff c";
  stg_ast *ast = stg_ast_new();
  char *copy = g_malloc(sizeof text);
  memcpy(copy, text, sizeof text);
  stg_ast_add_source(ast, "b.rules", copy, sizeof text - 1);
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_loc loc = {3, 4, 0};
  stg_diag(&d, ast, STANCETAG_SEVERITY_ERROR, loc, "bad");
  char *s = fmt_first(&d);
  g_assert_cmpstr(s, ==, "b.rules:1:4: error: bad\na?b? c\n   ^\n");
  free(s);
  stg_ast_free(ast);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/diag/format", test_format);
  g_test_add_func("/diag/tabs-utf8", test_tabs_and_utf8);
  g_test_add_func("/diag/span-clipped", test_span_clipped_to_line);
  g_test_add_func("/diag/cap", test_cap);
  g_test_add_func("/diag/plain", test_plain_and_null);
  g_test_add_func("/diag/binary-line", test_binary_line);
  return g_test_run();
}
