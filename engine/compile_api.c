/* compile_api.c: stancetag_compile / stancetag_compile_file: front end, then engine compiler. */
#include "compile.h"
#include "frontend.h"
#include "program.h"

#define MAX_RULES_FILE (64u * 1024 * 1024)

static int compile_buffer(const char *source, size_t len, const char *name,
                          const stancetag_compile_options *opts, stancetag_program **program,
                          stg_diags *d) {
  stg_ast *ast = NULL;
  stg_front_compile(source, len, name, opts, &ast, d);
  int rc = STANCETAG_ECOMPILE;
  if (d->n_errors == 0)
    rc = stg_compile(ast, d, program);
  if (rc == STANCETAG_OK && opts && (opts->flags & STANCETAG_COMPILE_NO_TESTS)) {
    (*program)->n_tests = 0;
    (*program)->n_expects = 0;
  }
  if (rc == STANCETAG_OK && opts && (opts->flags & STANCETAG_COMPILE_WERROR) && d->n_warnings) {
    stg_prog_free(*program);
    *program = NULL;
    rc = STANCETAG_ECOMPILE;
  }
  stg_ast_free(ast);
  return rc;
}

static void hand_over(stg_diags *d, stancetag_error **diagnostics) {
  if (diagnostics)
    *diagnostics = stg_diags_take(d);
  else
    stg_diags_clear(d);
}

int stancetag_compile(const char *source, size_t len, const char *name,
                      const stancetag_compile_options *opts, stancetag_program **program,
                      stancetag_error **diagnostics) {
  if (diagnostics)
    *diagnostics = NULL;
  if (!program || (!source && len))
    return STANCETAG_EINVAL;
  *program = NULL;
  stg_diags d;
  stg_diags_init(&d, opts && opts->max_errors ? opts->max_errors : 50);
  if (len > MAX_RULES_FILE) {
    stg_diag_plain(&d, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, name ? name : "<string>",
                   "rules larger than %u bytes", MAX_RULES_FILE);
    hand_over(&d, diagnostics);
    return STANCETAG_ELIMIT;
  }
  int rc = compile_buffer(source ? source : "", len, name ? name : "<string>", opts, program, &d);
  hand_over(&d, diagnostics);
  return rc;
}

int stancetag_compile_file(const char *path, const stancetag_compile_options *opts,
                           stancetag_program **program, stancetag_error **diagnostics) {
  if (diagnostics)
    *diagnostics = NULL;
  if (!path || !program)
    return STANCETAG_EINVAL;
  *program = NULL;
  stg_diags d;
  stg_diags_init(&d, opts && opts->max_errors ? opts->max_errors : 50);
  /* The front end's bounded, non-blocking read (a FIFO or /dev/zero cannot hang or exhaust
   * memory), with the same messages as for imports. */
  char *buf = NULL, *why = NULL;
  size_t n = 0;
  int rc = stg_front_read_file(path, &buf, &n, &why);
  if (rc != STANCETAG_OK)
    stg_diag_plain(&d, rc, STANCETAG_SEVERITY_ERROR, path, "cannot read `%s`: %s", path, why);
  else
    rc = compile_buffer(buf, n, path, opts, program, &d);
  g_free(why);
  g_free(buf);
  hand_over(&d, diagnostics);
  return rc;
}
