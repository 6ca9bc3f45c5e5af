/* test-front.c: the front end's tree (grammar/frontend.c, parser.y, resolve.c) through
 * stg_front_compile, including imports through a resolver. */
#include "frontend.h"
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

static stg_ast *compile(const char *src, const stancetag_compile_options *opts, stg_diags *d) {
  stg_ast *ast = NULL;
  stg_diags_init(d, 0);
  stg_front_compile(src, strlen(src), "main.rules", opts, &ast, d);
  return ast;
}

static stg_def *def_named(stg_ast *ast, stg_def_kind kind, const char *name) {
  for (guint i = 0; i < ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(ast->defs, i);
    if (def->kind == kind && def->name && strcmp(def->name, name) == 0)
      return def;
  }
  return NULL;
}

static void test_tree(void) {
  stg_diags d;
  stg_ast *ast =
      compile("entity P { \"Kirby\" | \"John Kirby\" -> id \"John Kirby\", country USA }\n"
              "words OPP = verb(oppose) | \"against\"c -> polarity oppose\n"
              "span T = \"peace\" (\"plan\" | \"deal\")? -> id plan\n"
              "rule r [priority 2, all]: h:P _{0,3} c:OPP t:T\n"
              "  => stance(h, polarity(c), t, hedged = true), tag HOLDER(h)\n"
              "rule s: HOLDER => tag X\n"
              "rule u: X \"said\" => tag Y\n",
              NULL, &d);
  g_assert_cmpuint(d.n_errors, ==, 0);
  g_assert_cmpuint(d.n_warnings, ==, 0);
  stg_def *p = def_named(ast, STG_DEF_ENTITY, "P");
  stg_entry *e = g_ptr_array_index(p->entries, 0);
  g_assert_cmpuint(e->n_phrases, ==, 2);
  g_assert_cmpuint(e->n_attrs, ==, 2);
  g_assert_cmpstr(e->attrs[0].name, ==, "id");
  g_assert_cmpstr(e->attrs[0].value.text, ==, "John Kirby");
  g_assert_cmpint(e->attrs[1].value.kind, ==, STG_VAL_NAME);

  stg_def *w = def_named(ast, STG_DEF_WORDS, "OPP");
  g_assert_cmpuint(w->expanded->len, ==, 5);
  g_assert_cmpstr(g_ptr_array_index(w->expanded, 2), ==, "opposed");
  g_assert_true(g_array_index(w->expanded_cs, gboolean, 4));

  stg_def *r = def_named(ast, STG_DEF_RULE, "r");
  g_assert_cmpint(r->priority, ==, 2);
  g_assert_true(r->all);
  g_assert_cmpint(r->pat->kind, ==, STG_PAT_SEQ);
  g_assert_cmpuint(r->pat->kids->len, ==, 4);
  stg_pat *gap = g_ptr_array_index(r->pat->kids, 1);
  g_assert_cmpint(gap->kind, ==, STG_PAT_REPEAT);
  g_assert_cmpuint(gap->min, ==, 0);
  g_assert_cmpuint(gap->max, ==, 3);
  stg_action *a = g_ptr_array_index(r->actions, 0);
  g_assert_cmpint(a->polarity, ==, STG_POL_OF_CAPTURE);
  g_assert_cmpstr(a->polarity_capture, ==, "c");
  g_assert_cmpuint(a->attrs->len, ==, 1);

  /* Phases: entities 0; span T and rule r 1 (rule r uses T, phase 1, so r is 2). */
  stg_symbol *t = g_hash_table_lookup(ast->symbols, "T");
  g_assert_cmpuint(t->phase, ==, 1);
  g_assert_cmpuint(r->phase, ==, 2);
  g_assert_cmpuint(def_named(ast, STG_DEF_RULE, "s")->phase, ==, 3);
  g_assert_cmpuint(def_named(ast, STG_DEF_RULE, "u")->phase, ==, 4);
  g_assert_cmpuint(ast->n_phases, ==, 4);
  stg_symbol *holder = g_hash_table_lookup(ast->symbols, "HOLDER");
  g_assert_cmpint(holder->kind, ==, STG_SYM_TAG);
  g_assert_cmpuint(holder->phase, ==, 2);
  stg_diags_clear(&d);
  stg_ast_free(ast);
}

static int resolver(const char *from, const char *path, char **data, size_t *len, char **resolved,
                    void *ctx) {
  GHashTable *files = ctx;
  const char *text = g_hash_table_lookup(files, path);
  if (!text)
    return 1;
  *len = strlen(text);
  *data = malloc(*len + 1);
  memcpy(*data, text, *len + 1);
  *resolved = malloc(strlen(path) + 6);
  strcpy(*resolved, "mem:/");
  strcat(*resolved, path);
  return 0;
}

static void test_resolver(void) {
  GHashTable *files = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(files, "a.rules", "import \"b.rules\"\nentity A { \"a\" }\n");
  g_hash_table_insert(files, "b.rules", "import \"a.rules\"\n");
  stancetag_compile_options opts = {sizeof opts, 0, resolver, files, 0};
  stg_diags d;
  stg_ast *ast =
      compile("import \"a.rules\"\nimport \"a.rules\"\nimport \"zzz.rules\"\n", &opts, &d);
  stancetag_error *list = stg_diags_take(&d);
  GString *all = g_string_new(NULL);
  for (stancetag_error *e = list; e; e = e->next) {
    char *s = stancetag_error_format(e);
    g_string_append(all, s);
    free(s);
  }
  g_assert_cmpstr(all->str, ==,
                  "mem:/b.rules:1:8: error: import cycle: mem:/a.rules -> mem:/b.rules -> "
                  "mem:/a.rules\n"
                  "import \"a.rules\"\n"
                  "       ^~~~~~~~~\n"
                  "main.rules:3:8: error: cannot read `zzz.rules`: not found\n"
                  "import \"zzz.rules\"\n"
                  "       ^~~~~~~~~~~\n");
  g_assert_nonnull(g_hash_table_lookup(ast->symbols, "A"));
  g_assert_cmpuint(ast->sources->len, ==, 3);
  g_string_free(all, TRUE);
  stancetag_error_free(list);
  stg_ast_free(ast);
  g_hash_table_unref(files);
}

static void test_suggest(void) {
  g_assert_cmpuint(stg_resolve_distance("OPOSE", "OPPOSE"), ==, 1);
  g_assert_cmpuint(stg_resolve_distance("hodler", "holder"), ==, 1);
  g_assert_cmpuint(stg_resolve_distance("person", "PERSON"), ==, 0);
}

static char *render(stg_diags *d) {
  stancetag_error *list = stg_diags_take(d);
  GString *all = g_string_new(NULL);
  for (stancetag_error *e = list; e; e = e->next) {
    char *s = stancetag_error_format(e);
    g_string_append(all, s);
    free(s);
  }
  stancetag_error_free(list);
  return g_string_free(all, FALSE);
}

/* Entries live in the AST's arena and are built from one phrase list reused by every entry:
 * a statement dropped by an error leaves nothing in the next one; TSV lines likewise. */
static void check_entry(const stg_entry *e, const char *phrases, const char *attrs) {
  GString *got = g_string_new(NULL);
  for (guint i = 0; i < e->n_phrases; i++)
    g_string_append_printf(got, "%s%s%s", i ? "|" : "", e->phrases[i].text,
                           e->phrases[i].case_sensitive ? "/c" : "");
  g_assert_cmpstr(got->str, ==, phrases);
  g_string_truncate(got, 0);
  for (guint i = 0; i < e->n_attrs; i++)
    g_string_append_printf(got, "%s%s=%s", i ? "," : "", e->attrs[i].name ? e->attrs[i].name : "",
                           e->attrs[i].value.text);
  g_assert_cmpstr(got->str, ==, attrs);
  g_string_free(got, TRUE);
}

static void test_entries(void) {
  GHashTable *files = g_hash_table_new(g_str_hash, g_str_equal);
  g_hash_table_insert(files, "t.tsv",
                      "x | y\tX\tk1\nbad line\nz||w\tZ\tk2\nv\tV\t\n\"q\"\tQ\tk3\textra\n");
  stancetag_compile_options opts = {sizeof opts, 0, resolver, files, 0};
  stg_diags d;
  stg_ast *ast = compile("entity P {\n"
                         "  \"a\" | \"b\"c -> id A\n"
                         "  \"c\" | -> id B\n"
                         "}\n"
                         "entity Q {\n"
                         "  \"a\" | \"b\"c -> id A\n"
                         "  \"d\" | \"e\" | \"f\" -> C, k v, m \"w x\"\n"
                         "  \"g\"\n"
                         "}\n"
                         "entity T from \"t.tsv\" (phrase, id, k)\n",
                         &opts, &d);
  /* The syntax error drops the statement (entity P); the bad TSV lines are skipped. */
  g_assert_cmpuint(d.n_errors, ==, 4);
  g_assert_null(def_named(ast, STG_DEF_ENTITY, "P"));
  stg_def *q = def_named(ast, STG_DEF_ENTITY, "Q");
  g_assert_cmpuint(q->entries->len, ==, 3);
  check_entry(g_ptr_array_index(q->entries, 0), "a|b/c", "id=A");
  check_entry(g_ptr_array_index(q->entries, 1), "d|e|f", "=C,k=v,m=w x");
  check_entry(g_ptr_array_index(q->entries, 2), "g", "");
  stg_def *t = def_named(ast, STG_DEF_ENTITY, "T");
  g_assert_cmpuint(t->entries->len, ==, 2);
  check_entry(g_ptr_array_index(t->entries, 0), "x|y", "id=X,k=k1");
  check_entry(g_ptr_array_index(t->entries, 1), "v", "id=V");
  stg_diags_clear(&d);
  stg_ast_free(ast);
  g_hash_table_unref(files);
}

/* NUL bytes cannot be written in .test files: check their diagnostics here. */
static void test_nul_bytes(void) {
  static const char src[] = "words W = \"a\0b\" # c\0d\nrule r: /x\0/ W \0 => tag X\n";
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_ast *ast = NULL;
  stg_front_compile(src, sizeof src - 1, "nul.rules", NULL, &ast, &d);
  char *out = render(&d);
  g_assert_cmpstr(out, ==,
                  "nul.rules:1:13: error: NUL byte in string\n"
                  "words W = \"a?b\" # c?d\n"
                  "            ^\n"
                  "nul.rules:1:20: error: NUL byte in comment\n"
                  "words W = \"a?b\" # c?d\n"
                  "                   ^\n"
                  "nul.rules:2:11: error: NUL byte in regex\n"
                  "rule r: /x?/ W ? => tag X\n"
                  "          ^\n"
                  "nul.rules:2:16: error: NUL byte\n"
                  "rule r: /x?/ W ? => tag X\n"
                  "               ^\n");
  g_free(out);
  stg_ast_free(ast);
}

/* The size check comes before any copy, so a short buffer with a huge length is safe. */
static void test_root_too_large(void) {
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_ast *ast = NULL;
  stg_front_compile("x", (size_t)65 << 20, "big.rules", NULL, &ast, &d);
  char *out = render(&d);
  g_assert_cmpstr(out, ==, "big.rules: error: the rules are larger than 64 MiB\n");
  g_free(out);
  stg_ast_free(ast);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/front/tree", test_tree);
  g_test_add_func("/front/resolver", test_resolver);
  g_test_add_func("/front/suggest", test_suggest);
  g_test_add_func("/front/entries", test_entries);
  g_test_add_func("/front/nul-bytes", test_nul_bytes);
  g_test_add_func("/front/root-too-large", test_root_too_large);
  return g_test_run();
}
