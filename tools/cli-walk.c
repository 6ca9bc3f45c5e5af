/* cli-walk.c: recursive directory walk (see cli-walk.h).
 *
 * Order: siblings are sorted by name, directories compared as "name/", which yields the byte
 * order of whole paths ("a-b" < "a/x" because '-' < '/') while walking lazily, one directory
 * listing in memory per level. Loops: the (device, inode) of every directory on the current
 * path is kept; meeting one again through a symbolic link is reported, not followed. */
#include "cli-walk.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

typedef struct visit {
  dev_t dev;
  ino_t ino;
  const struct visit *parent;
} visit;

typedef struct entry {
  char *key; /* name, or name + "/" for a directory */
  char *name;
  gboolean is_dir;
  char *error; /* reported when the walk reaches the entry, to keep messages in path order */
} entry;

static void report(const cli_walk_ops *ops, const char *path, const char *what) {
  char *msg = g_strdup_printf("%s: error: %s", path, what);
  ops->error(msg, ops->ctx);
  g_free(msg);
}

static void report_errno(const cli_walk_ops *ops, const char *path, int err) {
  report(ops, path,
         err == ELOOP ? "symbolic link loop (too many levels of symbolic links)" : g_strerror(err));
}

static gboolean included(const cli_walk_ops *ops, const char *name) {
  if (!ops->includes || ops->includes->len == 0)
    return TRUE;
  for (guint i = 0; i < ops->includes->len; i++)
    if (g_pattern_spec_match_string(ops->includes->pdata[i], name))
      return TRUE;
  return FALSE;
}

static int compare_entries(const void *a, const void *b) {
  return strcmp((*(entry *const *)a)->key, (*(entry *const *)b)->key);
}

static void free_entry(gpointer p) {
  entry *e = p;
  g_free(e->key);
  g_free(e->name);
  g_free(e->error);
  g_free(e);
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  if (n > 0 && dir[n - 1] == '/')
    return g_strconcat(dir, name, NULL);
  return g_strconcat(dir, "/", name, NULL);
}

static void walk_dir(const char *dir, const char *rel, const visit *v, const cli_walk_ops *ops);

static void visit_dir(const char *path, const char *rel, const struct stat *st, const visit *up,
                      const cli_walk_ops *ops) {
  for (const visit *a = up; a; a = a->parent)
    if (a->dev == st->st_dev && a->ino == st->st_ino) {
      report(ops, path, "symbolic link loop (a directory containing itself), not followed");
      return;
    }
  visit here = {st->st_dev, st->st_ino, up};
  walk_dir(path, rel, &here, ops);
}

/* Lists a directory: visible entries with their kind, sorted. NULL after reporting. */
static GPtrArray *list_dir(const char *dir, const cli_walk_ops *ops) {
  DIR *d = opendir(dir);
  if (!d) {
    report_errno(ops, dir, errno);
    return NULL;
  }
  GPtrArray *list = g_ptr_array_new_with_free_func(free_entry);
  struct dirent *de;
  errno = 0;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') /* hidden, and . and .. */
      continue;
    char *path = join(dir, de->d_name);
    struct stat st;
    const char *error = NULL;
    gboolean is_dir = FALSE;
    int failed = stat(path, &st) != 0 ? errno : 0;
    if (failed && !included(ops, de->d_name)) {
      g_free(path); /* broken, but filtered out by --include anyway */
      errno = 0;
      continue;
    }
    if (failed) {
      error = failed == ELOOP ? "symbolic link loop (too many levels of symbolic links)"
                              : g_strerror(failed);
    } else if (S_ISDIR(st.st_mode)) {
      is_dir = TRUE;
    } else if (!included(ops, de->d_name)) {
      g_free(path); /* filtered out by --include */
      errno = 0;
      continue;
    } else if (!S_ISREG(st.st_mode)) {
      error = "not a regular file or directory, skipped";
    }
    entry *e = g_new(entry, 1);
    e->is_dir = is_dir;
    e->name = g_strdup(de->d_name);
    e->key = g_strconcat(de->d_name, is_dir ? "/" : "", NULL);
    e->error = error ? g_strdup(error) : NULL;
    g_ptr_array_add(list, e);
    g_free(path);
    errno = 0;
  }
  if (errno != 0)
    report_errno(ops, dir, errno);
  closedir(d);
  if (list->len > 1) /* pdata is NULL when empty */
    qsort(list->pdata, list->len, sizeof(gpointer), compare_entries);
  return list;
}

static void walk_dir(const char *dir, const char *rel, const visit *v, const cli_walk_ops *ops) {
  GPtrArray *list = list_dir(dir, ops);
  if (!list)
    return;
  for (guint i = 0; i < list->len; i++) {
    entry *e = list->pdata[i];
    char *path = join(dir, e->name);
    char *name = *rel ? g_strconcat(rel, "/", e->name, NULL) : g_strdup(e->name);
    if (e->error) {
      report(ops, path, e->error);
    } else if (e->is_dir) {
      struct stat st;
      if (stat(path, &st) != 0)
        report_errno(ops, path, errno);
      else
        visit_dir(path, name, &st, v, ops);
    } else {
      ops->file(path, name, ops->ctx);
    }
    g_free(name);
    g_free(path);
  }
  g_ptr_array_free(list, TRUE);
}

void cli_walk(const char *path, const cli_walk_ops *ops) {
  struct stat st;
  if (stat(path, &st) != 0) {
    report_errno(ops, path, errno);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    visit_dir(path, "", &st, NULL, ops);
    return;
  }
  /* Files named on the command line are read whatever their kind (pipes from <(...) too) and
   * whatever --include says. */
  char *base = g_path_get_basename(path);
  ops->file(path, base, ops->ctx);
  g_free(base);
}
