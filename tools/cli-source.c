/* cli-source.c: chunked reading of files and streams, JSON Lines documents (see cli-source.h). */
#include "cli-source.h"
#include "cli-cut.h"
#include "cli-json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STDIN_NAME "<stdin>"
#define JSONL_BLOCK ((size_t)64 << 10)

static void fail(cli_run *run, const char *path, const char *what) {
  char *m = g_strdup_printf("%s: error: %s", path, what);
  cli_run_message(run, m, TRUE);
  g_free(m);
}

/* Reads until buf holds `cap` bytes or the end of input. Returns 1 at end of input, 0 when
 * full, -1 on a read error (errno set). */
static int fill(int fd, char *buf, size_t *len, size_t cap) {
  while (*len < cap) {
    ssize_t n = read(fd, buf + *len, cap - *len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      return 1;
    *len += (size_t)n;
  }
  return 0;
}

/* Smallest piece cut from a full chunk: keeps pathological inputs (a paragraph break near
 * the start of every chunk) from making many tiny pieces. */
static size_t min_piece(size_t chunk) {
  return chunk / 8;
}

/* Plain documents: fill a chunk, cut it, carry the rest over to the next chunk. `size`: the
 * size of a regular file (0 when unknown): a file smaller than a chunk gets a buffer of its
 * size plus one byte (room to see that it grew) instead of a whole chunk, which a directory
 * of small news files paid for with a page fault or two per file. */
void cli_source_read_plain(cli_run *run, int fd, const char *path, const char *name, size_t size,
                           const cli_source_opts *o) {
  cli_doc *doc = NULL;
  size_t cap = size > 0 && size < o->chunk ? size + 1 : o->chunk;
  char *buf = g_malloc(cap);
  size_t len = 0;
  guint64 base = 0;
  for (;;) {
    if (size == 0) /* a pipe or a device: the read may block */
      cli_run_flush(run);
    int eof = fill(fd, buf, &len, cap);
    if (!eof && cap < o->chunk) { /* the file grew: read on in whole chunks */
      buf = g_realloc(buf, o->chunk);
      cap = o->chunk;
      eof = fill(fd, buf, &len, cap);
    }
    if (eof < 0) {
      fail(run, path, g_strerror(errno));
      break;
    }
    if (!doc) {
      if (len == 0) /* an empty file: nothing to say */
        break;
      if (!o->binary && cli_looks_binary(buf, len)) {
        fail(run, path, "binary file skipped (use --binary to tag it anyway)");
        break;
      }
      doc = cli_run_doc_begin(run, name, path);
    }
    size_t cut = eof ? len : cli_find_cut(buf, len, min_piece(o->chunk));
    char *next = NULL;
    if (!eof) {
      next = g_malloc(cap);
      memcpy(next, buf + cut, len - cut);
    }
    cli_run_piece(run, doc, g_bytes_new_take(buf, cut), base);
    base += cut;
    len -= cut;
    buf = next;
    if (eof)
      break;
  }
  g_free(buf);
  if (doc)
    cli_run_doc_end(run, doc);
}

/* A decoded JSON Lines text: cut into pieces if it is larger than a chunk. */
static void submit_text(cli_run *run, GString *text, const char *name, const char *where,
                        const cli_source_opts *o) {
  cli_doc *doc = cli_run_doc_begin(run, name, where);
  size_t len = text->len;
  GBytes *all = g_bytes_new_take(g_string_free(text, FALSE), len);
  size_t at = 0;
  while (at < len) {
    size_t n = len - at;
    if (n > o->chunk)
      n = cli_find_cut(g_bytes_get_data(all, NULL) + at, o->chunk, min_piece(o->chunk));
    cli_run_piece(run, doc, g_bytes_new_from_bytes(all, at, n), at);
    at += n;
  }
  g_bytes_unref(all);
  cli_run_doc_end(run, doc);
}

static void jsonl_line(cli_run *run, const char *line, size_t len, const char *path, guint64 lineno,
                       const cli_source_opts *o) {
  if (len > 0 && line[len - 1] == '\r')
    len--;
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
    i++;
  if (i == len) /* blank lines separate nothing: skip them */
    return;
  char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, lineno);
  GString *id = NULL, *text = NULL;
  char *error = NULL;
  if (!cli_json_fields(line, len, o->id_field, o->text_field, &id, &text, &error)) {
    char *m = g_strdup_printf("%s: error: bad JSON line skipped: %s", where, error);
    cli_run_message(run, m, TRUE);
    g_free(m);
    g_free(error);
  } else {
    /* Without an id the document is named after its line. */
    char *name = id ? g_strndup(id->str, id->len) : g_strdup(where);
    submit_text(run, text, name, where, o);
    g_free(name);
    if (id)
      g_string_free(id, TRUE);
  }
  g_free(where);
}

/* JSON Lines: lines are assembled from blocks; a line longer than the limit is skipped
 * without being kept in memory. */
static void read_jsonl(cli_run *run, int fd, const char *path, const cli_source_opts *o) {
  GByteArray *line = g_byte_array_new();
  char *block = g_malloc(JSONL_BLOCK);
  size_t max = MAX(CLI_MAX_JSONL_LINE, o->chunk);
  guint64 lineno = 1;
  gboolean too_long = FALSE, checked = FALSE;
  for (;;) {
    size_t len = 0;
    cli_run_flush(run); /* the read may block (a pipe) */
    int eof = fill(fd, block, &len, JSONL_BLOCK);
    if (eof < 0) {
      fail(run, path, g_strerror(errno));
      break;
    }
    if (!checked && len > 0) {
      checked = TRUE;
      if (!o->binary && cli_looks_binary(block, len)) {
        fail(run, path, "binary file skipped (use --binary to tag it anyway)");
        break;
      }
    }
    const char *p = block, *end = block + len;
    while (p < end) {
      const char *nl = memchr(p, '\n', (size_t)(end - p));
      size_t n = (size_t)((nl ? nl : end) - p);
      if (!too_long && line->len + n > max) {
        too_long = TRUE;
        g_byte_array_set_size(line, 0);
      }
      if (!too_long)
        g_byte_array_append(line, (const guint8 *)p, (guint)n);
      p += n;
      if (!nl)
        break;
      p++;
      if (too_long) {
        char *m = g_strdup_printf("%s:%" G_GUINT64_FORMAT ": error: line longer than %zu bytes "
                                  "skipped",
                                  path, lineno, max);
        cli_run_message(run, m, TRUE);
        g_free(m);
      } else {
        jsonl_line(run, (const char *)line->data, line->len, path, lineno, o);
      }
      too_long = FALSE;
      g_byte_array_set_size(line, 0);
      lineno++;
    }
    if (eof) {
      if (too_long)
        fail(run, path, "last line too long, skipped");
      else if (line->len > 0)
        jsonl_line(run, (const char *)line->data, line->len, path, lineno, o);
      break;
    }
  }
  g_free(block);
  g_byte_array_free(line, TRUE);
}

void cli_source_read(cli_run *run, const char *path, const char *name,
                     const cli_source_opts *opts) {
  gboolean is_stdin = strcmp(path, "-") == 0;
  const char *shown = is_stdin ? STDIN_NAME : path;
  int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fail(run, shown, g_strerror(errno));
    return;
  }
  if (opts->jsonl) {
    read_jsonl(run, fd, shown, opts);
  } else {
    struct stat st; /* of the open file, not the walker's earlier stat of its path */
    size_t size = !is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
    cli_source_read_plain(run, fd, shown, is_stdin ? STDIN_NAME : name, size, opts);
  }
  if (!is_stdin)
    close(fd);
}
