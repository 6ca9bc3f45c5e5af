/* loadtime: times loading a saved program (part of the benchmark harness).
 *
 *   loadtime [-n RUNS] [--cold] [--buffer] FILE
 *
 * FILE is a compiled program (`stancetag compile`), or a .rules file, which is compiled (and
 * the compile timed) and saved to a temporary file first. Prints one line of key=value pairs:
 *
 *   load_ms=0.412 load_min_ms=0.398 runs=20 bytes=123456 [compile_ms=85.1]
 *   cold_ms=9.871 bytes=123456                                   (with --cold)
 *
 * Warm (default): RUNS loads (default 20) after one warm-up load; load_ms is the median. Later
 * loads reuse the memory that earlier ones freed, so this is the cost of checking and setting
 * up, not of getting fresh memory from the kernel.
 * --cold: one load, the first of the process, which is what the CLI pays; run it as several
 * processes and take the median (tools/bench/run does).
 * --buffer: stancetag_program_load on the file's bytes read with stdio (how the CLI loaded
 * programs before stancetag_program_load_file); without it, stancetag_program_load_file.
 * A warm --buffer run reads the file once, untimed; a cold one times the read too. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* The whole file in one allocation of its size, as g_file_get_contents reads it. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  char *buf = size >= 0 && fseek(f, 0, SEEK_SET) == 0 ? malloc((size_t)size + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = buf ? (size_t)size : 0;
  return buf;
}

static long file_size(const char *path) {
  FILE *f = fopen(path, "rb");
  long n = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
  if (f)
    fclose(f);
  return n;
}

static int usage(void) {
  fputs("usage: loadtime [-n RUNS] [--cold] [--buffer] PROGRAM-OR-RULES-FILE\n", stderr);
  return 3;
}

static void print_diagnostics(const stancetag_error *list) {
  for (const stancetag_error *e = list; e; e = e->next) {
    char *s = stancetag_error_format(e);
    if (s)
      fputs(s, stderr);
    free(s);
  }
}

/* Compiles the rules file `path` and saves the program to a new temporary file, whose name is
 * returned (malloc). NULL after printing why. */
static char *compile_to_temp(const char *path, double *compile_ms) {
  stancetag_program *prog = NULL;
  stancetag_error *diags = NULL;
  double t0 = now_ms();
  int rc = stancetag_compile_file(path, NULL, &prog, &diags);
  *compile_ms = now_ms() - t0;
  if (rc != STANCETAG_OK) {
    print_diagnostics(diags);
    fprintf(stderr, "loadtime: %s: %s\n", path, stancetag_strerror(rc));
    stancetag_error_free(diags);
    return NULL;
  }
  stancetag_error_free(diags);
  char *bytes = NULL;
  size_t len = 0;
  rc = stancetag_program_save(prog, &bytes, &len);
  stancetag_program_free(prog);
  if (rc != STANCETAG_OK) {
    fprintf(stderr, "loadtime: saving %s: %s\n", path, stancetag_strerror(rc));
    return NULL;
  }
  const char *dir = getenv("TMPDIR");
  size_t n = strlen(dir ? dir : "/tmp") + 32;
  char *tmp = malloc(n);
  snprintf(tmp, n, "%s/loadtime-XXXXXX", dir ? dir : "/tmp");
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  int ok = f && fwrite(bytes, 1, len, f) == len;
  if (f)
    ok = fclose(f) == 0 && ok;
  free(bytes);
  if (!ok) {
    fprintf(stderr, "loadtime: cannot write %s: %s\n", tmp, strerror(errno));
    if (fd >= 0)
      unlink(tmp);
    free(tmp);
    return NULL;
  }
  return tmp;
}

/* One timed load. A --buffer load in a cold process also times reading the file. */
static int load_once(const char *path, int buffer, const char *bytes, size_t len, double *ms) {
  stancetag_program *prog = NULL;
  stancetag_error *err = NULL;
  char *read = NULL;
  double t0 = now_ms();
  int rc;
  if (!buffer) {
    rc = stancetag_program_load_file(path, &prog, &err);
  } else {
    if (!bytes) {
      bytes = read = read_file(path, &len);
      if (!bytes) {
        fprintf(stderr, "loadtime: %s: %s\n", path, strerror(errno));
        return -1;
      }
    }
    rc = stancetag_program_load(bytes, len, &prog);
  }
  *ms = now_ms() - t0;
  free(read);
  if (rc != STANCETAG_OK) {
    print_diagnostics(err);
    fprintf(stderr, "loadtime: %s: %s\n", path, stancetag_strerror(rc));
  }
  stancetag_error_free(err);
  stancetag_program_free(prog);
  return rc == STANCETAG_OK ? 0 : -1;
}

int main(int argc, char **argv) {
  long runs = 20;
  int cold = 0, buffer = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      char *end;
      runs = strtol(argv[++i], &end, 10);
      if (*end || runs < 1 || runs > 100000)
        return usage();
    } else if (strcmp(argv[i], "--cold") == 0) {
      cold = 1;
    } else if (strcmp(argv[i], "--buffer") == 0) {
      buffer = 1;
    } else {
      return usage();
    }
  }
  if (i + 1 != argc)
    return usage();
  const char *path = argv[i];

  char head[8];
  size_t got = 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "loadtime: %s: %s\n", path, strerror(errno));
    return 1;
  }
  got = fread(head, 1, sizeof head, f);
  fclose(f);
  double compile_ms = -1;
  char *tmp = NULL;
  if (!stancetag_is_program(head, got)) {
    if (!(tmp = compile_to_temp(path, &compile_ms)))
      return 2;
    path = tmp;
  }

  int status = 1;
  size_t len = 0;
  char *bytes = NULL;
  double *ms = malloc(sizeof *ms * (size_t)runs);
  if (!ms)
    goto out;
  if (cold) {
    if (load_once(path, buffer, NULL, 0, &ms[0]) != 0)
      goto out;
    printf("cold_ms=%.3f bytes=%ld", ms[0], file_size(path));
    if (compile_ms >= 0)
      printf(" compile_ms=%.1f", compile_ms);
    printf("\n");
    status = 0;
    goto out;
  }
  if (buffer && !(bytes = read_file(path, &len))) {
    fprintf(stderr, "loadtime: %s: %s\n", path, strerror(errno));
    goto out;
  }
  for (long r = -1; r < runs; r++) { /* r == -1: warm-up */
    double t;
    if (load_once(path, buffer, bytes, len, &t) != 0)
      goto out;
    if (r >= 0)
      ms[r] = t;
  }
  qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
  double median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  printf("load_ms=%.3f load_min_ms=%.3f runs=%ld bytes=%ld", median, ms[0], runs, file_size(path));
  if (compile_ms >= 0)
    printf(" compile_ms=%.1f", compile_ms);
  printf("\n");
  status = 0;
out:
  free(ms);
  free(bytes);
  if (tmp) {
    unlink(tmp);
    free(tmp);
  }
  return status;
}
