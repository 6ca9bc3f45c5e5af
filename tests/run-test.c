/* run-test: the data-driven test runner for the .test files of tests/grammar.
 *
 * Usage: run-test [--update] FILE.test
 *
 * A .test file holds blocks:
 *   %%TEST name
 *   %%FILE path        (optional, repeatable: written next to main.rules, for imports/TSV)
 *   %%RULES            (the main file, main.rules; compiled in a temporary directory)
 *   %%INPUT            (optional document; the section's trailing newline is not part of it)
 *   %%EXPECT           (records, one a line) and/or
 *   %%DIAG             (exact diagnostics, as stancetag_error_format renders them)
 *   %%END
 * Lines starting with `#` outside blocks are comments. Without EXPECT and DIAG a block expects
 * a clean compile. The inline `test` blocks of the rules are run too. On a mismatch a diff
 * (expected vs actual) is printed and the exit status is 1. --update rewrites the EXPECT and
 * DIAG sections in place with the actual output (review with git diff).
 *
 * Uses only the public API (include/stancetag.h). Built with -DSTG_RUN_TEST_FRONT it compiles
 * through the front end only (diagnostics, no program), for builds without the engine.
 */
#include "stancetag.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef STG_RUN_TEST_FRONT
#include "frontend.h"
#endif

typedef struct section {
  char *name;        /* RULES, INPUT, EXPECT, DIAG, FILE */
  char *arg;         /* FILE path */
  guint first, last; /* content lines [first, last) in the file */
} section;

typedef struct block {
  char *name;
  guint line; /* the %%TEST line, 1-based */
  GArray *sections;
  guint end_line; /* index of the %%END line */
} block;

static char **lines;
static guint n_lines;

static char *join(guint first, guint last, gboolean trailing_newline) {
  GString *s = g_string_new(NULL);
  for (guint i = first; i < last; i++) {
    g_string_append(s, lines[i]);
    if (i + 1 < last || trailing_newline)
      g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

static section *find(block *b, const char *name) {
  for (guint i = 0; i < b->sections->len; i++) {
    section *s = &g_array_index(b->sections, section, i);
    if (strcmp(s->name, name) == 0)
      return s;
  }
  return NULL;
}

static void section_clear(gpointer p) {
  section *s = p;
  g_free(s->name);
  g_free(s->arg);
}

static void block_free(gpointer p) {
  block *b = p;
  g_free(b->name);
  g_array_unref(b->sections);
  g_free(b);
}

static GPtrArray *parse_blocks(const char *path) {
  GPtrArray *blocks = g_ptr_array_new_with_free_func(block_free);
  block *cur = NULL;
  for (guint i = 0; i < n_lines; i++) {
    const char *l = lines[i];
    if (!cur) {
      if (g_str_has_prefix(l, "%%TEST")) {
        cur = g_new0(block, 1);
        cur->name = g_strstrip(g_strdup(l + 6));
        cur->line = i + 1;
        cur->sections = g_array_new(FALSE, TRUE, sizeof(section));
        g_array_set_clear_func(cur->sections, section_clear);
      } else if (*l && *l != '#' && strspn(l, " \t") != strlen(l)) {
        fprintf(stderr, "%s:%u: text outside a %%%%TEST block\n", path, i + 1);
        exit(99);
      }
      continue;
    }
    if (g_str_has_prefix(l, "%%")) {
      if (cur->sections->len > 0)
        g_array_index(cur->sections, section, cur->sections->len - 1).last = i;
      if (strcmp(l, "%%END") == 0) {
        cur->end_line = i;
        g_ptr_array_add(blocks, cur);
        cur = NULL;
        continue;
      }
      section s = {0};
      char **parts = g_strsplit(l + 2, " ", 2);
      s.name = g_strdup(parts[0]);
      s.arg = parts[1] ? g_strstrip(g_strdup(parts[1])) : NULL;
      g_strfreev(parts);
      s.first = s.last = i + 1;
      static const char *const known[] = {"FILE", "RULES", "INPUT", "EXPECT", "DIAG"};
      gboolean ok = FALSE;
      for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
        ok = ok || strcmp(s.name, known[k]) == 0;
      if (!ok || (strcmp(s.name, "FILE") == 0 && !s.arg)) {
        fprintf(stderr, "%s:%u: unknown section `%s`\n", path, i + 1, l);
        exit(99);
      }
      g_array_append_val(cur->sections, s);
    }
  }
  if (cur) {
    fprintf(stderr, "%s:%u: %%%%TEST block without %%%%END\n", path, cur->line);
    exit(99);
  }
  return blocks;
}

/* ---- output rendering ---- */

static void append_quoted(GString *out, const char *s, size_t n) {
  g_string_append_c(out, '"');
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '"' || c == '\\')
      g_string_append_printf(out, "\\%c", c);
    else if (c == '\n')
      g_string_append(out, "\\n");
    else if (c == '\t')
      g_string_append(out, "\\t");
    else if ((unsigned char)c < 0x20)
      g_string_append_printf(out, "\\x%02x", (unsigned char)c);
    else
      g_string_append_c(out, c);
  }
  g_string_append_c(out, '"');
}

/* A value is written bare unless it needs quotes (empty, blanks, quotes, `=`). */
static void append_value(GString *out, const char *v) {
  if (!v) {
    g_string_append(out, "-");
    return;
  }
  if (*v && !strpbrk(v, " \t\n\"\\="))
    g_string_append(out, v);
  else
    append_quoted(out, v, strlen(v));
}

typedef struct scan_ctx {
  const char *text;
  GString *out;
} scan_ctx;

static int on_record(const stancetag_record *r, void *p) {
  scan_ctx *ctx = p;
  GString *o = ctx->out;
  if (r->kind == STANCETAG_RECORD_ENTITY) {
    const stancetag_annotation *a = &r->annotation;
    g_string_append_printf(o, "entity %s %zu..%zu ", a->label ? a->label : "-", a->start, a->end);
    append_quoted(o, ctx->text + a->start, a->end - a->start);
    g_string_append(o, " id=");
    append_value(o, a->id);
    for (size_t i = 0; i < a->n_attrs; i++) {
      g_string_append_printf(o, " %s=", a->attrs[i].name);
      append_value(o, a->attrs[i].value);
    }
  } else {
    g_string_append_printf(o, "stance %s holder=", r->stance ? r->stance : "-");
    append_value(o, r->holder.id);
    g_string_append(o, " target=");
    append_value(o, r->target.id);
    g_string_append(o, " cue=");
    append_quoted(o, ctx->text + r->cue_start, r->cue_end - r->cue_start);
    g_string_append(o, " rule=");
    append_value(o, r->rule);
    if (r->flags & STANCETAG_STANCE_NEGATED)
      g_string_append(o, " negated");
    if (r->flags & STANCETAG_STANCE_HEDGED)
      g_string_append(o, " hedged");
    for (size_t i = 0; i < r->n_attrs; i++) {
      g_string_append_printf(o, " %s=", r->attrs[i].name);
      append_value(o, r->attrs[i].value);
    }
  }
  g_string_append_c(o, '\n');
  return 0;
}

/* ---- diff ---- */

static void print_diff(const char *what, const char *expected, const char *actual) {
  char **a = g_strsplit(expected, "\n", -1), **b = g_strsplit(actual, "\n", -1);
  guint n = g_strv_length(a), m = g_strv_length(b);
  /* Drop the empty piece after a final newline. */
  if (n && !*a[n - 1])
    n--;
  if (m && !*b[m - 1])
    m--;
  printf("--- expected %s\n+++ actual %s\n", what, what);
  if ((guint64)n * m > 4000000) {
    for (guint i = 0; i < n; i++)
      printf("-%s\n", a[i]);
    for (guint j = 0; j < m; j++)
      printf("+%s\n", b[j]);
  } else {
    /* Longest common subsequence, then walk it. */
    guint *lcs = g_new0(guint, (n + 1) * (m + 1));
#define L(i, j) lcs[(i) * (m + 1) + (j)]
    for (guint i = n; i-- > 0;)
      for (guint j = m; j-- > 0;)
        L(i, j) = strcmp(a[i], b[j]) == 0 ? L(i + 1, j + 1) + 1 : MAX(L(i + 1, j), L(i, j + 1));
    guint i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && strcmp(a[i], b[j]) == 0) {
        printf(" %s\n", a[i]);
        i++, j++;
      } else if (j < m && (i == n || L(i, j + 1) >= L(i + 1, j))) {
        printf("+%s\n", b[j++]);
      } else {
        printf("-%s\n", a[i++]);
      }
    }
#undef L
    g_free(lcs);
  }
  g_strfreev(a);
  g_strfreev(b);
}

/* ---- running one block ---- */

typedef struct result {
  char *diag;    /* rendered diagnostics */
  char *records; /* rendered records, NULL when not scanned */
  gboolean failed;
} result;

static gboolean write_file(const char *dir, const char *rel, const char *content) {
  char *path = g_build_filename(dir, rel, NULL);
  char *parent = g_path_get_dirname(path);
  gboolean ok =
      g_mkdir_with_parents(parent, 0700) == 0 && g_file_set_contents(path, content, -1, NULL);
  g_free(parent);
  g_free(path);
  return ok;
}

static void remove_tree(const char *path) {
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir) {
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      char *child = g_build_filename(path, name, NULL);
      remove_tree(child);
      g_free(child);
    }
    g_dir_close(dir);
  }
  g_remove(path);
}

static char *render_diags(const stancetag_error *list) {
  GString *s = g_string_new(NULL);
  for (const stancetag_error *e = list; e; e = e->next) {
    char *t = stancetag_error_format(e);
    if (t) {
      g_string_append(s, t);
      if (s->len && s->str[s->len - 1] != '\n')
        g_string_append_c(s, '\n');
    }
    free(t);
  }
  return g_string_free(s, FALSE);
}

#ifdef STG_RUN_TEST_FRONT
static int compile_rules(stancetag_program **program, stancetag_error **diags) {
  char *text = NULL;
  size_t len = 0;
  *program = NULL;
  if (!g_file_get_contents("main.rules", &text, &len, NULL))
    return STANCETAG_EIO;
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_ast *ast = NULL;
  stg_front_compile(text, len, "main.rules", NULL, &ast, &d);
  int rc = d.n_errors ? STANCETAG_ECOMPILE : STANCETAG_OK;
  *diags = stg_diags_take(&d);
  stg_ast_free(ast);
  g_free(text);
  return rc;
}
#else
static int compile_rules(stancetag_program **program, stancetag_error **diags) {
  stancetag_compile_options opts = {sizeof opts, 0, NULL, NULL, 0};
  return stancetag_compile_file("main.rules", &opts, program, diags);
}
#endif

static void run_block(const char *path, block *b, result *res) {
  memset(res, 0, sizeof *res);
  char *dir = g_dir_make_tmp("stg-test-XXXXXX", NULL);
  char *cwd = g_get_current_dir();
  section *rules = find(b, "RULES");
  if (!dir || !rules) {
    printf("%s:%u: %s: %s\n", path, b->line, b->name,
           dir ? "no %%RULES section" : "cannot make a temporary directory");
    res->failed = TRUE;
    res->diag = g_strdup("");
    g_free(dir);
    g_free(cwd);
    return;
  }
  for (guint i = 0; i < b->sections->len; i++) {
    section *s = &g_array_index(b->sections, section, i);
    if (strcmp(s->name, "FILE") == 0 || strcmp(s->name, "RULES") == 0) {
      char *content = join(s->first, s->last, TRUE);
      if (!write_file(dir, s->arg ? s->arg : "main.rules", content)) {
        printf("%s:%u: cannot write %s\n", path, s->first, s->arg ? s->arg : "main.rules");
        res->failed = TRUE;
      }
      g_free(content);
    }
  }
  if (chdir(dir) != 0) {
    res->failed = TRUE;
    res->diag = g_strdup("");
    remove_tree(dir);
    g_free(dir);
    g_free(cwd);
    return;
  }
  stancetag_program *program = NULL;
  stancetag_error *diags = NULL;
  int rc = compile_rules(&program, &diags);
  res->diag = render_diags(diags);
  stancetag_error_free(diags);
  if (rc != STANCETAG_OK && rc != STANCETAG_ECOMPILE && !*res->diag) {
    g_free(res->diag);
    res->diag = g_strdup_printf("(compile failed: %s)\n", stancetag_strerror(rc));
  }

  section *expect = find(b, "EXPECT");
  if (program) {
    stancetag_scratch *scratch = NULL;
    if (stancetag_scratch_alloc(program, &scratch) != STANCETAG_OK) {
      printf("%s:%u: %s: cannot allocate a scratch\n", path, b->line, b->name);
      res->failed = TRUE;
    }
    section *input = find(b, "INPUT");
    if (scratch && (expect || input)) {
      char *text = input ? join(input->first, input->last, FALSE) : g_strdup("");
      scan_ctx ctx = {text, g_string_new(NULL)};
      int src =
          stancetag_scan(program, scratch, text, strlen(text),
                         STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, on_record, &ctx, NULL);
      if (src != STANCETAG_OK)
        g_string_append_printf(ctx.out, "(scan failed: %s)\n", stancetag_strerror(src));
      res->records = g_string_free(ctx.out, FALSE);
      g_free(text);
    }
    size_t n_tests = stancetag_program_test_count(program);
    for (size_t i = 0; scratch && i < n_tests; i++) {
      char *report = NULL;
      const char *file = NULL;
      unsigned line = 0;
      int ok = stancetag_program_run_test(program, i, scratch, &report, &file, &line);
      if (ok != 1) {
        printf("%s:%u: %s: inline test at %s:%u failed\n%s\n", path, b->line, b->name,
               file ? file : "?", line, report ? report : "");
        res->failed = TRUE;
      }
      free(report);
    }
    stancetag_scratch_free(scratch);
    stancetag_program_free(program);
  } else if (expect) {
    res->records = g_strdup("(no program: the rules did not compile)\n");
  }
  if (chdir(cwd) != 0)
    res->failed = TRUE;
  remove_tree(dir);
  g_free(dir);
  g_free(cwd);
}

static gboolean check_block(const char *path, block *b, result *res) {
  gboolean ok = !res->failed;
  section *diag = find(b, "DIAG"), *expect = find(b, "EXPECT");
  char *want_diag = diag ? join(diag->first, diag->last, TRUE) : g_strdup("");
  if (strcmp(want_diag, res->diag) != 0) {
    printf("%s:%u: %s: diagnostics differ\n", path, b->line, b->name);
    print_diff("diagnostics", want_diag, res->diag);
    ok = FALSE;
  }
  g_free(want_diag);
  if (expect) {
    char *want = join(expect->first, expect->last, TRUE);
#ifdef STG_RUN_TEST_FRONT
    printf("%s:%u: %s: records not checked (built without the engine)\n", path, b->line, b->name);
    ok = FALSE;
#else
    const char *got = res->records ? res->records : "";
    if (strcmp(want, got) != 0) {
      printf("%s:%u: %s: records differ\n", path, b->line, b->name);
      print_diff("records", want, got);
      ok = FALSE;
    }
#endif
    g_free(want);
  }
  return ok;
}

/* Rewrites EXPECT and DIAG sections with the actual output; adds a DIAG section when there
 * are diagnostics and none was expected. */
static gboolean update(const char *path, GPtrArray *blocks, result *results) {
  GString *out = g_string_new(NULL);
  guint next = 0; /* next line to copy */
  for (guint bi = 0; bi < blocks->len; bi++) {
    block *b = g_ptr_array_index(blocks, bi);
    result *res = &results[bi];
    section *diag = find(b, "DIAG");
    for (guint si = 0; si < b->sections->len; si++) {
      section *s = &g_array_index(b->sections, section, si);
      const char *repl = NULL;
      if (strcmp(s->name, "DIAG") == 0)
        repl = res->diag;
      else if (strcmp(s->name, "EXPECT") == 0 && res->records)
        repl = res->records;
      if (!repl)
        continue;
      for (; next < s->first; next++)
        g_string_append_printf(out, "%s\n", lines[next]);
      g_string_append(out, repl);
      next = s->last;
    }
    if (!diag && *res->diag) {
      for (; next < b->end_line; next++)
        g_string_append_printf(out, "%s\n", lines[next]);
      g_string_append(out, "%%DIAG\n");
      g_string_append(out, res->diag);
    }
  }
  for (; next < n_lines; next++)
    g_string_append_printf(out, "%s%s", lines[next], next + 1 < n_lines ? "\n" : "");
  GError *err = NULL;
  gboolean ok = g_file_set_contents(path, out->str, (gssize)out->len, &err);
  if (!ok) {
    fprintf(stderr, "run-test: %s\n", err->message);
    g_error_free(err);
  }
  g_string_free(out, TRUE);
  return ok;
}

int main(int argc, char **argv) {
  gboolean do_update = FALSE;
  int argi = 1;
  if (argi < argc && strcmp(argv[argi], "--update") == 0) {
    do_update = TRUE;
    argi++;
  }
  if (argi + 1 != argc) {
    fprintf(stderr, "usage: run-test [--update] FILE.test\n");
    return 99;
  }
  const char *path = argv[argi];
  char *text = NULL;
  GError *err = NULL;
  if (!g_file_get_contents(path, &text, NULL, &err)) {
    fprintf(stderr, "run-test: %s\n", err->message);
    g_error_free(err);
    return 99;
  }
  lines = g_strsplit(text, "\n", -1);
  n_lines = g_strv_length(lines);
  /* The piece after the final newline is not a line. */
  gboolean final_nl = n_lines > 0 && !*lines[n_lines - 1];
  if (final_nl)
    n_lines--;
  char *abs = g_canonicalize_filename(path, NULL);
  GPtrArray *blocks = parse_blocks(path);
  result *results = g_new0(result, blocks->len ? blocks->len : 1);
  int failed = 0;
  guint n_blocks = blocks->len;
  for (guint i = 0; i < blocks->len; i++) {
    block *b = g_ptr_array_index(blocks, i);
    run_block(path, b, &results[i]);
    gboolean ok = check_block(path, b, &results[i]);
    printf("%s %s\n", ok ? "ok  " : "FAIL", b->name);
    failed += !ok;
  }
  if (blocks->len == 0) {
    printf("%s: no %%%%TEST blocks\n", path);
    failed = 1;
  }
  if (do_update && failed) {
    if (final_nl)
      n_lines++; /* keep the final newline: update() joins lines with '\n' */
    if (final_nl)
      lines[n_lines - 1][0] = '\0';
    failed = update(abs, blocks, results) ? 0 : 1;
    printf("updated %s\n", path);
  }
  for (guint i = 0; i < blocks->len; i++) {
    g_free(results[i].diag);
    g_free(results[i].records);
  }
  g_free(results);
  g_ptr_array_unref(blocks);
  g_strfreev(lines);
  g_free(text);
  g_free(abs);
  if (failed)
    printf("%d of %u blocks failed\n", failed, n_blocks);
  return failed ? 1 : 0;
}
