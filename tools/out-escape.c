/* out-escape.c: strings escaped for JSON and TSV, with U+FFFD for invalid UTF-8. Names, ids
 * and spans are mostly a few bytes of plain ASCII, which are copied a word at a time without
 * validation; the rest goes through g_utf8_validate_len. */
#include "out-escape.h"
#include "output-priv.h"

#include <stdint.h>
#include <string.h>

/* Splits s[0..len) at its first invalid UTF-8 sequence: returns the length of the valid run
 * before it and sets *bad to the length of the sequence (0 when s is valid to its end). */
static inline size_t utf8_run(const char *s, size_t len, size_t *bad) {
  const char *end = NULL;
  if (g_utf8_validate_len(s, len, &end)) {
    *bad = 0;
    return len;
  }
  size_t n = (size_t)(end - s);
  /* The invalid sequence: the lead byte and the continuation bytes after it. */
  size_t skip = 1;
  while (n + skip < len && skip < 4 && ((unsigned char)s[n + skip] & 0xC0) == 0x80)
    skip++;
  *bad = skip;
  return n;
}

/* Appends s[0..len) with each invalid UTF-8 sequence replaced by U+FFFD; `esc` (may be NULL)
 * appends each valid run with its own escaping. */
void out_valid_utf8(GString *out, const char *s, size_t len,
                    void (*esc)(GString *out, const char *run, size_t n)) {
  while (len > 0) {
    size_t bad, n = utf8_run(s, len, &bad);
    if (esc)
      esc(out, s, n);
    else
      g_string_append_len(out, s, (gssize)n);
    if (!bad)
      return;
    g_string_append_len(out, "\xEF\xBF\xBD", 3);
    s += n + bad;
    len -= n + bad;
  }
}

/* What a byte needs: JSON and TSV escape different bytes; non-ASCII bytes and NUL need UTF-8
 * validation (g_utf8_validate_len takes NUL for invalid, so it becomes U+FFFD). */
enum { ESC_JSON = 1, ESC_TSV = 2, VALIDATE = 4 };
#define J ESC_JSON
#define JT (ESC_JSON | ESC_TSV)
/* clang-format off */
#define V16 VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, \
            VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE, VALIDATE
static const unsigned char byte_needs[256] = {
    /* 0x00: C0 controls (\t, \n and \r are TSV escapes too; NUL needs validation) */
    J | VALIDATE, J, J, J, J, J, J, J, J, JT, JT, J, J, JT, J, J,
    J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
    ['"'] = J, ['\\'] = JT,
    [0x80] = V16, V16, V16, V16, V16, V16, V16, V16};
/* clang-format on */
#undef J
#undef JT
#undef V16

/* Copies the bytes of s[0..len) before the first that needs `what` to p; returns how many. */
static inline size_t copy_bytes(char *p, const char *s, size_t len, unsigned what) {
  size_t i = 0;
  while (i < len && !(byte_needs[(unsigned char)s[i]] & what)) {
    p[i] = s[i];
    i++;
  }
  return i;
}

/* Whether one of the 8 bytes of w is special to JSON: a control character, quote, backslash or
 * non-ASCII byte (this covers what TSV escapes and what needs validation). Subtracting 0x20
 * sets the high bit of a control character; xor with the quote or backslash, then subtracting
 * 1, sets that of the quote or backslash; non-ASCII bytes have it. In a word of other bytes no
 * subtraction borrows from the next byte, so no high bit is set. */
static inline uint64_t special8(uint64_t w) {
  const uint64_t ones = UINT64_C(0x0101010101010101);
  return ((w - ones * 0x20) | ((w ^ ones * '"') - ones) | ((w ^ ones * '\\') - ones) | w) &
         ones * 0x80;
}

/* copy_bytes, a word at a time: most names, ids and spans are a few plain ASCII bytes. The last
 * word of s may overlap the one before (those bytes were plain), and 4 to 7 bytes are two
 * overlapping halves, checked as one word. A word with a special byte is done a byte at a time. */
static inline size_t copy_plain(char *p, const char *s, size_t len, unsigned what) {
  if (len >= 8) {
    for (size_t i = 0;; i += 8) {
      if (i + 8 > len)
        i = len - 8;
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (special8(w))
        return i + copy_bytes(p + i, s + i, len - i, what);
      memcpy(p + i, &w, 8);
      if (i + 8 == len)
        return len;
    }
  }
  if (len >= 4) {
    uint32_t head, tail;
    memcpy(&head, s, 4);
    memcpy(&tail, s + len - 4, 4);
    if (!special8(head | (uint64_t)tail << 32)) {
      memcpy(p, &head, 4);
      memcpy(p + len - 4, &tail, 4);
      return len;
    }
  }
  return copy_bytes(p, s, len, what);
}

typedef void (*byte_escape)(out_buf *b, unsigned char c);

/* Appends valid UTF-8 with the bytes that need `what` written by esc. */
static void escape_run(out_buf *b, const char *s, size_t n, unsigned what, byte_escape esc) {
  while (n > 0) {
    size_t k = copy_plain(ob_room(b, n), s, n, what);
    b->p += k;
    if (k < n)
      esc(b, (unsigned char)s[k++]);
    s += k;
    n -= k;
  }
}

/* The rest of `escaped`, from a byte that needs escaping or validation. */
static void escaped_rest(out_buf *b, const char *s, size_t len, unsigned what, byte_escape esc) {
  while (len > 0) {
    size_t bad, n = utf8_run(s, len, &bad);
    escape_run(b, s, n, what, esc);
    if (!bad)
      return;
    ob_lit(b, "\xEF\xBF\xBD");
    s += n + bad;
    len -= n + bad;
  }
}

/* Appends s[0..len): bytes that need `what` through esc, each invalid UTF-8 sequence as U+FFFD.
 * Plain ASCII is copied without validation. */
static inline void escaped(out_buf *b, const char *s, size_t len, unsigned what, byte_escape esc) {
  size_t i = copy_plain(ob_room(b, len), s, len, what | VALIDATE);
  b->p += i;
  if (G_UNLIKELY(i < len))
    escaped_rest(b, s + i, len - i, what, esc);
}

/* The two-character escape of c, or 0. */
static char short_escape(unsigned char c) {
  switch (c) {
  case '"':
    return '"';
  case '\\':
    return '\\';
  case '\n':
    return 'n';
  case '\r':
    return 'r';
  case '\t':
    return 't';
  case '\b':
    return 'b';
  case '\f':
    return 'f';
  default:
    return 0;
  }
}

/* Control characters, quote and backslash. */
static void json_escape(out_buf *b, unsigned char c) {
  static const char hex[] = "0123456789abcdef";
  char *p = ob_room(b, 6);
  char e = short_escape(c);
  p[0] = '\\';
  if (e) {
    p[1] = e;
    b->p = p + 2;
  } else {
    memcpy(p + 1, "u00", 3);
    p[4] = hex[c >> 4];
    p[5] = hex[c & 15];
    b->p = p + 6;
  }
}

/* The rest of ob_json_string, from a byte that needs escaping or validation. */
static void json_str_rest(out_buf *b, const char *s, size_t len) {
  escaped_rest(b, s, len, ESC_JSON, json_escape);
  ob_char(b, '"');
}

/* The common case, plain ASCII, is one room check and a copy;
 * everything else is the tail call, so the common case saves no registers. */
void ob_json_string(out_buf *b, const char *s, size_t len) {
  char *p = ob_room(b, len + 2);
  *p = '"';
  size_t i = copy_plain(p + 1, s, len, ESC_JSON | VALIDATE);
  if (G_LIKELY(i == len)) {
    p[len + 1] = '"';
    b->p = p + len + 2;
  } else {
    b->p = p + 1 + i;
    json_str_rest(b, s + i, len - i);
  }
}

void out_json_string(GString *out, const char *s, size_t len) {
  out_buf b = ob_open(out);
  ob_json_string(&b, s, len);
  ob_close(&b);
}

void ob_json_chars(out_buf *b, const char *s, size_t len) {
  escaped(b, s, len, ESC_JSON, json_escape);
}

static void tsv_escape(out_buf *b, unsigned char c) {
  char *p = ob_room(b, 2);
  p[0] = '\\';
  p[1] = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
  b->p = p + 2;
}

void ob_tsv_chars(out_buf *b, const char *s, size_t len) {
  escaped(b, s, len, ESC_TSV, tsv_escape);
}
