/* out-buf.c: growing an out_buf, and decimal integers without printf. */
#include "out-buf.h"

void ob_grow(out_buf *b, size_t n) {
  GString *s = b->str;
  gsize len = (gsize)(b->p - s->str);
  g_string_set_size(s, len + n); /* grows geometrically, keeping room for the NUL */
  b->p = s->str + len;
  b->end = s->str + s->allocated_len - 1;
}

static const char two_digits[] = "00010203040506070809"
                                 "10111213141516171819"
                                 "20212223242526272829"
                                 "30313233343536373839"
                                 "40414243444546474849"
                                 "50515253545556575859"
                                 "60616263646566676869"
                                 "70717273747576777879"
                                 "80818283848586878889"
                                 "90919293949596979899";

static unsigned n_digits(guint64 v) {
  unsigned n = 1;
  for (; v >= 10000; v /= 10000)
    n += 4;
  return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* Writes the digits from the last, two at a time: a record has six or more offsets, and a
 * division per digit was most of their cost. Offsets fit in 32 bits, whose division is
 * cheaper. */
void ob_u64(out_buf *b, guint64 v) {
  unsigned n = n_digits(v);
  char *p = ob_room(b, n);
  char *q = p + n;
  for (; v > G_MAXUINT32; v /= 100) {
    q -= 2;
    memcpy(q, two_digits + 2 * (v % 100), 2);
  }
  guint32 w = (guint32)v;
  for (; w >= 100; w /= 100) {
    q -= 2;
    memcpy(q, two_digits + 2 * (w % 100), 2);
  }
  if (w >= 10)
    memcpy(q - 2, two_digits + 2 * w, 2);
  else
    q[-1] = (char)('0' + w);
  b->p = p + n;
}
