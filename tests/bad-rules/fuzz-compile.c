/* fuzz-compile: a quick robustness fuzzer of the rule compiler (not run by make check).
 *
 * Usage: fuzz-compile [-s SEED] [-t SECONDS] [-n ITERATIONS] [-o DIR] FILE...
 *
 * Seeds are .rules files and the %%RULES sections of .test files. Mutates them (byte flips,
 * insertions of rule-language fragments, splices of two files, truncations, deep nesting, repeated
 * chunks), compiles each mutant in memory and, when it compiles, saves, reloads and scans a sample
 * document and runs its inline tests. Each mutant runs under alarm(): a mutant that takes more than
 * 10 seconds is written to DIR/hang-N.rules and the run stops; one whose inline test finds
 * different records with and without span records (engine/demand.c) to DIR/spans.rules. The current
 * mutant is always in DIR/current.rules, so a sanitizer abort leaves its reproducer there. Build
 * with `make fuzz` (ideally in an
 * --enable-sanitizers tree) and run from a scratch directory: imports are relative to it. */
#include "stancetag.h"

#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MUTANT_TIMEOUT 10

static const char *fragments[] = {"(",
                                  ")",
                                  "((((((((",
                                  "))))))))",
                                  "[",
                                  "]",
                                  "{",
                                  "}",
                                  "|",
                                  "?",
                                  "*",
                                  "+",
                                  "{0,",
                                  "{1000}",
                                  "{3,1}",
                                  "_",
                                  "_*",
                                  "!",
                                  "^",
                                  "$",
                                  "(?=",
                                  "(?!",
                                  "(?<=",
                                  "(?<!",
                                  ":",
                                  "=>",
                                  "->",
                                  ",",
                                  ".",
                                  "=",
                                  "!=",
                                  "\"",
                                  "\"c",
                                  "\"'s\"",
                                  "/",
                                  "/i",
                                  "/(/",
                                  "\\",
                                  "\\u{",
                                  "\\u{110000}",
                                  "#",
                                  "\n",
                                  "\t",
                                  "\r\n",
                                  "@cap",
                                  "@num",
                                  "import \"x.rules\"",
                                  "import \"/dev/zero\"",
                                  "entity E { ",
                                  "words W = ",
                                  "verb(",
                                  "noun(",
                                  "span S = ",
                                  "rule r: ",
                                  "test \"a\" => ",
                                  "nothing",
                                  "stance(",
                                  "tag T(",
                                  "polarity(",
                                  "flip(",
                                  "antecedent(",
                                  "antecedent(p, E)",
                                  "p:",
                                  "id ",
                                  "priority 2",
                                  "[all]",
                                  "from \"x.tsv\" (phrase, id)",
                                  "x.y",
                                  "2147483647",
                                  "99999999999",
                                  "\xff",
                                  "\xc3",
                                  "\xe2\x80\x99",
                                  "\0"};

static const char *sample =
    "The United States said that it opposes an immediate ceasefire. Russia welcomed it, "
    "and China's peace plan was backed by Kirby. \"We reject this,\" he said. It didn't.";

static GPtrArray *seeds; /* GBytes * */
static GRand *rng;
static const char *out_dir = ".";
static GString *cur;
static guint64 iteration;

static void on_alarm(int sig) {
  (void)sig;
  char name[256];
  snprintf(name, sizeof name, "%s/hang-%llu.rules", out_dir, (unsigned long long)iteration);
  int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ssize_t w = write(fd, cur->str, cur->len);
    (void)w;
    close(fd);
  }
  static const char msg[] = "fuzz-compile: a mutant took too long (hang-N.rules)\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(3);
}

static GBytes *seed_at(guint i) {
  return g_ptr_array_index(seeds, i);
}

static guint pick(guint n) {
  return n ? (guint)g_rand_int_range(rng, 0, (gint32)n) : 0;
}

static void mutate_once(GString *s) {
  guint op = pick(8);
  gsize pos = pick((guint)s->len + 1);
  switch (op) {
  case 0: /* flip a bit */
    if (s->len)
      s->str[pick((guint)s->len)] ^= (char)(1u << pick(8));
    break;
  case 1: /* a random byte */
    g_string_insert_c(s, (gssize)pos, (char)pick(256));
    break;
  case 2: { /* a fragment of the language */
    const char *f = fragments[pick(G_N_ELEMENTS(fragments))];
    g_string_insert_len(s, (gssize)pos, f, f[0] ? (gssize)strlen(f) : 1);
    break;
  }
  case 3: {                                                          /* delete a range */
    gsize want = (gsize)pick(64) + 1, len = MIN(want, s->len - pos); /* MIN evaluates twice */
    g_string_erase(s, (gssize)pos, (gssize)len);
    break;
  }
  case 4: /* truncate */
    g_string_truncate(s, pos);
    break;
  case 5: { /* splice a piece of another seed */
    gsize n;
    const char *o = g_bytes_get_data(seed_at(pick(seeds->len)), &n);
    if (n) {
      gsize a = pick((guint)n), want = (gsize)pick(512) + 1, len = MIN(want, n - a);
      g_string_insert_len(s, (gssize)pos, o + a, (gssize)len);
    }
    break;
  }
  case 6: { /* deep nesting around a point */
    guint depth = pick(2) ? pick(300) : pick(5000);
    GString *open = g_string_new(NULL);
    for (guint i = 0; i < depth; i++)
      g_string_append(open, pick(4) ? "(" : pick(2) ? "!(" : "(?=");
    g_string_insert(s, (gssize)pos, open->str);
    g_string_free(open, TRUE);
    break;
  }
  default: { /* repeat a chunk */
    if (s->len) {
      gsize a = pick((guint)s->len), want = (gsize)pick(200) + 1, len = MIN(want, s->len - a);
      char *chunk = g_strndup(s->str + a, len);
      guint times = pick(20) + 1;
      for (guint i = 0; i < times; i++)
        g_string_insert_len(s, (gssize)pos, chunk, (gssize)len);
      g_free(chunk);
    }
    break;
  }
  }
}

static int on_record(const stancetag_record *r, void *ctx) {
  (void)r;
  (*(guint *)ctx)++;
  return 0;
}

static void exercise(const GString *s) {
  stancetag_compile_options opts = {sizeof opts, 0, NULL, NULL, 0};
  stancetag_program *prog = NULL;
  stancetag_error *diags = NULL;
  int rc = stancetag_compile(s->str, s->len, "fuzz.rules", &opts, &prog, &diags);
  for (stancetag_error *e = diags; e; e = e->next) {
    char *f = stancetag_error_format(e);
    free(f);
  }
  stancetag_error_free(diags);
  if (rc != STANCETAG_OK)
    return;
  char *bytes = NULL;
  size_t len = 0;
  stancetag_program *loaded = NULL;
  if (stancetag_program_save(prog, &bytes, &len) == STANCETAG_OK) {
    if (stancetag_program_load(bytes, len, &loaded) != STANCETAG_OK) {
      fprintf(stderr, "fuzz-compile: a saved program does not load (current.rules)\n");
      abort();
    }
    free(bytes);
  }
  stancetag_scratch *scratch = NULL;
  if (stancetag_scratch_alloc(loaded ? loaded : prog, &scratch) == STANCETAG_OK) {
    guint n = 0;
    stancetag_scan(loaded ? loaded : prog, scratch, sample, strlen(sample),
                   STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, on_record, &n, NULL);
    /* without span records, spans no rule can use are skipped (engine/demand.c) */
    stancetag_scan(loaded ? loaded : prog, scratch, sample, strlen(sample), STANCETAG_SCAN_ENTITIES,
                   on_record, &n, NULL);
    size_t tests = MIN(stancetag_program_test_count(prog), 20);
    for (size_t i = 0; i < tests; i++) {
      char *report = NULL;
      stancetag_program_run_test(prog, i, scratch, &report, NULL, NULL);
      /* A mutant's test may fail; its records must not change with span records. */
      if (report && strstr(report, "records differ without span records")) {
        char *name = g_build_filename(out_dir, "spans.rules", NULL);
        g_file_set_contents(name, s->str, (gssize)s->len, NULL);
        fprintf(stderr, "fuzz-compile: records depend on span records (%s)\n%s\n", name, report);
        g_free(name);
        abort();
      }
      free(report);
    }
    stancetag_scratch_free(scratch);
  }
  stancetag_program_free(loaded);
  stancetag_program_free(prog);
}

static void save_current(void) {
  char *name = g_build_filename(out_dir, "current.rules", NULL);
  g_file_set_contents(name, cur->str, (gssize)cur->len, NULL);
  g_free(name);
}

int main(int argc, char **argv) {
  guint32 seed = (guint32)time(NULL);
  double seconds = 600;
  guint64 max_iter = G_MAXUINT64;
  int i = 1;
  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    if (strcmp(argv[i], "-s") == 0)
      seed = (guint32)strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "-t") == 0)
      seconds = strtod(argv[i + 1], NULL);
    else if (strcmp(argv[i], "-n") == 0)
      max_iter = strtoull(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "-o") == 0)
      out_dir = argv[i + 1];
    else
      break;
  }
  seeds = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (; i < argc; i++) {
    char *data;
    gsize len;
    if (!g_file_get_contents(argv[i], &data, &len, NULL))
      continue;
    if (!g_str_has_suffix(argv[i], ".test")) {
      g_ptr_array_add(seeds, g_bytes_new_take(data, len));
      continue;
    }
    /* tests/run-test.c format: a %%RULES section runs to the next %% line. */
    for (char *p = strstr(data, "%%RULES\n"); p; p = strstr(p, "%%RULES\n")) {
      p += 8;
      char *e = strstr(p, "\n%%");
      gsize n = e ? (gsize)(e - p) + 1 : strlen(p);
      g_ptr_array_add(seeds, g_bytes_new(p, n));
    }
    g_free(data);
  }
  if (!seeds->len) {
    fprintf(stderr, "usage: fuzz-compile [-s SEED] [-t SECONDS] [-n N] [-o DIR] FILE.rules...\n");
    return 2;
  }
  rng = g_rand_new_with_seed(seed);
  cur = g_string_new(NULL);
  signal(SIGALRM, on_alarm);
  fprintf(stderr, "fuzz-compile: seed %u, %u files\n", seed, seeds->len);
  gint64 end = g_get_monotonic_time() + (gint64)(seconds * 1e6);
  guint64 compiled = 0;
  for (iteration = 0; iteration < max_iter && g_get_monotonic_time() < end; iteration++) {
    gsize n;
    const char *data = g_bytes_get_data(seed_at(pick(seeds->len)), &n);
    g_string_truncate(cur, 0);
    g_string_append_len(cur, data, (gssize)n);
    guint rounds = 1 + pick(8);
    for (guint k = 0; k < rounds; k++)
      mutate_once(cur);
    save_current();
    alarm(MUTANT_TIMEOUT);
    exercise(cur);
    alarm(0);
    compiled++;
  }
  fprintf(stderr, "fuzz-compile: %llu mutants, no crash or hang\n", (unsigned long long)compiled);
  g_string_free(cur, TRUE);
  g_rand_free(rng);
  g_ptr_array_unref(seeds);
  return 0;
}
