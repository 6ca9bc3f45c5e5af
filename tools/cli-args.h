/* cli-args.h: a small option parser (long and short options, `--opt=value`, `--` ends
 * options, options and operands in any order), so that every usage error can be reported on
 * one line with exit status 3. */
#ifndef STG_CLI_ARGS_H
#define STG_CLI_ARGS_H

#include <glib.h>

typedef struct cli_opt {
  const char *long_name; /* without the leading "--" */
  char short_name;       /* 0: none */
  gboolean has_arg;
  int id; /* > 0 */
} cli_opt;

typedef struct cli_args {
  int argc;
  char **argv;
  int index;              /* next argv element */
  const char *shorts;     /* rest of a short option cluster (-qj4) */
  gboolean operands_only; /* after "--" */
} cli_args;

enum { CLI_ARGS_END = -1, CLI_ARGS_ERROR = -2, CLI_ARGS_OPERAND = 0 };

/* Starts parsing at argv[first]. */
void cli_args_init(cli_args *a, int argc, char **argv, int first);

/* Returns the id of the next option (with *value set to its argument, if it takes one),
 * CLI_ARGS_OPERAND with *value the operand ("-" is an operand), CLI_ARGS_END, or
 * CLI_ARGS_ERROR after printing a usage error. */
int cli_args_next(cli_args *a, const cli_opt *opts, const char **value);

/* Parses a whole number in [min, max] for option `name`; prints a usage error on failure. */
gboolean cli_args_number(const char *name, const char *text, guint64 min, guint64 max,
                         guint64 *out);

#endif
