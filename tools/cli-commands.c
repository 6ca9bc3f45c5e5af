/* cli-commands.c: the `check`, `test` and `compile` subcommands. */
#include "cli-args.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { OPT_WERROR = 1, OPT_OUTPUT, OPT_NO_TESTS };

/* The one RULES operand of a subcommand; prints a usage error and returns NULL otherwise. */
static const char *one_operand(const char *cmd, const char *first, const char *extra) {
  if (!first) {
    cli_usage_error("%s: a rules file is needed", cmd);
    return NULL;
  }
  if (extra) {
    cli_usage_error("%s: unexpected argument '%s' (one rules file only)", cmd, extra);
    return NULL;
  }
  return first;
}

int cli_cmd_check(int argc, char **argv) {
  static const cli_opt opts[] = {{"Werror", 0, FALSE, OPT_WERROR}, {0}};
  cli_args a;
  cli_args_init(&a, argc, argv, 1);
  gboolean werror = FALSE;
  const char *file = NULL, *extra = NULL, *v;
  int id;
  while ((id = cli_args_next(&a, opts, &v)) != CLI_ARGS_END) {
    if (id == CLI_ARGS_ERROR)
      return CLI_EXIT_USAGE;
    if (id == OPT_WERROR)
      werror = TRUE;
    else if (!file)
      file = v;
    else if (!extra)
      extra = v;
  }
  if (!(file = one_operand("check", file, extra)))
    return CLI_EXIT_USAGE;
  stancetag_program *program = NULL;
  stancetag_error *diags = NULL;
  int rc = stancetag_compile_file(file, NULL, &program, &diags);
  cli_print_diagnostics(diags);
  size_t errors = stancetag_error_count(diags, STANCETAG_SEVERITY_ERROR);
  size_t warnings = stancetag_error_count(diags, STANCETAG_SEVERITY_WARNING);
  if (rc != STANCETAG_OK && errors == 0) {
    if (!diags)
      fprintf(stderr, "%s: error: %s\n", file, stancetag_strerror(rc));
    errors = 1;
  }
  stancetag_error_free(diags);
  stancetag_program_free(program);
  if (errors || warnings)
    fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", file, errors, errors == 1 ? "" : "s",
            warnings, warnings == 1 ? "" : "s");
  if (errors)
    return CLI_EXIT_RULES;
  return warnings && werror ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cli_cmd_test(int argc, char **argv) {
  static const cli_opt opts[] = {{0}};
  cli_args a;
  cli_args_init(&a, argc, argv, 1);
  const char *file = NULL, *extra = NULL, *v;
  int id;
  while ((id = cli_args_next(&a, opts, &v)) != CLI_ARGS_END) {
    if (id == CLI_ARGS_ERROR)
      return CLI_EXIT_USAGE;
    if (!file)
      file = v;
    else if (!extra)
      extra = v;
  }
  if (!(file = one_operand("test", file, extra)))
    return CLI_EXIT_USAGE;
  stancetag_program *program = NULL;
  int status = cli_load_program(file, 0, &program);
  if (status != CLI_EXIT_OK)
    return status;
  stancetag_scratch *scratch = NULL;
  int rc = stancetag_scratch_alloc(program, &scratch);
  if (rc != STANCETAG_OK) {
    fprintf(stderr, "%s: error: %s\n", file, stancetag_strerror(rc));
    stancetag_program_free(program);
    return CLI_EXIT_FAIL;
  }
  size_t n = stancetag_program_test_count(program), passed = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    char *report = NULL;
    const char *tfile = NULL;
    unsigned line = 0;
    int r = stancetag_program_run_test(program, i, scratch, &report, &tfile, &line);
    if (r == 1) {
      passed++;
    } else {
      failed++;
      printf("%s:%u: test failed", tfile ? tfile : file, line);
      if (r < 0)
        printf(": %s", stancetag_strerror(r));
      putchar('\n');
      if (report) {
        size_t len = strlen(report);
        fputs(report, stdout);
        if (len && report[len - 1] != '\n')
          putchar('\n');
      }
    }
    free(report);
  }
  printf("%zu passed, %zu failed\n", passed, failed);
  stancetag_scratch_free(scratch);
  stancetag_program_free(program);
  if (fflush(stdout) != 0)
    return CLI_EXIT_FAIL;
  return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static gboolean write_all(int fd, const char *p, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    p += n;
    len -= (size_t)n;
  }
  return TRUE;
}

/* Writes bytes to `path` atomically: a temporary file in the same directory, then rename, so
 * that a reader never sees a half-written program. */
static gboolean write_atomically(const char *path, const char *bytes, size_t len) {
  char *tmp = g_strconcat(path, ".tmp-XXXXXX", NULL);
  int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
  gboolean ok = fd >= 0;
  if (ok) {
    mode_t mask = umask(0);
    umask(mask);
    ok = fchmod(fd, 0666 & ~mask) == 0 && write_all(fd, bytes, len) && fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (ok)
      ok = rename(tmp, path) == 0;
    else
      errno = saved;
  }
  if (!ok) {
    int saved = errno;
    if (fd >= 0)
      unlink(tmp);
    fprintf(stderr, "%s: error: cannot write: %s\n", path, g_strerror(saved));
  }
  g_free(tmp);
  return ok;
}

int cli_cmd_compile(int argc, char **argv) {
  static const cli_opt opts[] = {
      {"output", 'o', TRUE, OPT_OUTPUT}, {"no-tests", 0, FALSE, OPT_NO_TESTS}, {0}};
  cli_args a;
  cli_args_init(&a, argc, argv, 1);
  const char *file = NULL, *extra = NULL, *out = NULL, *v;
  unsigned flags = 0;
  int id;
  while ((id = cli_args_next(&a, opts, &v)) != CLI_ARGS_END) {
    if (id == CLI_ARGS_ERROR)
      return CLI_EXIT_USAGE;
    if (id == OPT_OUTPUT)
      out = v;
    else if (id == OPT_NO_TESTS)
      flags |= STANCETAG_COMPILE_NO_TESTS;
    else if (!file)
      file = v;
    else if (!extra)
      extra = v;
  }
  if (!(file = one_operand("compile", file, extra)))
    return CLI_EXIT_USAGE;
  if (!out || !*out)
    return cli_usage_error("compile: the output file is missing (-o PROGRAM)");
  stancetag_program *program = NULL;
  int status = cli_load_program(file, flags, &program);
  if (status != CLI_EXIT_OK)
    return status;
  char *bytes = NULL;
  size_t len = 0;
  int rc = stancetag_program_save(program, &bytes, &len);
  stancetag_program_free(program);
  if (rc != STANCETAG_OK) {
    fprintf(stderr, "%s: error: cannot serialize the program: %s\n", file, stancetag_strerror(rc));
    return CLI_EXIT_FAIL;
  }
  gboolean ok = write_atomically(out, bytes, len);
  free(bytes);
  return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
