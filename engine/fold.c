/* fold.c: matching keys (NFC + Unicode case folding, GLib) and the 64-bit string hash.
 *
 * Keys are computed per token on the scan's hot path, so the common cases avoid GLib's
 * allocating normalize/casefold: ASCII is lower-cased in place, and characters whose NFC form
 * is themselves and whose case folding is one character (most Latin, Greek, Cyrillic, CJK)
 * go through a table built once from GLib. Anything else (combining marks, ß, ligatures,
 * compatibility singletons) sends the whole key through g_utf8_normalize + g_utf8_casefold,
 * so both paths give the same result. */
#include "fold.h"

#include <glib.h>
#include <string.h>

/* Ranges whose fast fold is computed once from GLib: 0 = take the slow path. */
#define STG_FOLD_T1_LO 0x80u /* two-byte UTF-8: Latin-1 .. Arabic */
#define STG_FOLD_T1_HI 0x800u
#define STG_FOLD_T2_LO 0x1E00u /* Latin Extended Additional (Vietnamese) */
#define STG_FOLD_T2_HI 0x2070u /* .. Greek Extended, General Punctuation */

static gunichar stg_fold_t1[STG_FOLD_T1_HI - STG_FOLD_T1_LO];
static gunichar stg_fold_t2[STG_FOLD_T2_HI - STG_FOLD_T2_LO];

/* The fold of c when it is a single character and c is its own NFC, else 0. */
static gunichar stg_fold_simple(gunichar c) {
  char enc[8];
  int n = g_unichar_to_utf8(c, enc);
  gunichar r = 0;
  if (g_unichar_combining_class(c) != 0)
    return 0;
  char *nfc = g_utf8_normalize(enc, n, G_NORMALIZE_NFC);
  if (nfc && strlen(nfc) == (size_t)n && memcmp(nfc, enc, (size_t)n) == 0) {
    char *cf = g_utf8_casefold(nfc, -1);
    if (g_utf8_strlen(cf, -1) == 1)
      r = g_utf8_get_char(cf);
    g_free(cf);
  }
  g_free(nfc);
  return r;
}

static void stg_fold_init(void) {
  static gsize done = 0;
  if (g_once_init_enter(&done)) {
    for (gunichar c = STG_FOLD_T1_LO; c < STG_FOLD_T1_HI; c++)
      stg_fold_t1[c - STG_FOLD_T1_LO] = stg_fold_simple(c);
    for (gunichar c = STG_FOLD_T2_LO; c < STG_FOLD_T2_HI; c++)
      stg_fold_t2[c - STG_FOLD_T2_LO] = stg_fold_simple(c);
    g_once_init_leave(&done, 1);
  }
}

/* Scripts without case whose characters are NFC-stable starters: copied unchanged. (Kana
 * voicing marks and Hangul trailing jamo, which compose with them, are not in these ranges
 * and send the key to the slow path.) */
static int stg_fold_caseless(gunichar c) {
  return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x2A6DF);
}

/* Length of the well-formed UTF-8 sequence at p (and its code point), or 0; *sub is the
 * length of the maximal ill-formed subpart, copied through as one unit. */
static int stg_fold_dec(const unsigned char *p, const unsigned char *end, gunichar *out, int *sub) {
  unsigned c = p[0], lo = 0x80, hi = 0xBF;
  int n;
  *sub = 1;
  if (c < 0x80) {
    *out = c;
    return 1;
  }
  if (c < 0xC2 || c > 0xF4)
    return 0;
  n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (c == 0xE0)
    lo = 0xA0;
  else if (c == 0xED)
    hi = 0x9F;
  else if (c == 0xF0)
    lo = 0x90;
  else if (c == 0xF4)
    hi = 0x8F;
  gunichar u = c & (0x7F >> n);
  for (int i = 1; i < n; i++) {
    if (p + i >= end || p[i] < lo || p[i] > hi)
      return 0;
    u = (u << 6) | (p[i] & 0x3F);
    *sub = i + 1;
    lo = 0x80, hi = 0xBF;
  }
  *out = u;
  return n;
}

static inline int stg_fold_isdash(gunichar c) {
  return (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

/* Characters mapped before folding: curly single quotes to ', Unicode hyphens and dashes to
 * '-' unless they stand alone between spaces inside a longer string ("a — b"), soft hyphen
 * removed. Returns the replacement byte, -1 to drop, or 0 for no mapping. */
static int stg_fold_map(gunichar c, const unsigned char *s, const unsigned char *p, int n,
                        const unsigned char *end) {
  if (c == 0x2019 || c == 0x2018)
    return '\'';
  if (c == 0xAD)
    return -1;
  if (stg_fold_isdash(c)) {
    int lone_before = p == s || p[-1] == ' ';
    int lone_after = p + n == end || p[n] == ' ';
    if (!(lone_before && lone_after) || (p == s && p + n == end))
      return '-';
  }
  return 0;
}

static inline void stg_fold_put(char *buf, size_t cap, size_t *n, const char *s, size_t k) {
  if (*n + k <= cap)
    memcpy(buf + *n, s, k);
  *n += k;
}

/* Folds one valid UTF-8 segment without NULs through GLib. */
static void stg_fold_glib(const char *s, size_t len, char *buf, size_t cap, size_t *n) {
  char *nfc = g_utf8_normalize(s, (gssize)len, G_NORMALIZE_NFC);
  char *cf = g_utf8_casefold(nfc, -1);
  stg_fold_put(buf, cap, n, cf, strlen(cf));
  g_free(cf);
  g_free(nfc);
}

/* The general path: map characters, then fold each maximal valid NUL-free segment with GLib;
 * invalid bytes and NULs are copied through. */
static size_t stg_fold_slow(const unsigned char *s, size_t len, char *buf, size_t cap) {
  const unsigned char *end = s + len;
  char *tmp = g_malloc(len + 1);
  size_t m = 0, n = 0, seg = 0;
  /* Pass 1: mapped copy; tmp keeps invalid bytes and NULs in place. */
  for (const unsigned char *p = s; p < end;) {
    gunichar c;
    int sub, k = stg_fold_dec(p, end, &c, &sub);
    if (k == 0) {
      memcpy(tmp + m, p, (size_t)sub);
      m += (size_t)sub;
      p += sub;
      continue;
    }
    int r = k > 1 ? stg_fold_map(c, s, p, k, end) : 0;
    if (r > 0)
      tmp[m++] = (char)r;
    else if (r == 0) {
      memcpy(tmp + m, p, (size_t)k);
      m += (size_t)k;
    }
    p += k;
  }
  /* Pass 2: fold valid segments. */
  const unsigned char *t = (const unsigned char *)tmp, *tend = t + m;
  for (const unsigned char *p = t; p < tend;) {
    gunichar c;
    int sub, k = stg_fold_dec(p, tend, &c, &sub);
    if (k > 0 && *p != 0) {
      p += k;
      continue;
    }
    if (p > t + seg)
      stg_fold_glib(tmp + seg, (size_t)(p - t) - seg, buf, cap, &n);
    k = k ? k : sub;
    stg_fold_put(buf, cap, &n, (const char *)p, (size_t)k);
    p += k;
    seg = (size_t)(p - t);
  }
  if (m > seg)
    stg_fold_glib(tmp + seg, m - seg, buf, cap, &n);
  g_free(tmp);
  return n;
}

size_t stg_fold(const char *text, size_t len, int ascii, char *buf, size_t cap) {
  const unsigned char *s = (const unsigned char *)text, *end = s + len;
  if (ascii) {
    if (len > cap)
      return len;
    for (size_t i = 0; i < len; i++) {
      unsigned c = s[i];
      buf[i] = (char)(c - 'A' < 26u ? c | 0x20 : c);
    }
    return len;
  }
  size_t n = 0;
  int init = 0;
  for (const unsigned char *p = s; p < end;) {
    unsigned b = *p;
    if (b < 0x80) {
      if (n < cap)
        buf[n] = (char)(b - 'A' < 26u ? b | 0x20 : b);
      n++;
      p++;
      continue;
    }
    gunichar c, f = 0;
    int sub, k = stg_fold_dec(p, end, &c, &sub);
    if (k == 0) { /* invalid: copied through */
      stg_fold_put(buf, cap, &n, (const char *)p, (size_t)sub);
      p += sub;
      continue;
    }
    int r = stg_fold_map(c, s, p, k, end);
    if (r != 0) {
      if (r > 0) {
        char ch = (char)r;
        stg_fold_put(buf, cap, &n, &ch, 1);
      }
      p += k;
      continue;
    }
    if (!init) {
      stg_fold_init();
      init = 1;
    }
    if (c >= STG_FOLD_T1_LO && c < STG_FOLD_T1_HI)
      f = stg_fold_t1[c - STG_FOLD_T1_LO];
    else if (c >= STG_FOLD_T2_LO && c < STG_FOLD_T2_HI)
      f = stg_fold_t2[c - STG_FOLD_T2_LO];
    else if (stg_fold_caseless(c))
      f = c;
    if (f == 0)
      return stg_fold_slow(s, len, buf, cap);
    char enc[6];
    stg_fold_put(buf, cap, &n, enc, (size_t)g_unichar_to_utf8(f, enc));
    p += k;
  }
  return n;
}

/* ---- stg_hash: after wyhash (Wang Yi, public domain), little-endian reads so that keys
 * hash the same on every platform (hashes may be stored in compiled programs). */

/* The 128-bit product of a and b as (lo, hi). */
static inline void stg_hash_mum(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
#ifdef __SIZEOF_INT128__
  __uint128_t r = (__uint128_t)a * b;
  *lo = (uint64_t)r;
  *hi = (uint64_t)(r >> 64);
#else
  uint64_t ha = a >> 32, hb = b >> 32, la = (uint32_t)a, lb = (uint32_t)b;
  uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb, t = rl + (rm0 << 32);
  uint64_t c = t < rl;
  *lo = t + (rm1 << 32);
  c += *lo < t;
  *hi = rh + (rm0 >> 32) + (rm1 >> 32) + c;
#endif
}

static inline uint64_t stg_hash_mix(uint64_t a, uint64_t b) {
  uint64_t lo, hi;
  stg_hash_mum(a, b, &lo, &hi);
  return lo ^ hi;
}

static inline uint64_t stg_hash_r8(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

static inline uint64_t stg_hash_r4(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap32(v);
#endif
  return v;
}

uint64_t stg_hash(const char *str, size_t len) {
  static const uint64_t k0 = 0x2d358dccaa6c78a5ull, k1 = 0x8bb84b93962eacc9ull,
                        k2 = 0x4b33a62ed433d4a3ull, k3 = 0x4d5a2da51de1aa47ull;
  const unsigned char *p = (const unsigned char *)str;
  uint64_t seed = stg_hash_mix(0x9e3779b97f4a7c15ull ^ k0, k1), a, b;
  if (len <= 16) {
    if (len >= 4) {
      size_t m = (len >> 3) << 2;
      a = (stg_hash_r4(p) << 32) | stg_hash_r4(p + m);
      b = (stg_hash_r4(p + len - 4) << 32) | stg_hash_r4(p + len - 4 - m);
    } else if (len > 0) {
      a = ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) | p[len - 1];
      b = 0;
    } else
      a = b = 0;
  } else {
    size_t i = len;
    if (i > 48) {
      uint64_t s1 = seed, s2 = seed;
      do {
        seed = stg_hash_mix(stg_hash_r8(p) ^ k1, stg_hash_r8(p + 8) ^ seed);
        s1 = stg_hash_mix(stg_hash_r8(p + 16) ^ k2, stg_hash_r8(p + 24) ^ s1);
        s2 = stg_hash_mix(stg_hash_r8(p + 32) ^ k3, stg_hash_r8(p + 40) ^ s2);
        p += 48;
        i -= 48;
      } while (i > 48);
      seed ^= s1 ^ s2;
    }
    while (i > 16) {
      seed = stg_hash_mix(stg_hash_r8(p) ^ k1, stg_hash_r8(p + 8) ^ seed);
      i -= 16;
      p += 16;
    }
    a = stg_hash_r8(p + i - 16);
    b = stg_hash_r8(p + i - 8);
  }
  uint64_t lo, hi;
  stg_hash_mum(a ^ k1, b ^ seed, &lo, &hi);
  return stg_hash_mix(lo ^ k0 ^ len, hi ^ k1);
}
