/* output.h: formatting scan records as JSON Lines, readable text or TSV, and the text
 * format's who-stands-where summary. Formatting appends to a GString, so worker threads can
 * format into per-document buffers that the main thread writes in input order. */
#ifndef STG_OUTPUT_H
#define STG_OUTPUT_H

#include <glib.h>

#include "stancetag.h"

typedef enum out_format { OUT_JSONL, OUT_TEXT, OUT_TSV } out_format;

typedef struct out_options {
  out_format format;
  gboolean color; /* ANSI colours (text format only) */
} out_options;

/* The piece of a document that records refer to. */
typedef struct out_piece {
  const out_options *opts;
  const char *doc;  /* document name as printed */
  const char *text; /* the piece's bytes */
  size_t len;
  guint64 base; /* offset of text[0] in the document: added to every reported offset */
} out_piece;

/* Appends one record in the chosen format (TSV: stances only; entities are ignored). */
void out_record(GString *out, const out_piece *piece, const stancetag_record *r);

/* Text format: the line introducing a document's records. */
void out_doc_header(GString *out, const out_options *opts, const char *doc);

/* TSV: the header line. */
void out_tsv_header(GString *out);

/* Appends s[0..len) as a JSON string literal (with quotes); invalid UTF-8 becomes U+FFFD. */
void out_json_string(GString *out, const char *s, size_t len);

/* The summary: counts of (holder id, stance, target id). */
typedef struct out_summary out_summary;
out_summary *out_summary_new(void);
void out_summary_free(out_summary *s);
/* A key for a stance record, to be counted with out_summary_add (g_free it). */
char *out_summary_key(const out_piece *piece, const stancetag_record *r);
void out_summary_add(out_summary *s, const char *key, guint64 count);
void out_summary_write(GString *out, const out_options *opts, const out_summary *s);

#endif
