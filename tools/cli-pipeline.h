/* cli-pipeline.h: scanning documents on a pool of worker threads (one shared program, one
 * scratch per worker) while writing their output in input order, so that the output does not
 * depend on the number of threads.
 *
 * The main thread submits units in order: pieces of documents, document ends and messages.
 * The text in flight is bounded by `max_inflight_bytes` (2 * threads + 2 chunks), which
 * bounds memory; small documents may have many more units in flight (up to 64 per thread),
 * and small whole documents are handed over in batches (one unit for up to 32 of them), so
 * workers and the main thread wake each other rarely. With one thread everything runs on
 * the main thread and output is streamed. */
#ifndef STG_CLI_PIPELINE_H
#define STG_CLI_PIPELINE_H

#include <glib.h>
#include <stdio.h>

#include "output.h"
#include "stancetag.h"

typedef struct cli_run_config {
  const stancetag_program *program;
  out_options out;
  unsigned scan_flags; /* STANCETAG_SCAN_* */
  unsigned threads;    /* >= 1 */
  size_t max_inflight_bytes; /* text of the pieces in flight; 0: 2 * threads + 2 MiB */
  FILE *output;
  gboolean progress; /* a progress line on stderr once the run takes over a second */
} cli_run_config;

typedef struct cli_run cli_run;
typedef struct cli_doc cli_doc;

/* Returns NULL (after printing why) when a scratch cannot be allocated. */
cli_run *cli_run_new(const cli_run_config *cfg);

/* A document: its name in the output and the path used in messages. */
cli_doc *cli_run_doc_begin(cli_run *run, const char *name, const char *path);
/* The next piece of the document (the run takes `text`); `base` is its offset in it. */
void cli_run_piece(cli_run *run, cli_doc *doc, GBytes *text, guint64 base);
/* The document is complete; `doc` must not be used afterwards. */
void cli_run_doc_end(cli_run *run, cli_doc *doc);

/* Hands over the small documents gathered so far (with worker threads, they travel in
 * batches). Call before a read that may block, so their output does not wait for it. */
void cli_run_flush(cli_run *run);

/* A message line for stderr, printed in input order; `failure` makes the exit status 1. */
void cli_run_message(cli_run *run, const char *message, gboolean failure);

/* Waits for all work, writes the text summary, frees the run. Returns the exit status. */
int cli_run_finish(cli_run *run);

#endif
