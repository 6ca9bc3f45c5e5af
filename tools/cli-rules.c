/* cli-rules.c: loading the RULES argument (rules source or compiled program) and printing
 * diagnostics. */
#include "cli.h"
#include "cli-cut.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("stancetag: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs("\nTry 'stancetag --help' for more information.\n", stderr);
  va_end(ap);
  return CLI_EXIT_USAGE;
}

void cli_print_diagnostics(const stancetag_error *list) {
  for (const stancetag_error *e = list; e; e = e->next) {
    char *text = stancetag_error_format(e);
    if (text) {
      size_t n = strlen(text);
      fputs(text, stderr);
      if (n == 0 || text[n - 1] != '\n')
        fputc('\n', stderr);
      free(text);
    } else {
      fprintf(stderr, "%s: %s\n", e->file ? e->file : "stancetag",
              e->message ? e->message : stancetag_strerror(e->code));
    }
  }
}

/* Reads up to `cap` bytes from the start of `path`. Returns -1 with errno on failure. */
/* The first bytes of a rules file or program. Anything but a regular file (a FIFO would block
 * here) is left to stancetag_compile_file, which reports it: 0 bytes are returned for it. */
static ssize_t read_head(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return 0;
  }
  size_t got = 0;
  while (got < cap) {
    ssize_t n = read(fd, buf + got, cap - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      errno = saved;
      return -1;
    }
    if (n == 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  return (ssize_t)got;
}

/* A saved program, loaded in place from its file (mapped, not copied). */
static int load_compiled(const char *path, stancetag_program **program) {
  stancetag_error *err = NULL;
  int rc = stancetag_program_load_file(path, program, &err);
  cli_print_diagnostics(err);
  if (rc != STANCETAG_OK && !err)
    fprintf(stderr, "%s: error: %s\n", path, stancetag_strerror(rc));
  stancetag_error_free(err);
  return rc == STANCETAG_OK ? CLI_EXIT_OK : CLI_EXIT_RULES;
}

int cli_load_program(const char *path, unsigned flags, stancetag_program **program) {
  char head[CLI_BINARY_SNIFF];
  *program = NULL;
  ssize_t n = read_head(path, head, sizeof head);
  if (n < 0) {
    fprintf(stderr, "%s: error: %s\n", path, g_strerror(errno));
    return CLI_EXIT_RULES;
  }
  if (stancetag_is_program(head, (size_t)n))
    return load_compiled(path, program);
  /* A foreign binary file would bury the user in syntax errors: say what it is instead. */
  if (cli_looks_binary(head, (size_t)n)) {
    fprintf(stderr, "%s: error: neither a rules file nor a compiled stancetag program\n", path);
    return CLI_EXIT_RULES;
  }
  stancetag_compile_options opts = {sizeof opts, flags, NULL, NULL, 0};
  stancetag_error *diags = NULL;
  int rc = stancetag_compile_file(path, &opts, program, &diags);
  cli_print_diagnostics(diags);
  if (rc != STANCETAG_OK && !diags)
    fprintf(stderr, "%s: error: %s\n", path, stancetag_strerror(rc));
  stancetag_error_free(diags);
  if (rc != STANCETAG_OK) {
    stancetag_program_free(*program);
    *program = NULL;
    return CLI_EXIT_RULES;
  }
  return CLI_EXIT_OK;
}
