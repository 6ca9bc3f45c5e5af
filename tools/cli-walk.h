/* cli-walk.h: turning PATH arguments into the files to tag: directories recursively, in byte
 * order of path, hidden entries skipped, --include globs, symbolic link loops detected. */
#ifndef STG_CLI_WALK_H
#define STG_CLI_WALK_H

#include <glib.h>

typedef struct cli_walk_ops {
  /* A file to tag: `path` to open, `name` the document name (base name for a file given on
   * the command line, path relative to the given directory for a file found in one). */
  void (*file)(const char *path, const char *name, void *ctx);
  /* A path that cannot be processed; `message` is the complete line without newline. */
  void (*error)(const char *message, void *ctx);
  void *ctx;
  GPtrArray *includes; /* GPatternSpec*; NULL or empty: every file */
} cli_walk_ops;

/* Walks one PATH argument. */
void cli_walk(const char *path, const cli_walk_ops *ops);

#endif
