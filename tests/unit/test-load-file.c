/* test-load-file.c: stancetag_program_load_file. A saved program is used in place from a
 * read-only mapping, tags like the compiled one, and every bad file is an error naming it. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program.h"
#include "test-sample.h"

/* A temporary directory with the saved RULES program in `good.stp`. */
typedef struct fixture {
  char *dir, *good;
  char *bytes;
  size_t len;
  stancetag_program *compiled;
} fixture;

static char *path_in(const fixture *f, const char *name) {
  return g_build_filename(f->dir, name, NULL);
}

static void write_file(const char *path, const char *bytes, size_t len) {
  g_assert_true(g_file_set_contents(path, bytes, (gssize)len, NULL));
}

static void setup(fixture *f, gconstpointer data) {
  f->dir = g_dir_make_tmp("stancetag-load-XXXXXX", NULL);
  g_assert_nonnull(f->dir);
  f->compiled = sample_compile();
  g_assert_cmpint(stancetag_program_save(f->compiled, &f->bytes, &f->len), ==, STANCETAG_OK);
  f->good = path_in(f, "good.stp");
  write_file(f->good, f->bytes, f->len);
}

static void teardown(fixture *f, gconstpointer data) {
  GDir *d = g_dir_open(f->dir, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name(d));) {
    char *p = path_in(f, name);
    g_assert_cmpint(g_remove(p), ==, 0);
    g_free(p);
  }
  if (d)
    g_dir_close(d);
  g_assert_cmpint(g_rmdir(f->dir), ==, 0);
  stancetag_program_free(f->compiled);
  free(f->bytes);
  g_free(f->good);
  g_free(f->dir);
}

/* Loads `path` expecting failure with `code`: no program, one error naming the file whose
 * message contains `says`. */
static void expect_error(const char *path, int code, const char *says) {
  stancetag_program *p = (stancetag_program *)&p; /* must be reset to NULL */
  stancetag_error *err = NULL;
  g_assert_cmpint(stancetag_program_load_file(path, &p, &err), ==, code);
  g_assert_null(p);
  g_assert_nonnull(err);
  g_assert_null(err->next);
  g_assert_cmpint(err->code, ==, code);
  g_assert_cmpint(err->severity, ==, STANCETAG_SEVERITY_ERROR);
  g_assert_cmpstr(err->file, ==, path);
  g_assert_nonnull(strstr(err->message, says));
  char *text = stancetag_error_format(err);
  g_assert_true(g_str_has_prefix(text, path));
  free(text);
  stancetag_error_free(err);
  /* Without an error list the code is the same. */
  g_assert_cmpint(stancetag_program_load_file(path, &p, NULL), ==, code);
  g_assert_null(p);
}

/* Whether /proc/self/maps lists `path`; -1 when it cannot be read. */
static int is_mapped(const char *path) {
  char *maps = NULL;
  if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
    return -1;
  int found = strstr(maps, path) != NULL;
  g_free(maps);
  return found;
}

static void test_good(fixture *f, gconstpointer data) {
  stancetag_program *p = NULL;
  stancetag_error *err = (stancetag_error *)&err; /* must be reset to NULL */
  g_assert_cmpint(stancetag_program_load_file(f->good, &p, &err), ==, STANCETAG_OK);
  g_assert_null(err);
  char *a = sample_scan(f->compiled), *b = sample_scan(p);
  g_assert_cmpstr(b, ==, a);
  g_assert_nonnull(strstr(b, "stance John Kirby oppose peace_plan 53..61 1"));
  /* The inline test and a save of the loaded program work from the mapping. */
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  g_assert_cmpint(stancetag_program_run_test(p, 0, s, NULL, NULL, NULL), ==, 1);
  stancetag_scratch_free(s);
  char *bytes = NULL;
  size_t len = 0;
  g_assert_cmpint(stancetag_program_save(p, &bytes, &len), ==, STANCETAG_OK);
  g_assert_cmpmem(bytes, len, f->bytes, f->len);
  free(bytes);
  g_free(a);
  g_free(b);
  stancetag_program_free(p);
}

/* Zero copy: the arrays lie in the file's mapping, which the program owns and unmaps. */
static void test_in_place(fixture *f, gconstpointer data) {
  int before = is_mapped(f->good);
  if (before < 0) {
    g_test_skip("no /proc/self/maps");
    return;
  }
  g_assert_cmpint(before, ==, 0);
  stancetag_program *p = NULL;
  g_assert_cmpint(stancetag_program_load_file(f->good, &p, NULL), ==, STANCETAG_OK);
  g_assert_true(p->block_mapped);
  g_assert_cmpuint(p->block_len, ==, f->len);
#define IN_BLOCK(field, type) g_assert_false(stg_prog_owns(p, p->field));
  STG_PROG_ARRAYS(IN_BLOCK)
#undef IN_BLOCK
  g_assert_cmpint(is_mapped(f->good), ==, 1);
  stancetag_program_free(p);
  g_assert_cmpint(is_mapped(f->good), ==, 0);
  /* A program loaded from memory owns one copy, not the caller's buffer. */
  g_assert_cmpint(stancetag_program_load(f->bytes, f->len, &p), ==, STANCETAG_OK);
  g_assert_false(p->block_mapped);
  g_assert_true(p->block != (void *)f->bytes);
  g_assert_false(stg_prog_owns(p, p->entities));
  stancetag_program_free(p);
}

static void test_truncated(fixture *f, gconstpointer data) {
  char *path = path_in(f, "short.stp");
  size_t cuts[] = {f->len - 1, f->len / 2, 8 + 7 * 4 + 4, 9};
  for (size_t i = 0; i < G_N_ELEMENTS(cuts); i++) {
    write_file(path, f->bytes, cuts[i]);
    expect_error(path, STANCETAG_EFORMAT, "corrupt program");
  }
  write_file(path, f->bytes, 7);
  expect_error(path, STANCETAG_EFORMAT, "not a stancetag program");
  g_free(path);
}

/* Writes the good program with `n` bytes at `at` replaced; returns the path (g_free). */
static char *write_changed(const fixture *f, const char *name, size_t at, const void *bytes,
                           size_t n) {
  char *path = path_in(f, name);
  char *copy = g_memdup2(f->bytes, f->len);
  memcpy(copy + at, bytes, n);
  write_file(path, copy, f->len);
  g_free(copy);
  return path;
}

static void test_flipped(fixture *f, gconstpointer data) {
  char flipped = (char)(f->bytes[f->len / 2] ^ 0x20);
  char *path = write_changed(f, "flipped.stp", f->len / 2, &flipped, 1);
  expect_error(path, STANCETAG_EFORMAT, "checksum");
  g_free(path);
}

static void test_version(fixture *f, gconstpointer data) {
  uint32_t version = 1;
  char *path = write_changed(f, "old.stp", 8, &version, 4);
  expect_error(path, STANCETAG_EVERSION, "format version 1;");
  g_free(path);
}

static void test_empty(fixture *f, gconstpointer data) {
  char *path = path_in(f, "empty.stp");
  write_file(path, "", 0);
  expect_error(path, STANCETAG_EFORMAT, "not a stancetag program");
  g_free(path);
}

static void test_directory(fixture *f, gconstpointer data) {
  expect_error(f->dir, STANCETAG_EIO, "directory");
}

static void test_missing(fixture *f, gconstpointer data) {
  char *path = path_in(f, "none.stp");
  char *says = g_strdup_printf("cannot read `%s`: %s", path, g_strerror(ENOENT));
  expect_error(path, STANCETAG_EIO, says);
  g_free(says);
  g_free(path);
}

/* What cannot be mapped is read: a FIFO holding a whole program, a character device. */
static void test_not_mappable(fixture *f, gconstpointer data) {
  char *path = path_in(f, "fifo");
  g_assert_cmpint(mkfifo(path, 0600), ==, 0);
  /* Our reader keeps the written bytes in the pipe until the library reads them; then it
   * sees the end, since no writer is left. */
  int rd = open(path, O_RDONLY | O_NONBLOCK);
  int wr = open(path, O_WRONLY);
  g_assert_cmpint(rd, >=, 0);
  g_assert_cmpint(wr, >=, 0);
  g_assert_cmpuint(f->len, <, 65536); /* fits in a pipe's buffer */
  g_assert_cmpint(write(wr, f->bytes, f->len), ==, (ssize_t)f->len);
  close(wr);
  stancetag_program *p = NULL;
  g_assert_cmpint(stancetag_program_load_file(path, &p, NULL), ==, STANCETAG_OK);
  g_assert_false(p->block_mapped);
  char *a = sample_scan(f->compiled), *b = sample_scan(p);
  g_assert_cmpstr(b, ==, a);
  g_free(a);
  g_free(b);
  stancetag_program_free(p);
  /* Nothing written: the end at once, not a hang. */
  expect_error(path, STANCETAG_EFORMAT, "not a stancetag program");
  close(rd);
  g_free(path);
  if (g_file_test("/dev/zero", G_FILE_TEST_EXISTS))
    expect_error("/dev/zero", STANCETAG_EFORMAT, "not a stancetag program");
}

static void test_misuse(void) {
  stancetag_program *p = NULL;
  stancetag_error *err = NULL;
  g_assert_cmpint(stancetag_program_load_file(NULL, &p, &err), ==, STANCETAG_EINVAL);
  g_assert_null(err);
  g_assert_cmpint(stancetag_program_load_file("x.stp", NULL, &err), ==, STANCETAG_EINVAL);
  g_assert_null(err);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
#define ADD(name, fn) g_test_add("/load-file/" name, fixture, NULL, setup, fn, teardown)
  ADD("good", test_good);
  ADD("in-place", test_in_place);
  ADD("truncated", test_truncated);
  ADD("flipped", test_flipped);
  ADD("version", test_version);
  ADD("empty", test_empty);
  ADD("directory", test_directory);
  ADD("missing", test_missing);
  ADD("not-mappable", test_not_mappable);
#undef ADD
  g_test_add_func("/load-file/misuse", test_misuse);
  return g_test_run();
}
