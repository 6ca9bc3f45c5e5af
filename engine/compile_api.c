/* compile_api.c: stancetag_compile / stancetag_compile_file: front end, then engine compiler. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
  int rc = STANCETAG_EIO;
  struct stat st;
  FILE *f = NULL;
  char *buf = NULL;
  if (stat(path, &st) != 0) {
    stg_diag_plain(&d, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, path, "cannot read: %s",
                   strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    stg_diag_plain(&d, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, path,
                   S_ISDIR(st.st_mode) ? "is a directory, not a rules file"
                                       : "is not a regular file");
  } else if ((unsigned long long)st.st_size > MAX_RULES_FILE) {
    rc = STANCETAG_ELIMIT;
    stg_diag_plain(&d, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, path,
                   "rules file larger than %u bytes", MAX_RULES_FILE);
  } else if (!(f = fopen(path, "rb"))) {
    stg_diag_plain(&d, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, path, "cannot read: %s",
                   strerror(errno));
  } else {
    size_t cap = (size_t)st.st_size + 1, n = 0;
    buf = g_malloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0 && n + got <= MAX_RULES_FILE) {
      n += got;
      if (n == cap) {
        cap *= 2;
        buf = g_realloc(buf, cap + 1);
      }
    }
    if (ferror(f) || n > MAX_RULES_FILE) {
      stg_diag_plain(&d, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, path, "cannot read: %s",
                     ferror(f) ? strerror(errno) : "file too large");
    } else {
      rc = compile_buffer(buf, n, path, opts, program, &d);
    }
  }
  if (f)
    fclose(f);
  g_free(buf);
  hand_over(&d, diagnostics);
  return rc;
}
