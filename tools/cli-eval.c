/* cli-eval.c: `stancetag eval --gold GOLD [OPTIONS] RULES PATH...`: tags PATH... exactly as
 * scan does (the same walk, reader and pipeline, writing JSON Lines to memory), reads those
 * records back and scores them against the gold (eval-score.h). */
#include "cli-args.h"
#include "cli-pipeline.h"
#include "cli-source.h"
#include "cli-walk.h"
#include "cli.h"
#include "eval-gold.h"
#include "eval-report.h"
#include "eval-score.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 1024

enum {
  OPT_GOLD = 1,
  OPT_FORMAT,
  OPT_QUIET,
  OPT_LABELS,
  OPT_MIN_ENTITY_F1,
  OPT_MIN_STANCE_F1,
  OPT_THREADS,
  OPT_INCLUDE
};

static const cli_opt eval_opts[] = {{"gold", 'g', TRUE, OPT_GOLD},
                                    {"format", 'f', TRUE, OPT_FORMAT},
                                    {"quiet", 'q', FALSE, OPT_QUIET},
                                    {"labels", 0, TRUE, OPT_LABELS},
                                    {"min-entity-f1", 0, TRUE, OPT_MIN_ENTITY_F1},
                                    {"min-stance-f1", 0, TRUE, OPT_MIN_STANCE_F1},
                                    {"threads", 'j', TRUE, OPT_THREADS},
                                    {"include", 0, TRUE, OPT_INCLUDE},
                                    {0}};

typedef struct eval_args {
  const char *rules;
  GPtrArray *golds, *paths; /* const char* into argv */
  GPtrArray *includes;      /* GPatternSpec* */
  char **labels;            /* NULL: the gold's labels */
  gboolean json, quiet;
  double min_entity_f1, min_stance_f1; /* < 0: none */
  guint64 threads;
} eval_args;

/* What the walk saw: document names in order, and the path of each name (for sentences). */
typedef struct eval_docs {
  cli_run *run;
  const cli_source_opts *src;
  GPtrArray *names;  /* char* */
  GHashTable *paths; /* name -> path, first one wins */
} eval_docs;

static gboolean parse_fraction(const char *name, const char *text, double *out) {
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (end == text || *end || !(v >= 0 && v <= 1)) {
    cli_usage_error("%s: '%s' is not a number from 0 to 1", name, text);
    return FALSE;
  }
  *out = v;
  return TRUE;
}

static gboolean parse_labels(const char *text, char ***out) {
  char **labels = g_strsplit(text, ",", -1);
  for (char **l = labels; *l; l++) {
    if (!**l || strcmp(*l, EVAL_IGNORE) == 0) {
      cli_usage_error("--labels: '%s' is not a comma-separated list of labels other than "
                      "IGNORE",
                      text);
      g_strfreev(labels);
      return FALSE;
    }
  }
  g_strfreev(*out);
  *out = labels;
  return TRUE;
}

static int parse(int argc, char **argv, eval_args *e) {
  cli_args a;
  cli_args_init(&a, argc, argv, 1);
  const char *v;
  int id;
  guint64 n = 0;
  while ((id = cli_args_next(&a, eval_opts, &v)) != CLI_ARGS_END) {
    gboolean ok = TRUE;
    switch (id) {
    case CLI_ARGS_ERROR:
      return CLI_EXIT_USAGE;
    case CLI_ARGS_OPERAND:
      if (strcmp(v, "-") == 0)
        return cli_usage_error("eval cannot read standard input (it re-reads documents)");
      if (!e->rules)
        e->rules = v;
      else
        g_ptr_array_add(e->paths, (gpointer)v);
      break;
    case OPT_GOLD:
      g_ptr_array_add(e->golds, (gpointer)v);
      break;
    case OPT_FORMAT:
      if (strcmp(v, "text") && strcmp(v, "json"))
        return cli_usage_error("--format: '%s' is not text or json", v);
      e->json = strcmp(v, "json") == 0;
      break;
    case OPT_QUIET:
      e->quiet = TRUE;
      break;
    case OPT_LABELS:
      ok = parse_labels(v, &e->labels);
      break;
    case OPT_MIN_ENTITY_F1:
      ok = parse_fraction("--min-entity-f1", v, &e->min_entity_f1);
      break;
    case OPT_MIN_STANCE_F1:
      ok = parse_fraction("--min-stance-f1", v, &e->min_stance_f1);
      break;
    case OPT_THREADS:
      ok = cli_args_number("--threads", v, 1, MAX_THREADS, &n);
      e->threads = n;
      break;
    case OPT_INCLUDE:
      g_ptr_array_add(e->includes, g_pattern_spec_new(v));
      break;
    }
    if (!ok)
      return CLI_EXIT_USAGE;
  }
  if (e->golds->len == 0)
    return cli_usage_error("eval needs --gold FILE_OR_DIR");
  if (!e->rules || e->paths->len == 0)
    return cli_usage_error("eval needs a rules file and at least one PATH");
  return CLI_EXIT_OK;
}

static void on_file(const char *path, const char *name, void *ctx) {
  eval_docs *d = ctx;
  g_ptr_array_add(d->names, g_strdup(name));
  if (!g_hash_table_contains(d->paths, name))
    g_hash_table_insert(d->paths, g_strdup(name), g_strdup(path));
  cli_source_read(d->run, path, name, d->src);
}

static void on_error(const char *message, void *ctx) {
  cli_run_message(((eval_docs *)ctx)->run, message, TRUE);
}

/* Tags every PATH as scan --format jsonl would, into *jsonl (g_free it). Returns the exit
 * status of the run. */
static int tag(const eval_args *e, const stancetag_program *program, eval_docs *docs, char **jsonl,
               size_t *len) {
  FILE *out = open_memstream(jsonl, len);
  if (!out) {
    fprintf(stderr, "stancetag: error: %s\n", g_strerror(errno));
    return CLI_EXIT_FAIL;
  }
  cli_run_config cfg = {0};
  cfg.program = program;
  cfg.out.format = OUT_JSONL;
  cfg.scan_flags = STANCETAG_SCAN_ENTITIES;
  cfg.threads = (unsigned)e->threads;
  cfg.output = out;
  cli_source_opts src = {CLI_DEFAULT_CHUNK, FALSE, FALSE, "id", "text"};
  docs->src = &src;
  int status = CLI_EXIT_FAIL;
  docs->run = cli_run_new(&cfg);
  if (docs->run) {
    cli_walk_ops ops = {on_file, on_error, docs, e->includes};
    for (guint i = 0; i < e->paths->len; i++)
      cli_walk(e->paths->pdata[i], &ops);
    status = cli_run_finish(docs->run);
  }
  fclose(out);
  return status;
}

/* The text of each false positive's sentence, read back from its document. */
static void fill_sentences(const eval_result *r, GHashTable *paths) {
  GHashTable *texts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < r->stance_fps->len; i++) {
    eval_stance *s = r->stance_fps->pdata[i];
    const char *path = g_hash_table_lookup(paths, s->doc);
    gsize len = 0;
    char *text = path ? g_hash_table_lookup(texts, path) : NULL;
    if (path && !text && g_file_get_contents(path, &text, &len, NULL))
      g_hash_table_insert(texts, (gpointer)path, text);
    len = text ? strlen(text) : 0; /* a NUL byte ends what is shown */
    if (s->sentence_start < s->sentence_end && s->sentence_end <= len)
      s->sentence = g_strndup(text + s->sentence_start, s->sentence_end - s->sentence_start);
  }
  g_hash_table_destroy(texts);
}

static void warn_scope(const GPtrArray *unscanned, const GPtrArray *ungolded) {
  for (guint i = 0; i < unscanned->len; i++)
    fprintf(stderr, "stancetag: warning: %s: in the gold but not tagged; its gold is not scored\n",
            (const char *)unscanned->pdata[i]);
  if (ungolded->len > 0)
    fprintf(stderr, "stancetag: warning: %u tagged document%s not in the gold, not scored (%s%s)\n",
            ungolded->len, ungolded->len == 1 ? " is" : "s are", (const char *)ungolded->pdata[0],
            ungolded->len > 1 ? ", ..." : "");
}

static int report(const eval_args *e, const eval_result *r) {
  GString *out = g_string_new(NULL);
  if (e->json)
    eval_report_json(out, r, e->quiet);
  else
    eval_report_text(out, r, e->quiet);
  fwrite(out->str, 1, out->len, stdout);
  g_string_free(out, TRUE);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "stancetag: error: cannot write the output: %s\n", g_strerror(errno));
    return CLI_EXIT_FAIL;
  }
  double ef1 = eval_entity_f1(&r->all), sf1 = eval_stance_f1(&r->stance);
  int status = CLI_EXIT_OK;
  /* An undefined F1 (nothing to compare) misses any threshold. */
  if (e->min_entity_f1 >= 0 && !(ef1 >= e->min_entity_f1)) {
    fprintf(stderr, "stancetag: entity F1 %.3f is below --min-entity-f1 %g\n", ef1,
            e->min_entity_f1);
    status = CLI_EXIT_THRESHOLD;
  }
  if (e->min_stance_f1 >= 0 && !(sf1 >= e->min_stance_f1)) {
    fprintf(stderr, "stancetag: stance F1 %.3f is below --min-stance-f1 %g\n", sf1,
            e->min_stance_f1);
    status = CLI_EXIT_THRESHOLD;
  }
  return status;
}

static int run_eval(const eval_args *e) {
  eval_set *gold = eval_set_new_gold();
  gboolean gold_ok = TRUE;
  for (guint i = 0; i < e->golds->len; i++)
    gold_ok = eval_gold_load(gold, e->golds->pdata[i]) && gold_ok;
  if (!gold_ok) {
    eval_set_free(gold);
    return CLI_EXIT_FAIL;
  }
  stancetag_program *program = NULL;
  int status = cli_load_program(e->rules, 0, &program);
  if (status != CLI_EXIT_OK) {
    eval_set_free(gold);
    return status;
  }
  eval_docs docs = {NULL, NULL, g_ptr_array_new_with_free_func(g_free),
                    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
  char *jsonl = NULL, *error = NULL;
  size_t len = 0;
  status = tag(e, program, &docs, &jsonl, &len);
  eval_set *pred = eval_set_new_predicted();
  if (!eval_predictions_parse(pred, jsonl ? jsonl : "", jsonl ? len : 0, &error)) {
    fprintf(stderr, "stancetag: error: cannot read back the tagger's output: %s\n", error);
    status = CLI_EXIT_FAIL;
  } else {
    GPtrArray *unscanned = NULL, *ungolded = NULL;
    char **labels = e->labels ? g_strdupv(e->labels) : eval_gold_labels(gold);
    eval_scope(gold, pred, docs.names, &unscanned, &ungolded);
    warn_scope(unscanned, ungolded);
    eval_result *r = eval_score(gold, pred, (const char *const *)labels);
    if (!e->quiet)
      fill_sentences(r, docs.paths);
    int rs = report(e, r);
    status = status == CLI_EXIT_OK ? rs : status; /* unread documents come first */
    eval_result_free(r);
    g_strfreev(labels);
    g_ptr_array_free(unscanned, TRUE);
    g_ptr_array_free(ungolded, TRUE);
  }
  g_free(error);
  free(jsonl);
  eval_set_free(pred);
  eval_set_free(gold);
  g_ptr_array_free(docs.names, TRUE);
  g_hash_table_destroy(docs.paths);
  stancetag_program_free(program);
  return status;
}

int cli_cmd_eval(int argc, char **argv) {
  eval_args e = {0};
  e.golds = g_ptr_array_new();
  e.paths = g_ptr_array_new();
  e.includes = g_ptr_array_new_with_free_func((GDestroyNotify)g_pattern_spec_free);
  e.min_entity_f1 = e.min_stance_f1 = -1;
  e.threads = MIN(g_get_num_processors(), MAX_THREADS);
  int status = parse(argc, argv, &e);
  if (status == CLI_EXIT_OK)
    status = run_eval(&e);
  g_ptr_array_free(e.golds, TRUE);
  g_ptr_array_free(e.paths, TRUE);
  g_ptr_array_free(e.includes, TRUE);
  g_strfreev(e.labels);
  return status;
}
