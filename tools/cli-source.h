/* cli-source.h: reading documents into pieces for the pipeline with bounded memory. A file or
 * stream is read one chunk at a time; each chunk is cut at a natural boundary (cli-cut.h) and
 * the rest carried over to the next chunk, so no more than one chunk per piece is in memory. */
#ifndef STG_CLI_SOURCE_H
#define STG_CLI_SOURCE_H

#include "cli-pipeline.h"

typedef struct cli_source_opts {
  size_t chunk;         /* bytes per piece at most */
  gboolean binary;      /* scan binary-looking files too */
  gboolean jsonl;       /* inputs are JSON Lines documents */
  const char *id_field; /* JSON Lines member names */
  const char *text_field;
} cli_source_opts;

/* JSON Lines lines longer than this are reported and skipped. */
#define CLI_MAX_JSONL_LINE ((size_t)64 << 20)

/* Reads one input (`path` is "-" for standard input; `name` the document name) and submits its
 * pieces, or its JSON Lines documents, and any error messages. */
void cli_source_read(cli_run *run, const char *path, const char *name, const cli_source_opts *opts);

/* The plain-text part of cli_source_read on an open file (`path` names it in messages):
 * `size` is its size when known (a regular file), else 0. A file smaller than a chunk gets a
 * buffer of its size plus one byte; if it has grown since, reading goes on in whole chunks.
 * Exposed for tests, which pass a stale size to take that path. */
void cli_source_read_plain(cli_run *run, int fd, const char *path, const char *name, size_t size,
                           const cli_source_opts *opts);

#endif
