/* diag.c: diagnostics lists, and the public stancetag_error_* functions.
 *
 * Locations are byte offsets; line, column and the source line are computed here, once per
 * diagnostic, so the lexer and parser never track lines. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_ERRORS 50
/* Warnings are capped too, so a generated rule set cannot make a huge list. */
#define MIN_MAX_WARNINGS 1000
/* Longer source lines are cut, so a 10 MB line of garbage is not copied per diagnostic. */
#define MAX_SOURCE_LINE 4096

void stg_diags_init(stg_diags *d, unsigned max_errors) {
  memset(d, 0, sizeof *d);
  d->max_errors = max_errors ? max_errors : DEFAULT_MAX_ERRORS;
}

gboolean stg_diags_full(const stg_diags *d) {
  unsigned max = d->max_errors ? d->max_errors : DEFAULT_MAX_ERRORS;
  return d->capped || d->n_errors >= max;
}

/* The list is built with malloc, not g_malloc: callers free it with stancetag_error_free. */
static char *xstrdup(const char *s) {
  return s ? g_strdup(s) : NULL;
}

static void link_item(stg_diags *d, stancetag_error *e) {
  if (d->tail)
    d->tail->next = e;
  else
    d->head = e;
  d->tail = e;
}

static stancetag_error *new_item(int code, stancetag_severity sev, char *message,
                                 const char *file) {
  stancetag_error *e = g_new0(stancetag_error, 1);
  e->code = code;
  e->severity = sev;
  e->message = message;
  e->file = xstrdup(file);
  return e;
}

/* Bytes of the control character at p (C0, DEL or a UTF-8 C1 U+0080..U+009F), 0 for none. */
static int control_len(const char *p) {
  unsigned char c = (unsigned char)p[0], d = (unsigned char)p[1];
  if (c < 0x20 || c == 0x7f)
    return 1;
  return c == 0xC2 && d >= 0x80 && d <= 0x9f ? 2 : 0;
}

/* A message is one line: control characters in the user text it quotes (a word class member
 * "a\nb") are written as the rule language's escapes (\n, \t, \u{1B}), so they cannot break
 * the line or drive a terminal. Takes ownership of `msg`. */
static char *escape_controls(char *msg) {
  const char *p = msg;
  while (*p && !control_len(p))
    p++;
  if (!*p)
    return msg;
  GString *out = g_string_new_len(msg, p - msg);
  for (; *p; p++) {
    int n = control_len(p);
    if (*p == '\n')
      g_string_append(out, "\\n");
    else if (*p == '\t')
      g_string_append(out, "\\t");
    else if (n)
      g_string_append_printf(out, "\\u{%X}", (unsigned char)p[n - 1]); /* C1: the 2nd byte */
    else
      g_string_append_c(out, *p);
    p += n > 1;
  }
  g_free(msg);
  return g_string_free(out, FALSE);
}

/* Decides whether an item of `sev` is kept; adds the single "too many" note when not. */
static gboolean admit(stg_diags *d, stancetag_severity sev) {
  unsigned max = d->max_errors ? d->max_errors : DEFAULT_MAX_ERRORS;
  if (sev == STANCETAG_SEVERITY_ERROR) {
    if (d->capped)
      return FALSE;
    if (d->n_errors >= max) {
      d->capped = TRUE;
      link_item(d, new_item(STANCETAG_ECOMPILE, STANCETAG_SEVERITY_NOTE,
                            g_strdup_printf("too many errors, stopping after %u", max), NULL));
      return FALSE;
    }
    d->n_errors++;
    return TRUE;
  }
  if (sev == STANCETAG_SEVERITY_WARNING) {
    unsigned wmax = MAX(max, MIN_MAX_WARNINGS);
    if (d->n_warnings > wmax)
      return FALSE;
    if (d->n_warnings++ == wmax) {
      link_item(d, new_item(STANCETAG_ECOMPILE, STANCETAG_SEVERITY_NOTE,
                            g_strdup_printf("too many warnings, stopping after %u", wmax), NULL));
      return FALSE;
    }
    return TRUE;
  }
  /* A note belongs to the item before it: keep it only if that one was kept. */
  return !d->capped;
}

/* Copies a source line for display: NUL bytes, control characters and invalid UTF-8 become
 * '?', one byte each, so byte columns still line up. */
static char *display_line(const char *s, size_t n) {
  char *out = g_malloc(n + 1);
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      out[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
      i++;
      continue;
    }
    const char *end = NULL;
    size_t clen = 1;
    while (clen < 4 && i + clen < n && ((unsigned char)s[i + clen] & 0xC0) == 0x80)
      clen++;
    if (g_utf8_validate(s + i, (gssize)clen, &end) && end == s + i + clen &&
        g_utf8_get_char_validated(s + i, (gssize)clen) < 0x110000) {
      memcpy(out + i, s + i, clen);
      i += clen;
    } else {
      out[i++] = '?';
    }
  }
  out[n] = '\0';
  return out;
}

static void locate(stancetag_error *e, const stg_source *src, stg_loc loc) {
  size_t off = MIN((size_t)loc.start, src->len);
  size_t end = MAX(off, MIN((size_t)loc.end, src->len));
  const char *t = src->text;
  unsigned line = 1;
  size_t line_start = 0;
  for (const char *p = t; (p = memchr(p, '\n', off - (size_t)(p - t))) != NULL; p++) {
    line++;
    line_start = (size_t)(p - t) + 1;
  }
  const char *nl = memchr(t + line_start, '\n', src->len - line_start);
  size_t line_end = nl ? (size_t)(nl - t) : src->len;
  if (line_end > line_start && t[line_end - 1] == '\r')
    line_end--;
  e->line = line;
  e->column = (unsigned)(off - line_start + 1);
  e->offset = off;
  e->length = end - off;
  size_t keep = line_end - line_start;
  if (keep > MAX_SOURCE_LINE) {
    /* Keep what the caret needs, if that is still reasonable. */
    keep = off - line_start + 80 < MAX_SOURCE_LINE ? MAX_SOURCE_LINE : 0;
    while (keep > 0 && ((unsigned char)t[line_start + keep] & 0xC0) == 0x80)
      keep--;
  }
  if (keep > 0 || line_end == line_start)
    e->source_line = display_line(t + line_start, keep);
}

static void vdiag(stg_diags *d, const stg_ast *ast, int code, stancetag_severity sev, stg_loc loc,
                  const char *fmt, va_list ap) {
  if (!admit(d, sev))
    return;
  const stg_source *src =
      ast && loc.file < ast->sources->len ? g_ptr_array_index(ast->sources, loc.file) : NULL;
  stancetag_error *e =
      new_item(code, sev, escape_controls(g_strdup_vprintf(fmt, ap)), src ? src->name : NULL);
  if (src)
    locate(e, src, loc);
  link_item(d, e);
}

void stg_diag(stg_diags *d, const stg_ast *ast, stancetag_severity sev, stg_loc loc,
              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdiag(d, ast, STANCETAG_ECOMPILE, sev, loc, fmt, ap);
  va_end(ap);
}

void stg_diag_code(stg_diags *d, const stg_ast *ast, int code, stancetag_severity sev, stg_loc loc,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdiag(d, ast, code, sev, loc, fmt, ap);
  va_end(ap);
}

void stg_diag_plain(stg_diags *d, int code, stancetag_severity sev, const char *file,
                    const char *fmt, ...) {
  if (!admit(d, sev))
    return;
  va_list ap;
  va_start(ap, fmt);
  link_item(d, new_item(code, sev, escape_controls(g_strdup_vprintf(fmt, ap)), file));
  va_end(ap);
}

stancetag_error *stg_diags_take(stg_diags *d) {
  stancetag_error *head = d->head;
  unsigned max = d->max_errors;
  stg_diags_init(d, max);
  return head;
}

void stg_diags_clear(stg_diags *d) {
  stancetag_error_free(stg_diags_take(d));
}

/* ---- public API ---------------------------------------------------------------------- */

void stancetag_error_free(stancetag_error *err) {
  while (err) {
    stancetag_error *next = err->next;
    g_free(err->message);
    g_free(err->file);
    g_free(err->source_line);
    g_free(err);
    err = next;
  }
}

size_t stancetag_error_count(const stancetag_error *err, stancetag_severity severity) {
  size_t n = 0;
  for (; err; err = err->next)
    n += err->severity == severity;
  return n;
}

static const char *severity_name(stancetag_severity sev) {
  switch (sev) {
  case STANCETAG_SEVERITY_ERROR:
    return "error";
  case STANCETAG_SEVERITY_WARNING:
    return "warning";
  case STANCETAG_SEVERITY_NOTE:
    return "note";
  }
  return "error";
}

char *stancetag_error_format(const stancetag_error *err) {
  if (!err)
    return NULL;
  GString *s = g_string_new(NULL);
  if (err->file && err->line > 0)
    g_string_append_printf(s, "%s:%u:%u: ", err->file, err->line, err->column);
  else if (err->file)
    g_string_append_printf(s, "%s: ", err->file);
  g_string_append_printf(s, "%s: %s\n", severity_name(err->severity),
                         err->message ? err->message : "(no message)");
  if (err->source_line && err->line > 0 && err->column > 0) {
    const char *line = err->source_line;
    size_t n = strlen(line), col = err->column - 1;
    g_string_append_printf(s, "%s\n", line);
    /* One space per character (UTF-8 lead byte) so the caret sits under the column in a
     * terminal; tabs are kept so they expand the same way as in the line above. */
    for (size_t i = 0; i < col; i++) {
      unsigned char c = i < n ? (unsigned char)line[i] : ' ';
      if (c == '\t')
        g_string_append_c(s, '\t');
      else if ((c & 0xC0) != 0x80)
        g_string_append_c(s, ' ');
    }
    g_string_append_c(s, '^');
    size_t end = MIN(col + err->length, n);
    for (size_t i = col + 1; i < end; i++)
      if (((unsigned char)line[i] & 0xC0) != 0x80)
        g_string_append_c(s, '~');
    g_string_append_c(s, '\n');
  }
  /* The caller frees with free(): hand over a malloc()ed copy. */
  char *out = malloc(s->len + 1);
  if (out)
    memcpy(out, s->str, s->len + 1);
  g_string_free(s, TRUE);
  return out;
}
