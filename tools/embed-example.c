/* embed-example.c: using libstancetag from a program.
 *
 * Compiles rules from a string once, then scans sentences from two threads that share the
 * program, each with its own scratch. Build against an installed library with
 *   cc embed-example.c $(pkg-config --cflags --libs stancetag) -pthread
 * Only the public header is used; no GLib needed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stancetag.h>

static const char rules[] =
    "entity COUNTRY {\n"
    "  \"United States\" | \"US\"  -> id USA\n"
    "  \"Russia\"                -> id RUS\n"
    "  \"China\"                 -> id CHN\n"
    "}\n"
    "words OPPOSE  = verb(oppose, reject)          -> polarity oppose\n"
    "words SUPPORT = verb(support, back, welcome)  -> polarity support\n"
    "span TARGET { \"immediate\"? (\"ceasefire\" | \"truce\") -> id ceasefire }\n"
    "rule active:\n"
    "    holder:COUNTRY _{0,4} cue:(OPPOSE | SUPPORT) _{0,6} target:TARGET\n"
    "    => stance(holder, polarity(cue), target)\n";

static const char *const sentences[] = {
    "The United States opposes an immediate ceasefire.",
    "Russia welcomed the truce.",
    "China backs the ceasefire, officials said.",
    "Nothing happened today.",
};

typedef struct job {
  const stancetag_program *program; /* shared, read-only */
  size_t first, step;               /* which sentences this thread scans */
  char out[4096];                   /* what it found, printed after the join */
  size_t len;
  int rc;
} job;

/* Called for each record, in document order; `r` is valid during the call only. */
static int on_record(const stancetag_record *r, void *ctx) {
  job *j = ctx;
  if (r->kind != STANCETAG_RECORD_STANCE)
    return 0;
  int n = snprintf(j->out + j->len, sizeof j->out - j->len, "  %s %s %s (rule %s, bytes %zu-%zu)\n",
                   r->holder.id, r->stance, r->target.id, r->rule, r->start, r->end);
  if (n > 0 && (size_t)n < sizeof j->out - j->len)
    j->len += (size_t)n;
  return 0;
}

static void *scan_some(void *arg) {
  job *j = arg;
  stancetag_scratch *scratch = NULL; /* one per thread */
  j->rc = stancetag_scratch_alloc(j->program, &scratch);
  for (size_t i = j->first; j->rc == STANCETAG_OK && i < sizeof sentences / sizeof *sentences;
       i += j->step) {
    int n = snprintf(j->out + j->len, sizeof j->out - j->len, "%s\n", sentences[i]);
    j->len += n > 0 ? (size_t)n : 0;
    j->rc = stancetag_scan(j->program, scratch, sentences[i], strlen(sentences[i]), 0, on_record, j,
                           NULL);
  }
  stancetag_scratch_free(scratch);
  return NULL;
}

int main(void) {
  stancetag_program *program = NULL;
  stancetag_error *diags = NULL;
  int rc = stancetag_compile(rules, sizeof rules - 1, "example.rules", NULL, &program, &diags);
  for (stancetag_error *e = diags; e; e = e->next) {
    char *text = stancetag_error_format(e);
    fprintf(stderr, "%s", text ? text : "?\n");
    free(text);
  }
  stancetag_error_free(diags);
  if (rc != STANCETAG_OK) {
    fprintf(stderr, "compile: %s\n", stancetag_strerror(rc));
    return 2;
  }

  job jobs[2] = {{program, 0, 2, {0}, 0, 0}, {program, 1, 2, {0}, 0, 0}};
  pthread_t threads[2];
  for (int i = 0; i < 2; i++)
    if (pthread_create(&threads[i], NULL, scan_some, &jobs[i]) != 0)
      return 1;
  int status = 0;
  for (int i = 0; i < 2; i++) {
    pthread_join(threads[i], NULL);
    printf("thread %d:\n%.*s", i, (int)jobs[i].len, jobs[i].out);
    if (jobs[i].rc != STANCETAG_OK) {
      fprintf(stderr, "scan: %s\n", stancetag_strerror(jobs[i].rc));
      status = 1;
    }
  }
  stancetag_program_free(program);
  printf("stancetag %s\n", stancetag_version());
  return status;
}
