/* cli-args.c: the option parser (see cli-args.h). */
#include "cli-args.h"
#include "cli.h"

#include <string.h>

void cli_args_init(cli_args *a, int argc, char **argv, int first) {
  a->argc = argc;
  a->argv = argv;
  a->index = first;
  a->shorts = NULL;
  a->operands_only = FALSE;
}

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len) {
  for (const cli_opt *o = opts; o->id; o++)
    if (o->long_name && strlen(o->long_name) == len && memcmp(o->long_name, name, len) == 0)
      return o;
  return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char c) {
  for (const cli_opt *o = opts; o->id; o++)
    if (o->short_name == c)
      return o;
  return NULL;
}

static int next_short(cli_args *a, const cli_opt *opts, const char **value) {
  char c = *a->shorts++;
  const cli_opt *o = find_short(opts, c);
  if (!o) {
    a->shorts = NULL;
    cli_usage_error("unknown option '-%c'", c);
    return CLI_ARGS_ERROR;
  }
  if (o->has_arg) {
    if (*a->shorts) {
      *value = a->shorts; /* -j4 */
    } else if (a->index < a->argc) {
      *value = a->argv[a->index++];
    } else {
      a->shorts = NULL;
      cli_usage_error("option '-%c' needs a value", c);
      return CLI_ARGS_ERROR;
    }
    a->shorts = NULL;
  } else if (!*a->shorts) {
    a->shorts = NULL;
  }
  return o->id;
}

int cli_args_next(cli_args *a, const cli_opt *opts, const char **value) {
  *value = NULL;
  if (a->shorts)
    return next_short(a, opts, value);
  if (a->index >= a->argc)
    return CLI_ARGS_END;
  const char *arg = a->argv[a->index++];
  if (a->operands_only || arg[0] != '-' || arg[1] == '\0') {
    *value = arg;
    return CLI_ARGS_OPERAND;
  }
  if (arg[1] != '-') {
    a->shorts = arg + 1;
    return next_short(a, opts, value);
  }
  if (arg[2] == '\0') {
    a->operands_only = TRUE;
    return cli_args_next(a, opts, value);
  }
  const char *name = arg + 2;
  const char *eq = strchr(name, '=');
  size_t len = eq ? (size_t)(eq - name) : strlen(name);
  const cli_opt *o = find_long(opts, name, len);
  if (!o) {
    cli_usage_error("unknown option '--%.*s'", (int)len, name);
    return CLI_ARGS_ERROR;
  }
  if (!o->has_arg) {
    if (eq) {
      cli_usage_error("option '--%s' takes no value", o->long_name);
      return CLI_ARGS_ERROR;
    }
    return o->id;
  }
  if (eq) {
    *value = eq + 1;
  } else if (a->index < a->argc) {
    *value = a->argv[a->index++];
  } else {
    cli_usage_error("option '--%s' needs a value", o->long_name);
    return CLI_ARGS_ERROR;
  }
  return o->id;
}

gboolean cli_args_number(const char *name, const char *text, guint64 min, guint64 max,
                         guint64 *out) {
  guint64 v = 0;
  GError *err = NULL;
  if (!g_ascii_string_to_unsigned(text, 10, min, max, &v, &err)) {
    cli_usage_error("%s: '%s' is not a number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
                    name, text, min, max);
    g_clear_error(&err);
    return FALSE;
  }
  *out = v;
  return TRUE;
}
