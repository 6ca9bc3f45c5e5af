/* frontend.c: reads the root source, follows imports, loads TSV gazetteers, then resolves.
 *
 * Each file is read once (keyed by its canonical name: realpath() or the resolver's name) with
 * a bounded read, so a huge or endless file (/dev/zero, a FIFO) cannot exhaust memory. Imports
 * are processed depth first at the point where they appear, so the definitions of an imported
 * file come before those of the importer that follow the `import`. */
/* realpath() */
#define _XOPEN_SOURCE 700

#include "frontend.h"
#include "ast-build.h"
#include "parser.h"
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct front {
  stg_ast *ast;
  stg_diags *d;
  const stancetag_compile_options *opts;
  GHashTable *loaded;     /* canonical name -> source index + 1 */
  GPtrArray *chain;       /* canonical names of the files being imported, root first */
  GPtrArray *chain_names; /* their display names */
} front;

int stg_front_open(const char *path, int *fd, struct stat *st, char **why) {
  /* O_NONBLOCK: opening a FIFO must not hang (a caller that reads one clears it). */
  *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (*fd < 0) {
    *why = g_strdup(g_strerror(errno));
    return STANCETAG_EIO;
  }
  if (fstat(*fd, st) != 0)
    *why = g_strdup(g_strerror(errno));
  else if (S_ISDIR(st->st_mode))
    *why = g_strdup("it is a directory");
  else
    return STANCETAG_OK;
  close(*fd);
  *fd = -1;
  return STANCETAG_EIO;
}

int stg_front_read_file(const char *path, char **data, size_t *len, char **why) {
  *data = NULL;
  *len = 0;
  *why = NULL;
  int fd;
  struct stat st;
  int rc = stg_front_open(path, &fd, &st, why);
  if (rc != STANCETAG_OK)
    return rc;
  if (!S_ISREG(st.st_mode)) {
    *why = g_strdup("it is not a regular file");
    rc = STANCETAG_EIO;
  } else if ((guint64)st.st_size > STG_MAX_FILE_SIZE) {
    *why = g_strdup("it is larger than 64 MiB");
    rc = STANCETAG_ELIMIT;
  }
  if (rc != STANCETAG_OK) {
    close(fd);
    return rc;
  }
  /* The size may change while reading: never read more than the limit plus one byte. */
  size_t cap = (size_t)st.st_size + 1, n = 0;
  char *buf = g_malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if (cap > STG_MAX_FILE_SIZE)
        break;
      cap = MIN(cap * 2, STG_MAX_FILE_SIZE + 1);
      buf = g_realloc(buf, cap + 1);
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      *why = g_strdup(g_strerror(errno));
      rc = STANCETAG_EIO;
      break;
    }
    if (got == 0)
      break;
    n += (size_t)got;
  }
  close(fd);
  if (rc == STANCETAG_OK && n > STG_MAX_FILE_SIZE) {
    *why = g_strdup("it is larger than 64 MiB");
    rc = STANCETAG_ELIMIT;
  }
  if (rc != STANCETAG_OK) {
    g_free(buf);
    return rc;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return STANCETAG_OK;
}

/* `path` relative to the directory of the file `from`. */
static char *relative_to(const char *from, const char *path) {
  if (g_path_is_absolute(path))
    return g_strdup(path);
  char *dir = g_path_get_dirname(from);
  char *out = strcmp(dir, ".") == 0 ? g_strdup(path) : g_build_filename(dir, path, NULL);
  g_free(dir);
  return out;
}

static char *canonical(const char *path) {
  char *real = realpath(path, NULL);
  if (!real)
    return g_strdup(path);
  char *out = g_strdup(real);
  free(real);
  return out;
}

typedef struct loaded_file {
  char *display, *key; /* name for diagnostics, canonical name */
  char *text;          /* g_malloc()ed, NUL-terminated; NULL when already loaded */
  size_t len;
  int index; /* source index when already loaded, else -1 */
} loaded_file;

/* Reads `path` as written in source `from_file`. On failure reports at `loc` and returns FALSE.
 * A file that was read before is not read again (out->index is set). */
static gboolean load(front *f, guint from_file, const char *path, stg_loc loc, loaded_file *out) {
  const stg_source *from = g_ptr_array_index(f->ast->sources, from_file);
  memset(out, 0, sizeof *out);
  out->index = -1;
  if (f->opts && f->opts->resolver) {
    char *data = NULL, *resolved = NULL;
    size_t len = 0;
    if (f->opts->resolver(from->name, path, &data, &len, &resolved, f->opts->resolver_ctx) != 0) {
      free(data);
      free(resolved);
      stg_diag_code(f->d, f->ast, STANCETAG_EIO, STANCETAG_SEVERITY_ERROR, loc,
                    "cannot read `%s`: not found", path);
      return FALSE;
    }
    out->display = g_strdup(resolved ? resolved : path);
    out->key = g_strdup(out->display);
    free(resolved);
    if (len > STG_MAX_FILE_SIZE) {
      free(data);
      stg_diag_code(f->d, f->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, loc,
                    "cannot read `%s`: it is larger than 64 MiB", path);
      g_free(out->display);
      g_free(out->key);
      return FALSE;
    }
    gpointer idx = g_hash_table_lookup(f->loaded, out->key);
    if (idx) {
      out->index = GPOINTER_TO_INT(idx) - 1;
    } else {
      out->text = g_malloc(len + 1);
      if (len)
        memcpy(out->text, data, len);
      out->text[len] = '\0';
      out->len = len;
    }
    free(data);
    return TRUE;
  }
  out->display = relative_to(from->name, path);
  out->key = canonical(out->display);
  gpointer idx = g_hash_table_lookup(f->loaded, out->key);
  if (idx) {
    out->index = GPOINTER_TO_INT(idx) - 1;
    return TRUE;
  }
  char *why = NULL;
  int rc = stg_front_read_file(out->display, &out->text, &out->len, &why);
  if (rc != STANCETAG_OK) {
    stg_diag_code(f->d, f->ast, rc, STANCETAG_SEVERITY_ERROR, loc, "cannot read `%s`: %s", path,
                  why);
    g_free(why);
    g_free(out->display);
    g_free(out->key);
    return FALSE;
  }
  return TRUE;
}

static void loaded_clear(loaded_file *lf) {
  g_free(lf->display);
  g_free(lf->key);
  g_free(lf->text);
}

/* Adds a freshly read file as a source; -1 (reported) when there are too many. */
static int add_source(front *f, loaded_file *lf, stg_loc loc) {
  if (f->ast->sources->len >= G_MAXUINT16) {
    stg_diag_code(f->d, f->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, loc,
                  "too many files (the limit is %u)", (unsigned)G_MAXUINT16);
    return -1;
  }
  guint idx = stg_ast_add_source(f->ast, lf->display, lf->text, lf->len);
  lf->text = NULL;
  g_hash_table_insert(f->loaded, g_strdup(lf->key), GINT_TO_POINTER((int)idx + 1));
  return (int)idx;
}

/* ---- TSV gazetteers ---- */

static stg_loc tsv_loc(guint file, const char *base, const char *s, const char *e) {
  stg_loc loc = {(uint32_t)(s - base), (uint32_t)(e - base), (uint16_t)file};
  return loc;
}

/* Buffers reused from line to line of one TSV file. */
typedef struct tsv_bufs {
  GPtrArray *fields; /* const char *: the start of each field of the line */
  GArray *phrases;   /* stg_phrase of the line's entry (texts in the arena) */
  GArray *attrs;     /* stg_attr of the line's entry (strings in the arena) */
} tsv_bufs;

static void tsv_line(front *f, stg_def *def, tsv_bufs *buf, guint file, const char *base,
                     const char *s, const char *e, int phrase_col, int id_col) {
  GPtrArray *cols = def->tsv_columns;
  stg_arena *arena = &f->ast->arena;
  stg_diags *d = f->d;
  const char *bad = s;
  if (!g_utf8_validate(s, e - s, &bad)) {
    if (*bad)
      stg_diag(d, f->ast, STANCETAG_SEVERITY_ERROR, tsv_loc(file, base, bad, bad + 1),
               "invalid UTF-8 byte 0x%02X", (unsigned char)*bad);
    else
      stg_diag(d, f->ast, STANCETAG_SEVERITY_ERROR, tsv_loc(file, base, bad, bad + 1), "NUL byte");
    return;
  }
  GPtrArray *fields = buf->fields;
  g_ptr_array_set_size(fields, 0);
  g_array_set_size(buf->phrases, 0);
  g_array_set_size(buf->attrs, 0);
  g_ptr_array_add(fields, (gpointer)s);
  for (const char *p = s; p < e; p++)
    if (*p == '\t')
      g_ptr_array_add(fields, (gpointer)(p + 1));
  if (fields->len != cols->len) {
    const char *at =
        fields->len > cols->len ? (const char *)g_ptr_array_index(fields, cols->len) - 1 : e;
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < cols->len; i++)
      g_string_append_printf(names, "%s%s", i ? ", " : "", (char *)g_ptr_array_index(cols, i));
    stg_diag(d, f->ast, STANCETAG_SEVERITY_ERROR, tsv_loc(file, base, at, at + (at < e)),
             "%u tab-separated fields, expected %u (%s)", fields->len, cols->len, names->str);
    g_string_free(names, TRUE);
    return;
  }
  gboolean ok = TRUE;
  for (guint c = 0; c < fields->len; c++) {
    const char *fs = g_ptr_array_index(fields, c);
    const char *fe = c + 1 < fields->len ? (const char *)g_ptr_array_index(fields, c + 1) - 1 : e;
    if ((int)c == phrase_col) {
      const char *ps = fs;
      while (ps <= fe) {
        const char *pe = memchr(ps, '|', (size_t)(fe - ps));
        if (!pe)
          pe = fe;
        const char *a = ps, *b = pe;
        while (a < b && *a == ' ')
          a++;
        while (b > a && b[-1] == ' ')
          b--;
        if (a == b) {
          stg_diag(d, f->ast, STANCETAG_SEVERITY_ERROR, tsv_loc(file, base, ps, pe),
                   "empty phrase");
          ok = FALSE;
        } else {
          stg_phrase ph = {stg_arena_strndup(arena, a, (size_t)(b - a)), FALSE,
                           tsv_loc(file, base, a, b)};
          g_array_append_val(buf->phrases, ph);
        }
        ps = pe + 1;
      }
    } else if (fe > fs) {
      stg_attr a = {0};
      a.name = stg_arena_strdup(arena, (int)c == id_col ? "id" : g_ptr_array_index(cols, c));
      a.value.kind = STG_VAL_STRING;
      a.value.text = stg_arena_strndup(arena, fs, (size_t)(fe - fs));
      a.value.loc = a.loc = tsv_loc(file, base, fs, fe);
      g_array_append_val(buf->attrs, a);
    }
  }
  if (ok)
    g_ptr_array_add(def->entries,
                    stg_ast_entry_new(f->ast, tsv_loc(file, base, s, e),
                                      (const stg_phrase *)(void *)buf->phrases->data,
                                      buf->phrases->len, (const stg_attr *)(void *)buf->attrs->data,
                                      buf->attrs->len));
}

static void load_tsv(front *f, guint from_file, stg_def *def) {
  GPtrArray *cols = def->tsv_columns;
  int phrase_col = -1, id_col = -1;
  for (guint i = 0; i < cols->len; i++) {
    const char *c = g_ptr_array_index(cols, i);
    for (guint j = 0; j < i; j++)
      if (strcmp(c, g_ptr_array_index(cols, j)) == 0) {
        stg_diag(f->d, f->ast, STANCETAG_SEVERITY_ERROR, def->loc, "column `%s` is listed twice",
                 c);
        return;
      }
    if (strcmp(c, "phrase") == 0)
      phrase_col = (int)i;
    if (strcmp(c, "id") == 0)
      id_col = (int)i;
  }
  if (phrase_col < 0) {
    stg_diag(f->d, f->ast, STANCETAG_SEVERITY_ERROR, def->loc,
             "the columns of `%s` have no `phrase` column", def->tsv_path);
    return;
  }
  loaded_file lf;
  if (!load(f, from_file, def->tsv_path, def->loc, &lf))
    return;
  int idx = lf.index >= 0 ? lf.index : add_source(f, &lf, def->loc);
  loaded_clear(&lf);
  if (idx < 0)
    return;
  const stg_source *src = g_ptr_array_index(f->ast->sources, idx);
  const char *base = src->text, *p = base, *end = base + src->len;
  tsv_bufs buf = {g_ptr_array_new(), g_array_new(FALSE, FALSE, sizeof(stg_phrase)),
                  g_array_new(FALSE, FALSE, sizeof(stg_attr))};
  while (p < end && !stg_diags_full(f->d)) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    const char *le = e > p && e[-1] == '\r' ? e - 1 : e;
    if (le > p && *p != '#')
      tsv_line(f, def, &buf, (guint)idx, base, p, le, phrase_col, id_col);
    p = nl ? nl + 1 : end;
  }
  g_ptr_array_unref(buf.fields);
  g_array_unref(buf.phrases);
  g_array_unref(buf.attrs);
}

/* ---- imports ---- */

static void process_file(front *f, guint file, guint depth);

static void do_import(front *f, guint from_file, stg_def *def, guint depth) {
  loaded_file lf;
  if (!load(f, from_file, def->name, def->name_loc, &lf))
    return;
  for (guint i = 0; i < f->chain->len; i++)
    if (strcmp(g_ptr_array_index(f->chain, i), lf.key) == 0) {
      GString *s = g_string_new(NULL);
      for (guint j = i; j < f->chain_names->len; j++)
        g_string_append_printf(s, "%s -> ", (char *)g_ptr_array_index(f->chain_names, j));
      g_string_append(s, lf.display);
      stg_diag(f->d, f->ast, STANCETAG_SEVERITY_ERROR, def->name_loc, "import cycle: %s", s->str);
      g_string_free(s, TRUE);
      loaded_clear(&lf);
      return;
    }
  if (lf.index >= 0) { /* read before: its definitions are already in */
    loaded_clear(&lf);
    return;
  }
  if (depth + 1 > STG_MAX_IMPORT_DEPTH) {
    stg_diag_code(f->d, f->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, def->name_loc,
                  "imports nested deeper than %d", STG_MAX_IMPORT_DEPTH);
    loaded_clear(&lf);
    return;
  }
  int idx = add_source(f, &lf, def->name_loc);
  if (idx >= 0) {
    g_ptr_array_add(f->chain, g_strdup(lf.key));
    g_ptr_array_add(f->chain_names, g_strdup(lf.display));
    process_file(f, (guint)idx, depth + 1);
    g_ptr_array_set_size(f->chain, f->chain->len - 1);
    g_ptr_array_set_size(f->chain_names, f->chain_names->len - 1);
  }
  loaded_clear(&lf);
}

static void process_file(front *f, guint file, guint depth) {
  GPtrArray *defs = g_ptr_array_new();
  stg_parse_source(f->ast, file, f->d, defs);
  for (guint i = 0; i < defs->len; i++) {
    stg_def *def = g_ptr_array_index(defs, i);
    g_ptr_array_add(f->ast->defs, def);
    if (stg_diags_full(f->d))
      continue;
    if (def->kind == STG_DEF_IMPORT)
      do_import(f, file, def, depth);
    else if (def->kind == STG_DEF_ENTITY && def->tsv_path)
      load_tsv(f, file, def);
  }
  g_ptr_array_unref(defs);
}

void stg_front_compile(const char *source, size_t len, const char *name,
                       const stancetag_compile_options *opts, stg_ast **out, stg_diags *d) {
  stg_ast *ast = stg_ast_new();
  *out = ast;
  if (!name)
    name = "<string>";
  if (opts && opts->max_errors)
    d->max_errors = opts->max_errors;
  if (len > STG_MAX_FILE_SIZE) {
    stg_diag_plain(d, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, name,
                   "the rules are larger than 64 MiB");
    return;
  }
  char *text = g_malloc(len + 1);
  if (len)
    memcpy(text, source, len);
  text[len] = '\0';
  stg_ast_add_source(ast, name, text, len);

  front f = {ast,
             d,
             opts,
             g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
             g_ptr_array_new_with_free_func(g_free),
             g_ptr_array_new_with_free_func(g_free)};
  char *key = opts && opts->resolver ? g_strdup(name) : canonical(name);
  g_hash_table_insert(f.loaded, g_strdup(key), GINT_TO_POINTER(1));
  g_ptr_array_add(f.chain, key);
  g_ptr_array_add(f.chain_names, g_strdup(name));
  process_file(&f, 0, 0);
  g_hash_table_unref(f.loaded);
  g_ptr_array_unref(f.chain);
  g_ptr_array_unref(f.chain_names);
  if (!stg_diags_full(d))
    stg_resolve(ast, d);
  /* Work stops at the cap, so say so even if the next error was never produced. */
  if (stg_diags_full(d) && !d->capped)
    stg_diag(d, ast, STANCETAG_SEVERITY_ERROR, (stg_loc){0, 0, 0}, "(dropped)");
}
