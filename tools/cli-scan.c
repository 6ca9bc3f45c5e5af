/* cli-scan.c: the default command, `stancetag [scan] [OPTIONS] RULES PATH...`: options, then
 * every PATH walked and read into the pipeline. */
#include "cli-args.h"
#include "cli-pipeline.h"
#include "cli-source.h"
#include "cli-walk.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_CHUNK 16 /* room for a UTF-8 character and a cut */
#define MAX_THREADS 1024

enum {
  OPT_FORMAT = 1,
  OPT_OUTPUT,
  OPT_ENTITIES,
  OPT_NO_ENTITIES,
  OPT_SPANS,
  OPT_THREADS,
  OPT_INCLUDE,
  OPT_JSONL,
  OPT_ID_FIELD,
  OPT_TEXT_FIELD,
  OPT_BINARY,
  OPT_COLOR,
  OPT_CHUNK,
  OPT_NO_PROGRESS
};

static const cli_opt scan_opts[] = {{"format", 'f', TRUE, OPT_FORMAT},
                                    {"output", 'o', TRUE, OPT_OUTPUT},
                                    {"entities", 0, FALSE, OPT_ENTITIES},
                                    {"no-entities", 0, FALSE, OPT_NO_ENTITIES},
                                    {"spans", 0, FALSE, OPT_SPANS},
                                    {"threads", 'j', TRUE, OPT_THREADS},
                                    {"include", 0, TRUE, OPT_INCLUDE},
                                    {"jsonl-input", 0, FALSE, OPT_JSONL},
                                    {"id-field", 0, TRUE, OPT_ID_FIELD},
                                    {"text-field", 0, TRUE, OPT_TEXT_FIELD},
                                    {"binary", 0, FALSE, OPT_BINARY},
                                    {"color", 0, TRUE, OPT_COLOR},
                                    {"chunk-size", 0, TRUE, OPT_CHUNK},
                                    {"no-progress", 0, FALSE, OPT_NO_PROGRESS},
                                    {0}};

typedef struct scan_args {
  const char *format, *output, *color, *rules;
  int entities; /* -1: the format's default */
  gboolean spans, no_progress;
  guint64 threads;
  GPtrArray *includes; /* GPatternSpec* */
  GPtrArray *paths;    /* const char* into argv */
  cli_source_opts src;
} scan_args;

/* "4M", "512k", "1048576". */
static gboolean parse_size(const char *text, guint64 *out) {
  char *end = NULL;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  guint64 mult = 1;
  if (end == text)
    return FALSE;
  if (*end == 'k' || *end == 'K')
    mult = 1u << 10, end++;
  else if (*end == 'm' || *end == 'M')
    mult = 1u << 20, end++;
  else if (*end == 'g' || *end == 'G')
    mult = 1u << 30, end++;
  if (*end || v > G_MAXUINT32)
    return FALSE;
  *out = v * mult;
  return TRUE;
}

static int parse(int argc, char **argv, int first, scan_args *s) {
  cli_args a;
  cli_args_init(&a, argc, argv, first);
  const char *v;
  int id;
  while ((id = cli_args_next(&a, scan_opts, &v)) != CLI_ARGS_END) {
    guint64 n = 0;
    switch (id) {
    case CLI_ARGS_ERROR:
      return CLI_EXIT_USAGE;
    case CLI_ARGS_OPERAND:
      if (!s->rules)
        s->rules = v;
      else
        g_ptr_array_add(s->paths, (gpointer)v);
      break;
    case OPT_FORMAT:
      if (strcmp(v, "jsonl") && strcmp(v, "text") && strcmp(v, "tsv"))
        return cli_usage_error("--format: '%s' is not jsonl, text or tsv", v);
      s->format = v;
      break;
    case OPT_OUTPUT:
      s->output = v;
      break;
    case OPT_ENTITIES:
      s->entities = 1;
      break;
    case OPT_NO_ENTITIES:
      s->entities = 0;
      break;
    case OPT_SPANS:
      s->spans = TRUE;
      break;
    case OPT_THREADS:
      if (!cli_args_number("--threads", v, 1, MAX_THREADS, &n))
        return CLI_EXIT_USAGE;
      s->threads = n;
      break;
    case OPT_INCLUDE:
      g_ptr_array_add(s->includes, g_pattern_spec_new(v));
      break;
    case OPT_JSONL:
      s->src.jsonl = TRUE;
      break;
    case OPT_ID_FIELD:
      s->src.id_field = v;
      break;
    case OPT_TEXT_FIELD:
      s->src.text_field = v;
      break;
    case OPT_BINARY:
      s->src.binary = TRUE;
      break;
    case OPT_COLOR:
      if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))
        return cli_usage_error("--color: '%s' is not auto, always or never", v);
      s->color = v;
      break;
    case OPT_CHUNK:
      if (!parse_size(v, &n) || n < MIN_CHUNK)
        return cli_usage_error("--chunk-size: '%s' is not a size of at least %d bytes "
                               "(suffixes k, M, G)",
                               v, MIN_CHUNK);
      s->src.chunk = (size_t)n;
      break;
    case OPT_NO_PROGRESS:
      s->no_progress = TRUE;
      break;
    }
  }
  if (!s->rules)
    return cli_usage_error("a rules file and at least one PATH are needed");
  if (s->paths->len == 0)
    return cli_usage_error("no PATH given (use - to read standard input)");
  return CLI_EXIT_OK;
}

static void on_file(const char *path, const char *name, void *ctx) {
  void **c = ctx;
  cli_source_read(c[0], path, name, c[1]);
}

static void on_error(const char *message, void *ctx) {
  void **c = ctx;
  cli_run_message(c[0], message, TRUE);
}

static gboolean use_color(const char *when, FILE *out) {
  if (when && strcmp(when, "always") == 0)
    return TRUE;
  if (when && strcmp(when, "never") == 0)
    return FALSE;
  const char *term = getenv("TERM");
  return isatty(fileno(out)) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

static int run_scan(scan_args *s) {
  stancetag_program *program = NULL;
  int status = cli_load_program(s->rules, 0, &program);
  if (status != CLI_EXIT_OK)
    return status;
  FILE *out = stdout;
  if (s->output && strcmp(s->output, "-") != 0 && !(out = fopen(s->output, "w"))) {
    fprintf(stderr, "%s: error: cannot write: %s\n", s->output, g_strerror(errno));
    stancetag_program_free(program);
    return CLI_EXIT_FAIL;
  }
  static char buffer[1 << 16];
  setvbuf(out, buffer, _IOFBF, sizeof buffer);
  cli_run_config cfg = {0};
  cfg.program = program;
  cfg.out.format = !s->format                        ? (isatty(fileno(out)) ? OUT_TEXT : OUT_JSONL)
                   : strcmp(s->format, "jsonl") == 0 ? OUT_JSONL
                   : strcmp(s->format, "text") == 0  ? OUT_TEXT
                                                     : OUT_TSV;
  cfg.out.color = cfg.out.format == OUT_TEXT && use_color(s->color, out);
  gboolean entities = s->entities < 0 ? cfg.out.format != OUT_TSV : s->entities;
  cfg.scan_flags = entities ? STANCETAG_SCAN_ENTITIES | (s->spans ? STANCETAG_SCAN_SPANS : 0) : 0;
  cfg.threads = (unsigned)s->threads;
  cfg.max_inflight_bytes = (2 * (size_t)s->threads + 2) * s->src.chunk;
  cfg.output = out;
  cfg.progress = !s->no_progress && isatty(2);
  cli_run *run = cli_run_new(&cfg);
  if (!run) {
    status = CLI_EXIT_FAIL;
  } else {
    void *ctx[2] = {run, &s->src};
    cli_walk_ops ops = {on_file, on_error, ctx, s->includes};
    for (guint i = 0; i < s->paths->len; i++) {
      const char *path = s->paths->pdata[i];
      if (strcmp(path, "-") == 0)
        cli_source_read(run, path, "-", &s->src);
      else
        cli_walk(path, &ops);
    }
    status = cli_run_finish(run);
  }
  if (out != stdout && fclose(out) != 0) {
    fprintf(stderr, "%s: error: cannot write: %s\n", s->output, g_strerror(errno));
    status = CLI_EXIT_FAIL;
  }
  stancetag_program_free(program);
  return status;
}

int cli_cmd_scan(int argc, char **argv) {
  scan_args s = {0};
  s.entities = -1;
  s.threads = g_get_num_processors();
  s.threads = s.threads > MAX_THREADS ? MAX_THREADS : s.threads;
  s.includes = g_ptr_array_new_with_free_func((GDestroyNotify)g_pattern_spec_free);
  s.paths = g_ptr_array_new();
  s.src.chunk = CLI_DEFAULT_CHUNK;
  s.src.id_field = "id";
  s.src.text_field = "text";
  int status = parse(argc, argv, 1, &s);
  if (status == CLI_EXIT_OK)
    status = run_scan(&s);
  g_ptr_array_free(s.includes, TRUE);
  g_ptr_array_free(s.paths, TRUE);
  return status;
}
