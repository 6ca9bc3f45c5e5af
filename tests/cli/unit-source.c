/* unit-source.c: reading plain documents into pieces (tools/cli-source.c), including the path
 * taken when a regular file has grown since its size was read. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli-source.h"

static const char rules[] = "entity COUNTRY { \"Chile\" -> id CHL\n \"Peru\" -> id PER }\n";

/* The JSON Lines output of reading `path` with a buffer sized for `size` bytes, in pieces of
 * at most `chunk` bytes. */
static char *read_with_size(const stancetag_program *prog, const char *path, size_t size,
                            size_t chunk) {
  char *out = NULL;
  size_t out_len = 0;
  FILE *f = open_memstream(&out, &out_len);
  g_assert_nonnull(f);
  cli_run_config cfg = {prog, {OUT_JSONL, FALSE}, STANCETAG_SCAN_ENTITIES, 1, 0, f, FALSE};
  cli_run *run = cli_run_new(&cfg);
  g_assert_nonnull(run);
  cli_source_opts o = {chunk, FALSE, FALSE, NULL, NULL};
  int fd = open(path, O_RDONLY);
  g_assert_cmpint(fd, >=, 0);
  cli_source_read_plain(run, fd, path, "doc", size, &o);
  close(fd);
  g_assert_cmpint(cli_run_finish(run), ==, 0);
  fclose(f);
  return out;
}

static void test_grown_file(void) {
  stancetag_program *prog = NULL;
  g_assert_cmpint(stancetag_compile(rules, sizeof rules - 1, "t.rules", NULL, &prog, NULL), ==,
                  STANCETAG_OK);
  GString *text = g_string_new(NULL);
  for (int i = 0; i < 400; i++)
    g_string_append_printf(text, "Line %d: Chile and Peru.\n", i);
  char *path = NULL;
  int fd = g_file_open_tmp("unit-source-XXXXXX", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  g_assert_cmpint(write(fd, text->str, text->len), ==, (ssize_t)text->len);
  close(fd);

  const size_t chunk = 4096;
  char *whole = read_with_size(prog, path, text->len, 1 << 20); /* one piece */
  char *right = read_with_size(prog, path, text->len, chunk);
  char *grown = read_with_size(prog, path, 100, chunk); /* 100 bytes when stat'ed */
  char *unknown = read_with_size(prog, path, 0, chunk); /* a pipe: size unknown */
  /* 800 entity records, the last one at the end of the file */
  g_assert_cmpuint(strlen(whole), >, 0);
  gchar **lines = g_strsplit(whole, "\n", -1);
  g_assert_cmpuint(g_strv_length(lines), ==, 801);
  g_strfreev(lines);
  g_assert_nonnull(strstr(whole, "\"start\":10284,\"end\":10288,\"text\":\"Peru\""));
  /* (not g_assert_cmpstr: a failure would print 80 KB) */
  g_assert_true(strcmp(right, whole) == 0);
  g_assert_true(strcmp(grown, whole) == 0);
  g_assert_true(strcmp(unknown, whole) == 0);

  g_free(whole);
  g_free(right);
  g_free(grown);
  g_free(unknown);
  unlink(path);
  g_free(path);
  g_string_free(text, TRUE);
  stancetag_program_free(prog);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/source/grown-file", test_grown_file);
  return g_test_run();
}
