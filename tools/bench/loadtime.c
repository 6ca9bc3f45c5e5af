/* loadtime: times stancetag_program_load on a saved program (part of the benchmark harness).
 *
 *   loadtime [-n RUNS] FILE
 *
 * FILE is a compiled program (`stancetag compile`), or a .rules file, which is compiled (and
 * the compile timed) and saved to memory first. Loads the program RUNS times (default 20)
 * after one warm-up load and prints one line of key=value pairs:
 *
 *   load_ms=0.412 load_min_ms=0.398 runs=20 bytes=123456 [compile_ms=85.1]
 *
 * load_ms is the median. The file is read once; only the load is timed (the buffer is in
 * memory, so this is the cost of parsing and checking the format, not of the disk). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stancetag.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    char *bigger = realloc(buf, cap * 2);
    if (!bigger) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int usage(void) {
  fputs("usage: loadtime [-n RUNS] PROGRAM-OR-RULES-FILE\n", stderr);
  return 3;
}

int main(int argc, char **argv) {
  long runs = 20;
  int i = 1;
  if (i + 1 < argc && strcmp(argv[i], "-n") == 0) {
    char *end;
    runs = strtol(argv[i + 1], &end, 10);
    if (*end || runs < 1 || runs > 100000) return usage();
    i += 2;
  }
  if (i + 1 != argc) return usage();
  const char *path = argv[i];

  size_t len = 0;
  char *bytes = read_file(path, &len);
  if (!bytes) {
    fprintf(stderr, "loadtime: %s: %s\n", path, strerror(errno));
    return 1;
  }

  double compile_ms = -1;
  if (!stancetag_is_program(bytes, len)) {
    stancetag_program *prog = NULL;
    stancetag_error *diags = NULL;
    double t0 = now_ms();
    int rc = stancetag_compile_file(path, NULL, &prog, &diags);
    compile_ms = now_ms() - t0;
    if (rc != STANCETAG_OK) {
      for (const stancetag_error *e = diags; e; e = e->next) {
        char *s = stancetag_error_format(e);
        if (s) fprintf(stderr, "%s\n", s);
        free(s);
      }
      fprintf(stderr, "loadtime: %s: %s\n", path, stancetag_strerror(rc));
      stancetag_error_free(diags);
      free(bytes);
      return 2;
    }
    stancetag_error_free(diags);
    free(bytes);
    bytes = NULL;
    rc = stancetag_program_save(prog, &bytes, &len);
    stancetag_program_free(prog);
    if (rc != STANCETAG_OK) {
      fprintf(stderr, "loadtime: saving %s: %s\n", path, stancetag_strerror(rc));
      return 1;
    }
  }

  double *ms = malloc(sizeof *ms * (size_t)runs);
  if (!ms) return 1;
  for (long r = -1; r < runs; r++) { /* r == -1: warm-up */
    stancetag_program *prog = NULL;
    double t0 = now_ms();
    int rc = stancetag_program_load(bytes, len, &prog);
    double t = now_ms() - t0;
    if (rc != STANCETAG_OK) {
      fprintf(stderr, "loadtime: %s: %s\n", path, stancetag_strerror(rc));
      free(ms);
      free(bytes);
      return 1;
    }
    stancetag_program_free(prog);
    if (r >= 0) ms[r] = t;
  }
  qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
  double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  printf("load_ms=%.3f load_min_ms=%.3f runs=%ld bytes=%zu", median, ms[0], runs, len);
  if (compile_ms >= 0) printf(" compile_ms=%.1f", compile_ms);
  printf("\n");
  free(ms);
  free(bytes);
  return 0;
}
