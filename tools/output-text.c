/* output-text.c: the readable text format (records grouped by document, the sentence of each
 * stance with holder, cue and target highlighted) and the who-stands-where summary table. */
#include "output-priv.h"

#include <string.h>

#define SGR_RESET "\033[0m"
#define SGR_DOC "\033[1;4m"
#define SGR_DIM "\033[2m"
#define SGR_LABEL "\033[35m"
#define SGR_HOLDER "\033[1;36m"
#define SGR_TARGET "\033[1;33m"
#define SGR_SUPPORT "\033[1;32m"
#define SGR_OPPOSE "\033[1;31m"

#define MAX_QUOTE 120    /* bytes of a quoted span shown */
#define MAX_SENTENCE 400 /* bytes of a sentence shown */

static void sgr(GString *out, const out_piece *p, const char *code) {
  if (p->opts->color)
    g_string_append(out, code);
}

/* Terminal-safe text: control characters (C0, DEL, C1; this includes ESC, so document text
 * cannot drive the terminal) become spaces. */
void out_display_escape(GString *out, const char *s, size_t n) {
  const char *end = s + n;
  while (s < end) {
    gunichar u = g_utf8_get_char(s);
    const char *next = g_utf8_next_char(s);
    if (u < 0x20 || (u >= 0x7f && u < 0xa0))
      g_string_append_c(out, ' ');
    else
      g_string_append_len(out, s, next - s);
    s = next;
  }
}

/* Moves i back to the start of a UTF-8 character (at most 3 bytes). */
static size_t char_start(const char *t, size_t i, size_t floor) {
  for (int k = 0; k < 3 && i > floor && ((unsigned char)t[i] & 0xC0) == 0x80; k++)
    i--;
  return i;
}

static void display(GString *out, const out_piece *p, size_t start, size_t end, size_t max) {
  if (!out_clip(p, &start, &end))
    return;
  gboolean cut = end - start > max;
  if (cut)
    end = char_start(p->text, start + max, start);
  out_valid_utf8(out, p->text + start, end - start, out_display_escape);
  if (cut)
    g_string_append(out, "\xE2\x80\xA6");
}

static void quoted(GString *out, const out_piece *p, size_t start, size_t end) {
  g_string_append_c(out, '"');
  display(out, p, start, end, MAX_QUOTE);
  g_string_append_c(out, '"');
}

static void span_label(GString *out, const out_piece *p, size_t start, size_t end) {
  char buf[64];
  g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, p->base + start,
             p->base + end);
  g_string_append_printf(out, "  %-14s ", buf);
}

static void cstr(GString *out, const char *s) {
  out_valid_utf8(out, s ? s : "-", s ? strlen(s) : 1, out_display_escape);
}

static void attrs(GString *out, const stancetag_attr *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    g_string_append_c(out, ' ');
    cstr(out, a[i].name);
    g_string_append_c(out, '=');
    cstr(out, a[i].value);
  }
}

static void entity(GString *out, const out_piece *p, const stancetag_record *r) {
  const stancetag_annotation *a = &r->annotation;
  span_label(out, p, a->start, a->end);
  g_string_append(out, "entity ");
  sgr(out, p, SGR_LABEL);
  cstr(out, a->label);
  sgr(out, p, SGR_RESET);
  g_string_append_c(out, ' ');
  quoted(out, p, a->start, a->end);
  g_string_append(out, " -> ");
  cstr(out, a->id);
  attrs(out, a->attrs, a->n_attrs);
  g_string_append_c(out, '\n');
}

/* The sentence (or a window of it around the match) with holder, cue and target coloured. */
static void sentence(GString *out, const out_piece *p, const stancetag_record *r,
                     const char *stance_sgr) {
  size_t s = r->sentence_start, e = r->sentence_end;
  if (!out_clip(p, &s, &e))
    return;
  gboolean cut_left = FALSE, cut_right = FALSE;
  if (e - s > MAX_SENTENCE) {
    size_t from = r->start > s + MAX_SENTENCE / 4 ? r->start - MAX_SENTENCE / 4 : s;
    from = char_start(p->text, from < e ? from : s, s);
    cut_left = from > s;
    s = from;
    if (e - s > MAX_SENTENCE) {
      e = char_start(p->text, s + MAX_SENTENCE, s);
      cut_right = TRUE;
    }
  }
  struct {
    size_t start, end;
    const char *code;
  } spans[] = {{r->holder.start, r->holder.end, SGR_HOLDER},
               {r->target.start, r->target.end, SGR_TARGET},
               {r->cue_start, r->cue_end, stance_sgr}};
  g_string_append_printf(out, "  %-14s | ", "");
  if (cut_left)
    g_string_append(out, "\xE2\x80\xA6");
  const char *current = NULL;
  for (size_t i = s; i < e;) {
    const char *code = NULL;
    for (size_t k = 0; k < G_N_ELEMENTS(spans); k++)
      if (i >= spans[k].start && i < spans[k].end)
        code = spans[k].code;
    if (code != current) {
      sgr(out, p, current ? SGR_RESET : "");
      if (code)
        sgr(out, p, code);
      current = code;
    }
    /* One character at a time: stop where a span starts or ends. */
    size_t j = i + 1;
    while (j < e && ((unsigned char)p->text[j] & 0xC0) == 0x80)
      j++;
    out_valid_utf8(out, p->text + i, j - i, out_display_escape);
    i = j;
  }
  if (current)
    sgr(out, p, SGR_RESET);
  if (cut_right)
    g_string_append(out, "\xE2\x80\xA6");
  g_string_append_c(out, '\n');
}

static void stance(GString *out, const out_piece *p, const stancetag_record *r) {
  const char *code = r->stance && strcmp(r->stance, "support") == 0 ? SGR_SUPPORT : SGR_OPPOSE;
  span_label(out, p, r->start, r->end);
  g_string_append(out, "stance ");
  sgr(out, p, SGR_HOLDER);
  cstr(out, r->holder.id);
  sgr(out, p, SGR_RESET);
  g_string_append_c(out, ' ');
  sgr(out, p, code);
  cstr(out, r->stance);
  sgr(out, p, SGR_RESET);
  g_string_append_c(out, ' ');
  sgr(out, p, SGR_TARGET);
  cstr(out, r->target.id);
  sgr(out, p, SGR_RESET);
  sgr(out, p, SGR_DIM);
  g_string_append(out, "  (rule ");
  cstr(out, r->rule);
  if (r->flags & STANCETAG_STANCE_NEGATED)
    g_string_append(out, ", negated");
  if (r->flags & STANCETAG_STANCE_HEDGED)
    g_string_append(out, ", hedged");
  g_string_append_c(out, ')');
  attrs(out, r->attrs, r->n_attrs);
  sgr(out, p, SGR_RESET);
  g_string_append_printf(out, "\n  %-14s holder ", "");
  quoted(out, p, r->holder.start, r->holder.end);
  if (r->cue_end > r->cue_start) {
    g_string_append(out, ", cue ");
    quoted(out, p, r->cue_start, r->cue_end);
  }
  g_string_append(out, ", target ");
  quoted(out, p, r->target.start, r->target.end);
  g_string_append_c(out, '\n');
  sentence(out, p, r, code);
}

void out_text_record(GString *out, const out_piece *p, const stancetag_record *r) {
  if (r->kind == STANCETAG_RECORD_STANCE)
    stance(out, p, r);
  else if (r->kind == STANCETAG_RECORD_ENTITY)
    entity(out, p, r);
}

void out_doc_header(GString *out, const out_options *opts, const char *doc) {
  if (opts->color)
    g_string_append(out, SGR_DOC);
  out_valid_utf8(out, doc, strlen(doc), out_display_escape);
  if (opts->color)
    g_string_append(out, SGR_RESET);
  g_string_append_c(out, '\n');
}

/* ---- Summary ------------------------------------------------------------------------- */

struct out_summary {
  GHashTable *counts; /* "holder\037stance\037target" -> guint64* */
};

out_summary *out_summary_new(void) {
  out_summary *s = g_new(out_summary, 1);
  s->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

void out_summary_free(out_summary *s) {
  if (!s)
    return;
  g_hash_table_destroy(s->counts);
  g_free(s);
}

/* A key part: the id, else the annotation's text; display-safe, no unit separators. */
static void key_part(GString *key, const out_piece *p, const stancetag_annotation *a) {
  if (a->id)
    cstr(key, a->id);
  else
    display(key, p, a->start, a->end, MAX_QUOTE);
}

char *out_summary_key(const out_piece *p, const stancetag_record *r) {
  GString *key = g_string_new(NULL);
  key_part(key, p, &r->holder);
  g_string_append_c(key, '\037');
  cstr(key, r->stance);
  g_string_append_c(key, '\037');
  key_part(key, p, &r->target);
  return g_string_free(key, FALSE);
}

void out_summary_add(out_summary *s, const char *key, guint64 count) {
  guint64 *n = g_hash_table_lookup(s->counts, key);
  if (!n) {
    n = g_new0(guint64, 1);
    g_hash_table_insert(s->counts, g_strdup(key), n);
  }
  *n += count;
}

static int compare_keys(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pad(GString *out, const char *s, size_t width) {
  g_string_append(out, s);
  for (size_t w = g_utf8_strlen(s, -1); w < width; w++)
    g_string_append_c(out, ' ');
}

void out_summary_write(GString *out, const out_options *opts, const out_summary *s) {
  guint n = 0;
  char **keys = (char **)g_hash_table_get_keys_as_array(s->counts, &n);
  if (n > 1)
    qsort(keys, n, sizeof *keys, compare_keys);
  const char *head[3] = {"holder", "stance", "target"};
  size_t width[3] = {6, 6, 6};
  guint64 total = 0;
  for (guint i = 0; i < n; i++) {
    char **parts = g_strsplit(keys[i], "\037", 3);
    for (int k = 0; k < 3 && parts[k]; k++)
      width[k] = MAX(width[k], (size_t)g_utf8_strlen(parts[k], -1));
    g_strfreev(parts);
    total += *(guint64 *)g_hash_table_lookup(s->counts, keys[i]);
  }
  if (opts->color)
    g_string_append(out, "\033[1m");
  g_string_append_printf(out, "\nWho stands where (%" G_GUINT64_FORMAT " stance record%s)\n", total,
                         total == 1 ? "" : "s");
  if (opts->color)
    g_string_append(out, SGR_RESET);
  if (n == 0) {
    g_string_append(out, "  no stance records\n");
    g_free(keys);
    return;
  }
  g_string_append(out, "  ");
  for (int k = 0; k < 3; k++) {
    pad(out, head[k], width[k]);
    g_string_append(out, "  ");
  }
  g_string_append(out, "count\n");
  for (guint i = 0; i < n; i++) {
    char **parts = g_strsplit(keys[i], "\037", 3);
    g_string_append(out, "  ");
    for (int k = 0; k < 3; k++) {
      pad(out, parts[k] ? parts[k] : "", width[k]);
      g_string_append(out, "  ");
    }
    g_string_append_printf(out, "%5" G_GUINT64_FORMAT "\n",
                           *(guint64 *)g_hash_table_lookup(s->counts, keys[i]));
    g_strfreev(parts);
  }
  g_free(keys);
}
