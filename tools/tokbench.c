/* tokbench: tokenizer-only throughput (stg_tokenize, sentence splitting included).
 * Usage: tokbench FILE [RUNS [DOC_BYTES]]
 * Reads FILE into memory and tokenizes it RUNS times (default 5), either as one document or,
 * with DOC_BYTES > 0, as documents of about that size cut at line breaks (one reused token
 * buffer, as a scan does). Prints MB/s per run, wall clock and thread CPU time, and the
 * medians (CPU time is the steadier figure on a busy machine). */
#include "tokenize.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: tokbench FILE [RUNS [DOC_BYTES]]\n");
    return 2;
  }
  int runs = argc > 2 ? atoi(argv[2]) : 5;
  size_t doc = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 0;
  if (runs < 1 || runs > 1000)
    runs = 5;
  gchar *text;
  gsize len;
  GError *err = NULL;
  if (!g_file_get_contents(argv[1], &text, &len, &err)) {
    fprintf(stderr, "tokbench: %s\n", err->message);
    g_error_free(err);
    return 1;
  }
  /* Document boundaries, found before timing. */
  GArray *cut = g_array_new(FALSE, FALSE, sizeof(size_t));
  for (size_t off = 0; off < len;) {
    size_t n = len - off;
    if (doc > 0 && n > doc) {
      const char *nl = memchr(text + off + doc, '\n', n - doc);
      n = nl ? (size_t)(nl - (text + off)) + 1 : n;
    }
    off += n;
    g_array_append_val(cut, off);
  }
  stg_tokens t;
  stg_tokens_init(&t);
  double *wall = g_new(double, runs), *cpu = g_new(double, runs);
  size_t ntok = 0, nsent = 0;
  for (int r = 0; r < runs; r++) {
    ntok = nsent = 0;
    gint64 t0 = g_get_monotonic_time();
    double c0 = cpu_seconds();
    size_t off = 0;
    for (guint i = 0; i < cut->len; i++) {
      size_t end = g_array_index(cut, size_t, i);
      if (stg_tokenize(text + off, end - off, &t) != 0) {
        fprintf(stderr, "tokbench: document too large\n");
        return 1;
      }
      ntok += t.n;
      nsent += t.n_sent;
      off = end;
    }
    double c1 = cpu_seconds();
    gint64 t1 = g_get_monotonic_time();
    wall[r] = (double)len / 1e6 / ((double)(t1 - t0) / 1e6);
    cpu[r] = (double)len / 1e6 / (c1 - c0);
    printf("run %d: %.1f MB/s wall, %.1f MB/s cpu\n", r + 1, wall[r], cpu[r]);
  }
  qsort(wall, (size_t)runs, sizeof *wall, cmp_double);
  qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
  printf("%s: %zu bytes in %u documents, %zu tokens, %zu sentences; median %.1f MB/s wall, "
         "%.1f MB/s cpu\n",
         argv[1], (size_t)len, cut->len, ntok, nsent, wall[runs / 2], cpu[runs / 2]);
  g_array_free(cut, TRUE);
  g_free(wall);
  g_free(cpu);
  stg_tokens_clear(&t);
  g_free(text);
  return 0;
}
