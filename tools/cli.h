/* cli.h: what the parts of the stancetag command line program share. */
#ifndef STG_CLI_H
#define STG_CLI_H

#include <glib.h>
#include <stdio.h>

#include "stancetag.h"

/* Exit statuses (documented in --help, README.md and doc/cli.md). */
enum {
  CLI_EXIT_OK = 0,       /* everything was processed */
  CLI_EXIT_FAIL = 1,     /* some document (or the output) could not be processed */
  CLI_EXIT_RULES = 2,    /* the rules have errors, or a compiled program is unusable */
  CLI_EXIT_USAGE = 3,    /* bad command line */
  CLI_EXIT_THRESHOLD = 4 /* eval: a --min-*-f1 threshold was missed */
};

/* Default --chunk-size: large inputs are read and scanned this many bytes at a time. A
 * thread's scanning state is about 20 bytes per byte of its piece, so this bounds memory;
 * it must not depend on the thread count (the output depends on where pieces are cut). */
#define CLI_DEFAULT_CHUNK ((size_t)1 << 20)

/* Prints "stancetag: MESSAGE" and the hint to try --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Loads RULES, a .rules file or a compiled program (told apart by stancetag_is_program on
 * the first bytes). Prints every diagnostic to stderr. Returns CLI_EXIT_OK with *program
 * set, or CLI_EXIT_RULES. `flags` are STANCETAG_COMPILE_* (ignored for compiled programs). */
int cli_load_program(const char *path, unsigned flags, stancetag_program **program);

/* Prints every diagnostic of a list to stderr with stancetag_error_format. */
void cli_print_diagnostics(const stancetag_error *list);

/* Subcommands; argv[0] is the subcommand name. Each returns an exit status. */
int cli_cmd_check(int argc, char **argv);
int cli_cmd_test(int argc, char **argv);
int cli_cmd_compile(int argc, char **argv);
int cli_cmd_scan(int argc, char **argv);
int cli_cmd_eval(int argc, char **argv);

#endif
