/* out-buf.h: appending to a GString through a write position with room reserved ahead.
 * A JSON Lines record is some forty small pieces. Keeping the position and the end of the room
 * in the buffer (instead of updating the GString's length and terminator per piece) makes a
 * piece a room check and a few stores; ob_close makes the GString whole again. */
#ifndef STG_OUT_BUF_H
#define STG_OUT_BUF_H

#include <glib.h>
#include <string.h>

typedef struct out_buf {
  GString *str;
  char *p;   /* where the next byte goes */
  char *end; /* end of the room; the terminating NUL still fits at *end */
} out_buf;

/* Starts appending to s. Nothing else may change s until ob_close. */
static inline out_buf ob_open(GString *s) {
  out_buf b = {s, s->str + s->len, s->str + s->allocated_len - 1};
  return b;
}

/* Sets the GString's length and terminator. */
static inline void ob_close(out_buf *b) {
  b->str->len = (gsize)(b->p - b->str->str);
  *b->p = '\0';
}

void ob_grow(out_buf *b, size_t n);

/* Makes room for n more bytes; returns where they go. */
static inline char *ob_room(out_buf *b, size_t n) {
  if (G_UNLIKELY((size_t)(b->end - b->p) < n))
    ob_grow(b, n);
  return b->p;
}

static inline void ob_put(out_buf *b, const char *s, size_t n) {
  char *p = ob_room(b, n);
  memcpy(p, s, n);
  b->p = p + n;
}

/* A string literal: its length is known, so the copy compiles to a few stores. */
#define ob_lit(b, lit) ob_put((b), "" lit, sizeof(lit) - 1)

static inline void ob_char(out_buf *b, char c) {
  char *p = ob_room(b, 1);
  *p = c;
  b->p = p + 1;
}

/* Decimal digits of v. */
void ob_u64(out_buf *b, guint64 v);

#endif
