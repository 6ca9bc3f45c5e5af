/* cli-pipeline.c: worker pool and in-order emission (see cli-pipeline.h). */
#include "cli-pipeline.h"
#include "cli.h"

#include <errno.h>
#include <string.h>

#define FLUSH_AT (1u << 20)              /* single-thread mode: write output every 1 MiB */
#define PROGRESS_AFTER_US G_USEC_PER_SEC /* show progress only for runs longer than this */
#define PROGRESS_EVERY_US (G_USEC_PER_SEC / 5)
/* With worker threads, small whole documents travel in batches: one hand-over (lock, wake-up,
 * completion) per batch instead of two per document, which dominated a directory of news
 * articles of a few KB each. A document whose first piece is at most BATCH_PIECE bytes joins
 * the batch; a batch is handed over once it holds BATCH_BYTES of text or BATCH_DOCS
 * documents, or before anything else is submitted (a message, a larger piece). */
#define BATCH_PIECE (64u << 10)
#define BATCH_BYTES (64u << 10)
#define BATCH_DOCS 32u

struct cli_doc {
  char *name, *path;
  gboolean header_done; /* text format: document name printed */
  guint64 invalid_utf8, first_invalid;
};

typedef enum unit_kind { UNIT_PIECE, UNIT_END, UNIT_MESSAGE, UNIT_BATCH } unit_kind;

typedef struct unit {
  unit_kind kind;
  cli_doc *doc;
  GBytes *text;
  guint64 base;
  GPtrArray *subs; /* UNIT_BATCH: PIECE and END units of small documents, in input order */
  size_t bytes;    /* text in flight: the piece's, or the pieces' of a batch */
  char *message;
  gboolean failure;
  /* results, written by the worker that scans the piece */
  GString *out;
  GPtrArray *keys; /* text format: summary keys of the stance records */
  stancetag_scan_info info;
  int rc;
  gboolean done;
} unit;

struct cli_run {
  cli_run_config cfg;
  stancetag_scratch **scratches; /* one per worker; [0] in single-thread mode */
  GThread **workers;
  unsigned n_workers; /* 0: single-thread mode */
  GMutex lock;
  GCond work_cond, done_cond;
  GQueue pending;  /* pieces not yet taken by a worker */
  GQueue inflight; /* every submitted unit not yet emitted, in input order */
  guint max_inflight;
  size_t inflight_bytes, max_inflight_bytes;
  guint idle_workers;    /* waiting for work: only then is a submit signalled */
  gboolean main_waiting; /* the main thread waits for the head unit: only its completion
                            is signalled */
  GPtrArray *spare;       /* output buffers written and emptied, for the next pieces: no
                             allocation (and no malloc arena traffic between threads) per
                             document */
  GPtrArray *batch;       /* main thread only: units of the batch being gathered */
  size_t batch_bytes;
  guint batch_docs;
  gboolean stopping;
  /* main thread only */
  out_summary *summary;
  gboolean failed, wrote_doc;
  gint64 start_us, progress_us;
  gboolean progress_shown;
  guint64 bytes_done, docs_done;
};

typedef struct scan_ctx {
  cli_run *run;
  unit *u;
  out_piece piece;
} scan_ctx;

/* Writes a unit's formatted output (main thread). */
static void write_output(cli_run *run, unit *u) {
  if (u->out->len == 0)
    return;
  if (run->cfg.out.format == OUT_TEXT && !u->doc->header_done) {
    GString *head = g_string_new(run->wrote_doc ? "\n" : "");
    out_doc_header(head, &run->cfg.out, u->doc->name);
    fwrite(head->str, 1, head->len, run->cfg.output);
    g_string_free(head, TRUE);
    u->doc->header_done = run->wrote_doc = TRUE;
  }
  fwrite(u->out->str, 1, u->out->len, run->cfg.output);
  g_string_truncate(u->out, 0);
}

static int on_record(const stancetag_record *r, void *data) {
  scan_ctx *c = data;
  out_record(c->u->out, &c->piece, r);
  if (c->run->cfg.out.format == OUT_TEXT && r->kind == STANCETAG_RECORD_STANCE)
    g_ptr_array_add(c->u->keys, out_summary_key(&c->piece, r));
  if (c->run->n_workers == 0 && c->u->out->len >= FLUSH_AT)
    write_output(c->run, c->u); /* single-thread mode: this is the main thread */
  return 0;
}

static void process_piece(cli_run *run, unit *u, stancetag_scratch *scratch) {
  gsize len = 0;
  const char *text = g_bytes_get_data(u->text, &len);
  scan_ctx c = {run, u, {&run->cfg.out, u->doc->name, text, len, u->base}};
  u->rc = stancetag_scan(run->cfg.program, scratch, text, len, run->cfg.scan_flags, on_record, &c,
                         &u->info);
}

/* Scans a PIECE unit, or the pieces of a BATCH (their output buffers taken). */
static void process(cli_run *run, unit *u, stancetag_scratch *scratch) {
  if (u->kind == UNIT_PIECE)
    process_piece(run, u, scratch);
  for (guint i = 0; u->subs && i < u->subs->len; i++)
    process(run, u->subs->pdata[i], scratch);
}

static void clear_progress(cli_run *run) {
  if (run->progress_shown) {
    fputs("\r\033[K", stderr);
    run->progress_shown = FALSE;
  }
}

static void progress(cli_run *run) {
  if (!run->cfg.progress)
    return;
  gint64 now = g_get_monotonic_time();
  if (now - run->start_us < PROGRESS_AFTER_US || now - run->progress_us < PROGRESS_EVERY_US)
    return;
  run->progress_us = now;
  double mb = (double)run->bytes_done / 1e6, secs = (double)(now - run->start_us) / 1e6;
  fprintf(stderr, "\rstancetag: %" G_GUINT64_FORMAT " documents, %.1f MB, %.1f MB/s\033[K",
          run->docs_done, mb, mb / secs);
  run->progress_shown = TRUE;
}

static void message(cli_run *run, const char *text, gboolean failure) {
  clear_progress(run);
  fprintf(stderr, "%s\n", text);
  run->failed = run->failed || failure;
}

static void free_buffer(gpointer b) {
  g_string_free(b, TRUE);
}

/* A buffer for a piece's output: a spare one, else a new one. Called with the lock held. */
static GString *take_buffer(cli_run *run) {
  return run->spare->len ? g_ptr_array_steal_index_fast(run->spare, run->spare->len - 1)
                         : g_string_sized_new(4096);
}

/* Output buffers for a PIECE unit or every piece of a BATCH. Called with the lock held. */
static void take_buffers(cli_run *run, unit *u) {
  if (u->kind == UNIT_PIECE)
    u->out = take_buffer(run);
  for (guint i = 0; u->subs && i < u->subs->len; i++)
    take_buffers(run, u->subs->pdata[i]);
}

/* Gives back a unit's output buffers (emptied by write_output). Called with the lock held. */
static void keep_buffer(cli_run *run, unit *u) {
  for (guint i = 0; u->subs && i < u->subs->len; i++)
    keep_buffer(run, u->subs->pdata[i]);
  if (u->out && run->spare->len < MAX(run->max_inflight, 1) && u->out->allocated_len <= (8u << 20)) {
    g_ptr_array_add(run->spare, u->out);
    u->out = NULL;
  }
}

static void free_unit(unit *u) {
  if (u->subs) {
    for (guint i = 0; i < u->subs->len; i++)
      free_unit(u->subs->pdata[i]);
    g_ptr_array_free(u->subs, TRUE);
  }
  if (u->text)
    g_bytes_unref(u->text);
  if (u->out)
    g_string_free(u->out, TRUE);
  if (u->keys)
    g_ptr_array_free(u->keys, TRUE);
  g_free(u->message);
  g_free(u);
}

static void free_doc(cli_doc *d) {
  g_free(d->name);
  g_free(d->path);
  g_free(d);
}

/* Main thread, in input order. */
static void emit(cli_run *run, unit *u) {
  cli_doc *d = u->doc;
  switch (u->kind) {
  case UNIT_BATCH:
    for (guint i = 0; i < u->subs->len; i++)
      emit(run, u->subs->pdata[i]);
    return;
  case UNIT_MESSAGE:
    message(run, u->message, u->failure);
    break;
  case UNIT_PIECE:
    write_output(run, u);
    for (guint i = 0; i < u->keys->len; i++)
      out_summary_add(run->summary, u->keys->pdata[i], 1);
    run->bytes_done += g_bytes_get_size(u->text);
    if (u->rc != STANCETAG_OK) {
      char *m = g_strdup_printf("%s: error: scanning failed at byte %" G_GUINT64_FORMAT ": %s",
                                d->path, u->base, stancetag_strerror(u->rc));
      message(run, m, TRUE);
      g_free(m);
    } else if (u->info.invalid_utf8 > 0) {
      if (d->invalid_utf8 == 0)
        d->first_invalid = u->base + u->info.first_invalid_offset;
      d->invalid_utf8 += u->info.invalid_utf8;
    }
    break;
  case UNIT_END:
    if (d->invalid_utf8 > 0) {
      char *m = g_strdup_printf("%s: warning: invalid UTF-8 at byte %" G_GUINT64_FORMAT
                                " (%" G_GUINT64_FORMAT " sequence%s)",
                                d->path, d->first_invalid, d->invalid_utf8,
                                d->invalid_utf8 == 1 ? "" : "s");
      message(run, m, FALSE);
      g_free(m);
    }
    run->docs_done++;
    free_doc(d);
    break;
  }
  progress(run);
}

static gpointer worker(gpointer data) {
  cli_run *run = ((gpointer *)data)[0];
  stancetag_scratch *scratch = ((gpointer *)data)[1];
  g_free(data);
  g_mutex_lock(&run->lock);
  for (;;) {
    while (g_queue_is_empty(&run->pending) && !run->stopping) {
      run->idle_workers++;
      g_cond_wait(&run->work_cond, &run->lock);
      run->idle_workers--;
    }
    unit *u = g_queue_pop_head(&run->pending);
    if (!u)
      break;
    take_buffers(run, u);
    g_mutex_unlock(&run->lock);
    process(run, u, scratch);
    g_mutex_lock(&run->lock);
    u->done = TRUE;
    if (run->main_waiting && g_queue_peek_head(&run->inflight) == u)
      g_cond_signal(&run->done_cond);
  }
  g_mutex_unlock(&run->lock);
  return NULL;
}

static gboolean full(cli_run *run, guint limit, size_t bytes) {
  return g_queue_get_length(&run->inflight) > limit || run->inflight_bytes > bytes;
}

/* Emits finished units from the head; while more than `limit` units or `bytes` of text are in
 * flight, waits, and then until half as many are (fewer wake-ups). Called with the lock
 * held. */
static void drain(cli_run *run, guint limit, size_t bytes) {
  gboolean waited = FALSE;
  for (;;) {
    unit *head = g_queue_peek_head(&run->inflight);
    if (head && head->done) {
      g_queue_pop_head(&run->inflight);
      run->inflight_bytes -= head->bytes;
      g_mutex_unlock(&run->lock);
      emit(run, head);
      g_mutex_lock(&run->lock);
      keep_buffer(run, head);
      free_unit(head);
      continue;
    }
    if (!(waited ? full(run, limit / 2, bytes / 2) : full(run, limit, bytes)))
      return;
    waited = TRUE;
    run->main_waiting = TRUE;
    if (run->cfg.progress) {
      g_cond_wait_until(&run->done_cond, &run->lock, g_get_monotonic_time() + PROGRESS_EVERY_US);
      progress(run);
    } else {
      g_cond_wait(&run->done_cond, &run->lock);
    }
    run->main_waiting = FALSE;
  }
}

static void submit(cli_run *run, unit *u) {
  if (run->n_workers == 0) {
    if (u->kind == UNIT_PIECE) {
      u->out = take_buffer(run);
      process(run, u, run->scratches[0]);
    }
    emit(run, u);
    keep_buffer(run, u);
    free_unit(u);
    return;
  }
  g_mutex_lock(&run->lock);
  g_queue_push_tail(&run->inflight, u);
  if (u->kind == UNIT_PIECE || u->kind == UNIT_BATCH) {
    run->inflight_bytes += u->bytes;
    g_queue_push_tail(&run->pending, u);
    if (run->idle_workers)
      g_cond_signal(&run->work_cond);
  } else {
    u->done = TRUE;
  }
  drain(run, run->max_inflight - 1, run->max_inflight_bytes);
  g_mutex_unlock(&run->lock);
}

/* Hands over the batch being gathered: as one unit, or its only unit alone. Main thread. */
void cli_run_flush(cli_run *run) {
  if (!run->batch || run->batch->len == 0)
    return;
  unit *u;
  if (run->batch->len == 1) {
    u = g_ptr_array_steal_index(run->batch, 0);
  } else {
    u = g_new0(unit, 1);
    u->kind = UNIT_BATCH;
    u->subs = run->batch;
    u->bytes = run->batch_bytes;
    run->batch = g_ptr_array_new();
  }
  run->batch_bytes = 0;
  run->batch_docs = 0;
  submit(run, u);
}

/* Is `doc` the document whose piece the batch ends with? */
static gboolean batch_has_doc(const cli_run *run, const cli_doc *doc) {
  return run->batch && run->batch->len &&
         ((const unit *)run->batch->pdata[run->batch->len - 1])->doc == doc;
}

cli_run *cli_run_new(const cli_run_config *cfg) {
  cli_run *run = g_new0(cli_run, 1);
  run->cfg = *cfg;
  unsigned n = cfg->threads > 1 ? cfg->threads : 1;
  run->scratches = g_new0(stancetag_scratch *, n);
  for (unsigned i = 0; i < n; i++) {
    int rc = stancetag_scratch_alloc(cfg->program, &run->scratches[i]);
    if (rc != STANCETAG_OK) {
      fprintf(stderr, "stancetag: error: cannot allocate scanning state: %s\n",
              stancetag_strerror(rc));
      for (unsigned k = 0; k < i; k++)
        stancetag_scratch_free(run->scratches[k]);
      g_free(run->scratches);
      g_free(run);
      return NULL;
    }
  }
  g_mutex_init(&run->lock);
  g_cond_init(&run->work_cond);
  g_cond_init(&run->done_cond);
  g_queue_init(&run->pending);
  g_queue_init(&run->inflight);
  run->summary = out_summary_new();
  run->spare = g_ptr_array_new_with_free_func(free_buffer);
  run->start_us = g_get_monotonic_time();
  if (cfg->threads > 1) {
    run->n_workers = cfg->threads;
    run->max_inflight = 64 * cfg->threads;
    run->max_inflight_bytes =
        cfg->max_inflight_bytes ? cfg->max_inflight_bytes : (2 * (size_t)cfg->threads + 2) << 20;
    run->batch = g_ptr_array_new();
    run->workers = g_new0(GThread *, n);
    for (unsigned i = 0; i < n; i++) {
      gpointer *arg = g_new(gpointer, 2);
      arg[0] = run;
      arg[1] = run->scratches[i];
      run->workers[i] = g_thread_new("stancetag-scan", worker, arg);
    }
  }
  if (cfg->out.format == OUT_TSV) {
    GString *h = g_string_new(NULL);
    out_tsv_header(h);
    fwrite(h->str, 1, h->len, cfg->output);
    g_string_free(h, TRUE);
  }
  return run;
}

cli_doc *cli_run_doc_begin(cli_run *run, const char *name, const char *path) {
  cli_doc *d = g_new0(cli_doc, 1);
  d->name = g_strdup(name);
  d->path = g_strdup(path);
  return d;
}

void cli_run_piece(cli_run *run, cli_doc *doc, GBytes *text, guint64 base) {
  if (g_bytes_get_size(text) == 0) {
    g_bytes_unref(text);
    return;
  }
  unit *u = g_new0(unit, 1);
  u->kind = UNIT_PIECE;
  u->doc = doc;
  u->text = text;
  u->base = base;
  u->bytes = g_bytes_get_size(text);
  u->keys = g_ptr_array_new_with_free_func(g_free);
  if (run->batch && base == 0 && u->bytes <= BATCH_PIECE) {
    g_ptr_array_add(run->batch, u);
    run->batch_bytes += u->bytes;
    return;
  }
  cli_run_flush(run);
  submit(run, u);
}

void cli_run_doc_end(cli_run *run, cli_doc *doc) {
  unit *u = g_new0(unit, 1);
  u->kind = UNIT_END;
  u->doc = doc;
  if (batch_has_doc(run, doc)) {
    g_ptr_array_add(run->batch, u);
    if (++run->batch_docs >= BATCH_DOCS || run->batch_bytes >= BATCH_BYTES)
      cli_run_flush(run);
    return;
  }
  cli_run_flush(run);
  submit(run, u);
}

void cli_run_message(cli_run *run, const char *text, gboolean failure) {
  cli_run_flush(run);
  unit *u = g_new0(unit, 1);
  u->kind = UNIT_MESSAGE;
  u->message = g_strdup(text);
  u->failure = failure;
  submit(run, u);
}

int cli_run_finish(cli_run *run) {
  unsigned n = run->n_workers ? run->n_workers : 1;
  if (run->n_workers) {
    cli_run_flush(run);
    g_ptr_array_free(run->batch, TRUE);
    g_mutex_lock(&run->lock);
    drain(run, 0, 0);
    run->stopping = TRUE;
    g_cond_broadcast(&run->work_cond);
    g_mutex_unlock(&run->lock);
    for (unsigned i = 0; i < run->n_workers; i++)
      g_thread_join(run->workers[i]);
    g_free(run->workers);
  }
  clear_progress(run);
  if (run->cfg.out.format == OUT_TEXT) {
    GString *s = g_string_new(NULL);
    out_summary_write(s, &run->cfg.out, run->summary);
    fwrite(s->str, 1, s->len, run->cfg.output);
    g_string_free(s, TRUE);
  }
  int status = run->failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
  if (fflush(run->cfg.output) != 0 || ferror(run->cfg.output)) {
    fprintf(stderr, "stancetag: error: cannot write the output: %s\n", g_strerror(errno));
    status = CLI_EXIT_FAIL;
  }
  for (unsigned i = 0; i < n; i++)
    stancetag_scratch_free(run->scratches[i]);
  g_free(run->scratches);
  out_summary_free(run->summary);
  g_ptr_array_free(run->spare, TRUE);
  g_mutex_clear(&run->lock);
  g_cond_clear(&run->work_cond);
  g_cond_clear(&run->done_cond);
  g_free(run);
  return status;
}
