/* tokenize.re: the document tokenizer (re2c, UTF-8) and the sentence/paragraph splitter.
 * The rules, flags and limits are described in doc/tokens.md.
 *
 * Input safety: the text is not NUL-terminated and may contain NULs, so the lexer uses re2c's
 * generic API with a bounds-checked YYPEEK: reading at the limit yields a 0 byte that no rule
 * but the NUL/invalid rule accepts, and that rule only starts a token strictly before the
 * limit (the loop checks cur < lim first). So the cursor never passes the limit and nothing
 * is ever read outside text[0..len), without copying the buffer or needing padding. */
#include "tokenize.h"

#include <glib.h>
#include <string.h>

/* Private flag bits, used between the lexer and the splitter and cleared before returning. */
#define STG_TOK_NL (1u << 24)      /* a line break precedes the token */
#define STG_TOK_BLANK (1u << 25)   /* a blank line (or U+2029) precedes the token */
#define STG_TOK_TERM (1u << 26)    /* sentence-terminal punctuation: . ! ? ... */
#define STG_TOK_CJKTERM (1u << 27) /* ideographic full stop and friends: no space needed */
#define STG_TOK_OPEN (1u << 28)    /* opening quote or bracket (may start a sentence) */
#define STG_TOK_CLOSE (1u << 29)   /* closing quote or bracket (may follow a terminal) */
#define STG_TOK_SPLIT (1u << 30)   /* second half of a glued "WashingtonThe": starts a sentence */
#define STG_TOK_PRIVATE (0xFFu << 24)

#define STG_TOK_MAX_SENT 1000       /* tokens per sentence before a forced break */
#define STG_TOK_HEADLINE 120        /* an unterminated line shorter than this ends its sentence */
#define STG_TOK_HEADLINE_WRAPPED 40 /* the same in hard-wrapped text */

enum {
  F_ASCII_LOWER = STG_TF_WORD | STG_TF_LOWER | STG_TF_ASCII,
  F_ASCII_CAP = STG_TF_WORD | STG_TF_CAP | STG_TF_ASCII,
  F_ASCII_UPPER = STG_TF_WORD | STG_TF_CAP | STG_TF_UPPER | STG_TF_ASCII,
  F_NUM = STG_TF_NUM | STG_TF_ASCII,
  F_PUNCT = STG_TF_PUNCT | STG_TF_ASCII,
  F_UPUNCT = STG_TF_PUNCT,
  F_TERM = STG_TF_PUNCT | STG_TOK_TERM,
  F_QUOTE = STG_TF_PUNCT | STG_TF_QUOTE,
  F_AMBIGUOUS = STG_TOK_OPEN | STG_TOK_CLOSE /* straight quotes: open or close by position */
};

typedef const unsigned char *ptr;

static inline int stg_tok_isupper(unsigned c) {
  return c - 'A' < 26u;
}
static inline int stg_tok_islower(unsigned c) {
  return c - 'a' < 26u;
}
static inline int stg_tok_isdigit(unsigned c) {
  return c - '0' < 10u;
}

void stg_tokens_init(stg_tokens *t) {
  memset(t, 0, sizeof *t);
}

void stg_tokens_clear(stg_tokens *t) {
  g_free(t->tok);
  g_free(t->sent);
  stg_tokens_init(t);
}

static void stg_tok_grow(stg_tokens *t) {
  t->cap = t->cap ? t->cap * 2 : 256;
  t->tok = g_renew(stg_token, t->tok, t->cap);
}

static inline void stg_tok_push(stg_tokens *t, ptr base, ptr s, ptr e, uint32_t f) {
  if (G_UNLIKELY(t->n == t->cap))
    stg_tok_grow(t);
  stg_token *k = &t->tok[t->n++];
  k->start = (uint32_t)(s - base);
  k->end = (uint32_t)(e - base);
  k->flags = f;
}

/* ---- UTF-8 helpers --------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at p (1..4), or 0; *sub receives the length of the
 * maximal ill-formed subpart (what a conforming decoder replaces by one U+FFFD). */
static int stg_tok_utf8(ptr p, ptr lim, int *sub) {
  unsigned c = p[0];
  int n;
  unsigned lo = 0x80, hi = 0xBF;
  *sub = 1;
  if (c < 0x80)
    return 1;
  if (c < 0xC2 || c > 0xF4)
    return 0;
  if (c < 0xE0)
    n = 2;
  else if (c < 0xF0) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F; /* surrogates */
  } else {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  }
  for (int i = 1; i < n; i++) {
    if (p + i >= lim || p[i] < lo || p[i] > hi)
      return 0;
    *sub = i + 1;
    lo = 0x80, hi = 0xBF;
  }
  return n;
}

/* Decodes the (valid) sequence at p. */
static inline gunichar stg_tok_dec(ptr p, int *n) {
  unsigned c = p[0];
  if (c < 0x80) {
    *n = 1;
    return c;
  }
  if (c < 0xE0) {
    *n = 2;
    return ((c & 0x1F) << 6) | (p[1] & 0x3F);
  }
  if (c < 0xF0) {
    *n = 3;
    return ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  }
  *n = 4;
  return ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* Shape flags of a word-like token [s, e) of valid UTF-8 (the slow path: mixed case, digits
 * inside words, apostrophes, non-ASCII). */
static uint32_t stg_tok_shape(ptr s, ptr e) {
  int up = 0, lo = 0, letter = 0, digit = 0, first = 1, ascii = 1;
  uint32_t f = 0;
  for (ptr p = s; p < e;) {
    unsigned c = *p;
    int u = 0, l = 0, a = 0;
    if (c < 0x80) {
      p++;
      if (c - 'A' < 26u)
        u = 1;
      else if (c - 'a' < 26u)
        l = 1;
      else if (c - '0' < 10u)
        digit = 1;
    } else {
      int n;
      gunichar ch = stg_tok_dec(p, &n);
      p += n;
      ascii = 0;
      switch (g_unichar_type(ch)) { /* one table lookup */
      case G_UNICODE_UPPERCASE_LETTER:
      case G_UNICODE_TITLECASE_LETTER:
        u = 1;
        break;
      case G_UNICODE_LOWERCASE_LETTER:
        l = 1;
        break;
      case G_UNICODE_MODIFIER_LETTER:
      case G_UNICODE_OTHER_LETTER:
        a = 1;
        break;
      case G_UNICODE_DECIMAL_NUMBER:
        digit = 1;
        break;
      default:
        break;
      }
    }
    if (u | l | a) {
      if (first && u)
        f |= STG_TF_CAP;
      first = 0;
      letter = 1;
      up |= u;
      lo |= l;
    }
  }
  if (letter) {
    f |= STG_TF_WORD;
    if (up && !lo)
      f |= STG_TF_UPPER;
    else if (lo && !up)
      f |= STG_TF_LOWER;
  } else
    f |= digit ? STG_TF_NUM : STG_TF_PUNCT;
  if (ascii)
    f |= STG_TF_ASCII;
  return f;
}

/* ---- Word post-processing ------------------------------------------------------------- */

/* Capitalised words that start sentences: a glued "WashingtonThe" (a dateline or headline
 * that lost its line break) is split before one of these. A closed list keeps brand names
 * whole: McDonald, iPhone, MacArthur, DeSantis, LinkedIn, BlackRock, YouTube. */
static int stg_tok_starter(ptr s, size_t n) {
  static const char *const w[] = {
      "The",     "He",      "She",       "It",        "They",   "We",    "This",     "That",
      "These",   "Those",   "There",     "His",       "Her",    "Its",   "Their",    "But",
      "And",     "As",      "At",        "After",     "Before", "When",  "While",    "Last",
      "However", "Earlier", "Meanwhile", "According", "Later",  "Today", "Yesterday"};
  for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
    if (strlen(w[i]) == n && memcmp(w[i], s, n) == 0)
      return 1;
  return 0;
}

/* Emits a word without apostrophe splitting: computes its shape and splits a glued
 * lower->Upper transition before a sentence starter word (ASCII only). */
static void stg_tok_word(stg_tokens *t, ptr base, ptr s, ptr e, uint32_t *ws) {
  uint32_t f = stg_tok_shape(s, e);
  if ((f & (STG_TF_ASCII | STG_TF_UPPER | STG_TF_LOWER)) == STG_TF_ASCII && e - s >= 5) {
    ptr u = e - 1;
    while (u > s && !stg_tok_isupper(*u))
      u--;
    if (u - s >= 4 && stg_tok_islower(u[-1]) && stg_tok_starter(u, (size_t)(e - u))) {
      stg_tok_push(t, base, s, u, stg_tok_shape(s, u) | *ws);
      stg_tok_push(t, base, u, e, stg_tok_shape(u, e) | STG_TF_GLUED | STG_TOK_SPLIT);
      *ws = STG_TF_GLUED;
      return;
    }
  }
  stg_tok_push(t, base, s, e, f | *ws);
  *ws = STG_TF_GLUED;
}

static inline int stg_tok_lc(unsigned c) {
  return c | 0x20;
}

/* A word with inner apostrophes: splits off a final 's 're 've 'll 'd 'm or n't (straight or
 * curly apostrophe); O'Brien, rock'n'roll and o'clock stay whole. */
static void stg_tok_apos_word(stg_tokens *t, ptr base, ptr s, ptr e, uint32_t *ws) {
  ptr a = e - 1, suf;
  while (!(*a == '\'' || (*a == 0x99 && a - s >= 2 && a[-1] == 0x80 && a[-2] == 0xE2)))
    a--;
  suf = a + 1;
  if (*a == 0x99)
    a -= 2;
  size_t n = (size_t)(e - suf);
  int split = 0;
  if (n == 1) {
    unsigned c = stg_tok_lc(suf[0]);
    if (c == 's' || c == 'd' || c == 'm')
      split = 1;
    else if (c == 't' && a - s >= 2 && stg_tok_lc(a[-1]) == 'n') {
      a--; /* do|n't, ca|n't */
      split = 1;
    }
  } else if (n == 2) {
    unsigned c = stg_tok_lc(suf[0]), d = stg_tok_lc(suf[1]);
    split = (c == 'r' && d == 'e') || (c == 'v' && d == 'e') || (c == 'l' && d == 'l');
  }
  if (!split) {
    stg_tok_word(t, base, s, e, ws);
    return;
  }
  stg_tok_word(t, base, s, a, ws);
  stg_tok_push(t, base, a, e, stg_tok_shape(a, e) | *ws);
  *ws = STG_TF_GLUED;
}

/* The next character after p (skipping at least one space or tab) is an upper-case letter:
 * "V." in "Vladimir V. Putin" is a middle initial. */
static int stg_tok_initial_follows(ptr p, ptr lim) {
  ptr q = p;
  while (q < lim && (*q == ' ' || *q == '\t'))
    q++;
  if (q == p || q >= lim)
    return 0;
  if (stg_tok_isupper(*q))
    return 1;
  int sub, n = stg_tok_utf8(q, lim, &sub);
  if (n < 2)
    return 0;
  return g_unichar_isupper(stg_tok_dec(q, &n));
}

/* A digit follows p after optional spaces: "No." in "No. 5". */
static int stg_tok_digit_follows(ptr p, ptr lim) {
  while (p < lim && (*p == ' ' || *p == '\t'))
    p++;
  return p < lim && stg_tok_isdigit(*p);
}

/* A 's 're 've 'll 'd 'm that starts a token is a contraction when glued to a preceding word
 * or abbreviation ("U.S.'s") and not followed by more of a word ("'sup" opens a quote). In a
 * rule phrase it is one also at the start: the literal "'s" is the token documents split off
 * "Xi's" (n't needs nothing: "n't" alone is one word). */
static int stg_tok_contraction(const stg_tokens *t, ptr cur, ptr lim, uint32_t ws, int phrase) {
  int sub;
  int glued = (ws & STG_TF_GLUED) && t->n > 0 && (t->tok[t->n - 1].flags & STG_TF_WORD);
  if (!glued && !(phrase && t->n == 0))
    return 0;
  if (cur == lim)
    return 1;
  unsigned c = *cur;
  int more = stg_tok_islower(c) || stg_tok_isupper(c) || stg_tok_isdigit(c) ||
             (c >= 0x80 && stg_tok_utf8(cur, lim, &sub) > 1);
  return !more;
}

/* A maximal run of NUL bytes and invalid UTF-8 from tok: one token. Counts them, moves *cur
 * past the run and returns the token's flags. */
static uint32_t stg_tok_invalid(stg_tokens *t, ptr base, ptr tok, ptr lim, ptr *cur) {
  ptr p = tok;
  uint32_t f = STG_TF_INVALID | STG_TF_ASCII;
  while (p < lim) {
    int sub;
    if (*p == 0) {
      t->nul_bytes++;
      p++;
    } else if (stg_tok_utf8(p, lim, &sub) == 0) {
      if (t->invalid_utf8++ == 0)
        t->first_invalid_offset = (size_t)(p - base);
      f &= ~(uint32_t)STG_TF_ASCII;
      p += sub;
    } else
      break;
  }
  if (p == tok) { /* a valid character no rule took (cannot happen): a symbol */
    int sub;
    p += stg_tok_utf8(p, lim, &sub);
    f = STG_TF_PUNCT;
  }
  *cur = p;
  return f;
}

/* Sentence-final state after tokens [.., i]: 0, 1 terminal punctuation, 2 abbreviation,
 * 3 ideographic terminal (with only glued closing quotes/brackets after it). */
static int stg_tok_final(const stg_token *tok, size_t i) {
  for (;;) {
    uint32_t f = tok[i].flags;
    if (f & STG_TOK_TERM)
      return f & STG_TOK_CJKTERM ? 3 : 1;
    if (f & STG_TF_ABBREV)
      return 2;
    if (!(f & STG_TOK_CLOSE) || !(f & STG_TF_GLUED) || i == 0)
      return 0;
    i--;
  }
}

/* A line after a single line break starts in lower case (evidence of hard-wrapped text). */
static int stg_tok_lower_line(ptr p, ptr lim) {
  while (p < lim && (*p == ' ' || *p == '\t' || *p == '\r'))
    p++;
  if (p == lim)
    return 0;
  if (stg_tok_islower(*p))
    return 1;
  int sub, n = stg_tok_utf8(p, lim, &sub);
  return n > 1 && g_unichar_islower(stg_tok_dec(p, &n));
}

/* ---- The lexer ------------------------------------------------------------------------ */

/*!re2c
  re2c:api = custom;
  re2c:api:style = free-form;
  re2c:define:YYCTYPE = "unsigned char";
  re2c:define:YYPEEK = "(cur < lim ? *cur : 0)";
  re2c:define:YYSKIP = "++cur;";
  re2c:define:YYBACKUP = "mar = cur;";
  re2c:define:YYRESTORE = "cur = mar;";
  re2c:yyfill:enable = 0;
  re2c:flags:bit-vectors = 1; // tight self-loops for word and space runs
  re2c:indent:string = "  ";

  // Character classes (code points; re2c --utf8 turns them into byte automata).
  sp_u    = [\u00A0\u1680\u2000-\u200B\u200E\u200F\u202A-\u202F\u205F-\u2064\u2066-\u206F]
          | [\u3000\uFEFF];
  sp      = [ \t\v\f] | sp_u;
  nl_u    = [\u0085\u2028];
  nl      = "\r\n" | [\n\r] | nl_u;
  para    = [\u2029];
  cjk     = [\u3005-\u3007\u3041-\u3096\u309D-\u309F\u30A1-\u30FA\u30FC-\u30FF\u31F0-\u31FF]
          | [\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0003134F];
  cjkmark = [\u3099\u309A\uFE00-\uFE0F];
  upunct  = [\u00A1-\u00A9\u00AB\u00AC\u00AE-\u00B4\u00B6-\u00B9\u00BB-\u00BF\u00D7\u00F7]
          | [\u037E\u0387\u055A-\u055F\u0589\u058A\u05BE\u05C0\u05C3\u05C6\u0609-\u060D]
          | [\u061B\u061D-\u061F\u066A-\u066D\u06D4\u0964\u0965\u0970\u0E4F\u0E5A\u0E5B]
          | [\u10FB\u1360-\u1368\u166E\u1800-\u180A\u2010-\u2027\u2030-\u205E\u2070-\u218F]
          | [\u2190-\u2BFF\u2E00-\u2E7F\u3001-\u3004\u3008-\u3020\u3030\u303D\u30FB]
          | [\uE000-\uF8FF\uFE10-\uFE19\uFE30-\uFE6F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40]
          | [\uFF5B-\uFF65\uFFF9-\uFFFD\U0001F000-\U0001FAFF\U000F0000-\U0010FFFF];
  uany    = [\u0080-\uD7FF\uE000-\U0010FFFF];
  // Letters, digits and marks of every script: whatever is not space, CJK or punctuation.
  uword   = uany \ (sp_u | nl_u | para | cjk | [\u3099\u309A] | upunct);
  w       = [a-zA-Z0-9] | uword;
  apos    = ['\u2019];
  digit   = [0-9];
  num     = digit+ ([.,] digit+)*;
  letter  = [a-zA-Z];

  title   = "Mr" | "Mrs" | "Ms" | "Dr" | "Gen" | "Sen" | "Rep" | "St" | "Prof" | "Gov"
          | "Lt" | "Col" | "Capt" | "Sgt" | "Maj" | "Adm" | "Cmdr" | "Jr" | "Sr" | "Rev"
          | "Hon" | "Pres" | "Sens" | "Reps" | "Mt" | "Ft" | "Messrs" | "Mme" | "Mlle"
          | "Atty" | "Supt" | "Insp" | "Det" | "Brig" | "Cpl" | "Pvt" | "Gens" | "Fig"
          | "MR" | "MRS" | "MS" | "DR" | "GEN" | "SEN" | "REP" | "ST" | "GOV" | "LT" | "COL"
          | "SGT" | "JR" | "SR" | "PROF";
  month   = "Jan" | "Feb" | "Mar" | "Apr" | "Jun" | "Jul" | "Aug" | "Sep" | "Sept" | "Oct"
          | "Nov" | "Dec" | "JAN" | "FEB" | "MAR" | "APR" | "JUN" | "JUL" | "AUG" | "SEP"
          | "SEPT" | "OCT" | "NOV" | "DEC";
  lowabbr = "etc" | "vs" | "cf" | "al" | "approx" | "viz";

  urlc    = [a-zA-Z0-9\-._~:/?#[\]@!$&'()*+,;=%];
  urlend  = [a-zA-Z0-9\-_~/#@$&*+=%];
  host    = [a-zA-Z0-9] [a-zA-Z0-9\-]*;
  tld     = "com" | "org" | "net" | "gov" | "edu" | "int" | "mil" | "io";
  url     = ('https://' | 'http://' | 'ftp://') urlc* urlend
          | 'www.' host ("." host)* ("/" (urlc* urlend)?)?
          | host ("." host)* "." tld ("/" (urlc* urlend)?)?;
  email   = [a-zA-Z0-9_%+\-] [a-zA-Z0-9._%+\-]* "@" host ("." host)+;

  quote_o = ["'\u2018\u201A\u201B\u201C\u201E\u201F\u00AB\u2039\u300C\u300E\u301D\uFF02\uFF07];
  quote_c = [\u2019\u201D\u00BB\u203A\u300D\u300F\u301E\u301F];
*/

/* Fast path for the most common tokens, before the DFA: a lower-case or capitalised ASCII
 * word followed by a byte that no rule could continue it with (space, line break, comma,
 * semicolon, closing bracket, straight quote, ? !). Anything else goes through the DFA, which
 * gives the same result for these cases (the unit tests compare both). */
#ifndef STG_TOK_FASTPATH
#define STG_TOK_FASTPATH 1 /* the unit test also builds this file without it, and compares */
#endif
enum { C_LOWER = 1, C_UPPER = 2, C_END = 4 };
static const unsigned char stg_tok_class[256] = {
    ['a'] = C_LOWER, ['b'] = C_LOWER, ['c'] = C_LOWER, ['d'] = C_LOWER, ['e'] = C_LOWER,
    ['f'] = C_LOWER, ['g'] = C_LOWER, ['h'] = C_LOWER, ['i'] = C_LOWER, ['j'] = C_LOWER,
    ['k'] = C_LOWER, ['l'] = C_LOWER, ['m'] = C_LOWER, ['n'] = C_LOWER, ['o'] = C_LOWER,
    ['p'] = C_LOWER, ['q'] = C_LOWER, ['r'] = C_LOWER, ['s'] = C_LOWER, ['t'] = C_LOWER,
    ['u'] = C_LOWER, ['v'] = C_LOWER, ['w'] = C_LOWER, ['x'] = C_LOWER, ['y'] = C_LOWER,
    ['z'] = C_LOWER, ['A'] = C_UPPER, ['B'] = C_UPPER, ['C'] = C_UPPER, ['D'] = C_UPPER,
    ['E'] = C_UPPER, ['F'] = C_UPPER, ['G'] = C_UPPER, ['H'] = C_UPPER, ['I'] = C_UPPER,
    ['J'] = C_UPPER, ['K'] = C_UPPER, ['L'] = C_UPPER, ['M'] = C_UPPER, ['N'] = C_UPPER,
    ['O'] = C_UPPER, ['P'] = C_UPPER, ['Q'] = C_UPPER, ['R'] = C_UPPER, ['S'] = C_UPPER,
    ['T'] = C_UPPER, ['U'] = C_UPPER, ['V'] = C_UPPER, ['W'] = C_UPPER, ['X'] = C_UPPER,
    ['Y'] = C_UPPER, ['Z'] = C_UPPER, [' '] = C_END,   ['\n'] = C_END,  ['\t'] = C_END,
    ['\r'] = C_END,  [','] = C_END,   [';'] = C_END,   [')'] = C_END,   [']'] = C_END,
    ['}'] = C_END,   ['"'] = C_END,   ['?'] = C_END,   ['!'] = C_END};

/* The end of the run of ASCII lower-case letters starting at p: eight bytes at a time (no
 * branch per letter, so no mispredicted loop exit per word), bytewise near the limit. */
static inline ptr stg_tok_lower_run(ptr p, ptr lim) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
  const uint64_t hi = 0x8080808080808080ull, low7 = 0x7F7F7F7F7F7F7F7Full;
  while (lim - p >= 8) {
    uint64_t x, y;
    memcpy(&x, p, 8);
    y = x & low7; /* no carries between bytes below */
    uint64_t lower = (y + 0x1F1F1F1F1F1F1F1Full) & ~(y + 0x0505050505050505ull) & ~x & hi;
    uint64_t other = ~lower & hi; /* high bit set in each byte that is not a-z */
    if (other)
      return p + (__builtin_ctzll(other) >> 3);
    p += 8;
  }
#endif
  while (p < lim && stg_tok_islower(*p))
    p++;
  return p;
}

/* Emits text[tok..cur) with flags f and what precedes it, and scans on. */
#define EMIT(f)                                                                                    \
  {                                                                                                \
    stg_tok_push(t, base, tok, cur, (f) | ws);                                                     \
    ws = STG_TF_GLUED;                                                                             \
    continue;                                                                                      \
  }

/* Scans text[0..len) into t->tok (appending). Leaves private flags set. Returns whether the
 * text looks hard-wrapped: lines that continue in lower case after an unterminated single
 * line break, in at least 2 places and a quarter of the single line breaks. `phrase`: a rule
 * literal, not a document. */
static int stg_tok_scan(const char *text, size_t len, stg_tokens *t, int phrase) {
  ptr base = (ptr)text, cur = base, lim = base + len, mar = base, tok;
  uint32_t ws = 0;                        /* flags the next token inherits from what precedes it */
  size_t singles = 0, cont = 0, this = 0; /* single line breaks, continued lines, this one's */
  for (;;) {
    if (cur >= lim)
      break;
    if (*cur == ' ') { /* the usual single space: skip it without entering the DFA */
      ws &= ~(uint32_t)STG_TF_GLUED;
      if (++cur >= lim)
        break;
    }
    tok = cur;
    unsigned k = stg_tok_class[*cur];
    if (STG_TOK_FASTPATH && (k & (C_LOWER | C_UPPER))) {
      ptr p = stg_tok_lower_run(cur + 1, lim);
      if (p == lim || stg_tok_class[*p] == C_END) {
        cur = p;
        EMIT(k == C_LOWER ? F_ASCII_LOWER : p - tok == 1 ? F_ASCII_UPPER : F_ASCII_CAP);
      }
    }
    /*!re2c
      sp+           { ws &= ~(uint32_t)STG_TF_GLUED; continue; }
      nl            { if (!(ws & (STG_TOK_NL | STG_TOK_BLANK))) {
                        this = t->n > 0 && stg_tok_final(t->tok, t->n - 1) == 0 &&
                               stg_tok_lower_line(cur, lim);
                        singles++;
                        cont += this;
                        ws = STG_TOK_NL;
                      } else { // a second line break makes a blank line
                        if (!(ws & STG_TOK_BLANK)) {
                          singles--;
                          cont -= this;
                        }
                        ws = STG_TOK_NL | STG_TOK_BLANK;
                      }
                      continue; }
      para          { ws = STG_TOK_NL | STG_TOK_BLANK; continue; }

      [a-z]+        { EMIT(F_ASCII_LOWER); }
      [A-Z][a-z]+   { EMIT(F_ASCII_CAP); }
      [A-Z]+        { EMIT(F_ASCII_UPPER); }
      num "%"?      { EMIT(F_NUM); }
      digit{4} "-" digit{2} "-" digit{2}                  { EMIT(F_NUM); }
      digit{1,2} ":" digit{2} (":" digit{2})?             { EMIT(F_NUM); }
      digit{1,2} "/" digit{1,2} "/" (digit{2} | digit{4}) { EMIT(F_NUM); }

      w+            { stg_tok_word(t, base, tok, cur, &ws); continue; }
      w+ (apos w+)+ { stg_tok_apos_word(t, base, tok, cur, &ws); continue; }
      cjk cjkmark*  { EMIT(STG_TF_WORD); }

      (title | month | lowabbr) "." | letter ("." letter)+ "."
                    { EMIT(stg_tok_shape(tok, cur) | STG_TF_ABBREV); }
      letter ("." letter)+
                    { EMIT(stg_tok_shape(tok, cur)); }
      [Nn] "o."     { // "No." only before a number
                      if (!stg_tok_digit_follows(cur, lim))
                        cur--;
                      EMIT(stg_tok_shape(tok, cur) | (cur - tok == 3 ? STG_TF_ABBREV : 0)); }
      [A-Z] "."     { // a middle initial: "V." in "Vladimir V. Putin"
                      if (!stg_tok_initial_follows(cur, lim))
                        cur--;
                      EMIT(F_ASCII_UPPER | (cur - tok == 2 ? STG_TF_ABBREV : 0)); }
      apos ('s' | 're' | 've' | 'll' | 'd' | 'm')
                    { if (stg_tok_contraction(t, cur, lim, ws, phrase))
                        EMIT(stg_tok_shape(tok, cur));
                      cur = tok + (*tok == '\'' ? 1 : 3); // just the apostrophe, as a quote
                      EMIT((*tok == '\'' ? F_PUNCT : F_UPUNCT) | STG_TF_QUOTE | F_AMBIGUOUS); }

      url | email | "@" [a-zA-Z0-9_]+   { EMIT(STG_TF_URL | STG_TF_ASCII); }
      "#" ([a-zA-Z0-9_] | uword)+        { EMIT(STG_TF_URL | (stg_tok_shape(tok, cur) &
                                                               STG_TF_ASCII)); }

      "." | "."{2,} | [!?]+              { EMIT(F_TERM | STG_TF_ASCII); }
      "\u2026"+ | [\u0589\u061F\u06D4\u0964\u0965\u203C\u203D\u2047-\u2049] { EMIT(F_TERM); }
      [\u3002\uFF01\uFF0E\uFF1F\uFF61]+  { EMIT(F_TERM | STG_TOK_CJKTERM); }
      "-"+                               { EMIT(F_PUNCT); }
      "\u2014"+ | "\u2015"+              { EMIT(F_UPUNCT); }
      ["']                               { EMIT(F_PUNCT | STG_TF_QUOTE | F_AMBIGUOUS); }
      quote_o                            { EMIT(F_QUOTE | STG_TOK_OPEN); }
      quote_c                            { EMIT(F_QUOTE | STG_TOK_CLOSE); }
      [([{]                              { EMIT(F_PUNCT | STG_TOK_OPEN); }
      [)\]}]                             { EMIT(F_PUNCT | STG_TOK_CLOSE); }
      [\u3008\u300A\u3010\u3014\u3016\u3018\u301A\uFF08\uFF3B\uFF5B]
                                         { EMIT(F_UPUNCT | STG_TOK_OPEN); }
      [\u3009\u300B\u3011\u3015\u3017\u3019\u301B\uFF09\uFF3D\uFF5D]
                                         { EMIT(F_UPUNCT | STG_TOK_CLOSE); }
      [\x01-\x7F]                        { EMIT(F_PUNCT); }
      upunct [\uFE0E\uFE0F]*             { EMIT(F_UPUNCT); }

      *             { EMIT(stg_tok_invalid(t, base, tok, lim, &cur)); }
    */
  }
  return cont >= 2 && cont * 4 >= singles;
}

#undef EMIT

/* ---- Sentence splitter ---------------------------------------------------------------- */

static void stg_tok_sent(stg_tokens *t, size_t first, size_t end, uint32_t para) {
  if (t->n_sent == t->cap_sent) {
    t->cap_sent = t->cap_sent ? t->cap_sent * 2 : 64;
    t->sent = g_renew(stg_sentence, t->sent, t->cap_sent);
  }
  t->sent[t->n_sent++] = (stg_sentence){(uint32_t)first, (uint32_t)end, para};
  t->tok[end - 1].flags |= STG_TF_SENT_END;
}

/* May token k (preceded by whitespace) start a sentence: a capital, a digit, an opening
 * quote or bracket, or a letter of a script without case. */
static int stg_tok_starts(const stg_token *k, ptr base) {
  uint32_t f = k->flags;
  unsigned c = base[k->start];
  if (f & (STG_TF_CAP | STG_TF_NUM | STG_TOK_OPEN))
    return 1;
  if (c - '0' < 10u)
    return 1;
  return (f & STG_TF_WORD) && !(f & STG_TF_LOWER) && c >= 0x80;
}

static void stg_tok_split(stg_tokens *t, ptr base, int wrapped) {
  stg_token *tok = t->tok;
  size_t n = t->n;
  if (n == 0)
    return;
  /* Hard-wrapped text keeps sentences across single line breaks; text with one paragraph or
   * headline per line does not. */
  size_t headline = wrapped ? STG_TOK_HEADLINE_WRAPPED : STG_TOK_HEADLINE;

  size_t first = 0;
  uint32_t para = 0, line_start = tok[0].start;
  int fin = 0; /* stg_tok_final() of the previous token, tracked incrementally */
  for (size_t i = 0; i < n; i++) {
    if (fin == 0) { /* skip plain tokens after a plain token: nothing to decide */
      const uint32_t m = STG_TOK_PRIVATE | STG_TF_ABBREV;
      size_t stop = first + STG_TOK_MAX_SENT < n ? first + STG_TOK_MAX_SENT : n;
      while (i + 4 <= stop &&
             !((tok[i].flags | tok[i + 1].flags | tok[i + 2].flags | tok[i + 3].flags) & m))
        i += 4; /* one branch per four tokens */
      while (i < stop && !(tok[i].flags & m))
        i++;
      if (i == n)
        break;
    }
    uint32_t f = tok[i].flags;
    int closer = (f & (STG_TOK_CLOSE | STG_TF_GLUED)) == (STG_TOK_CLOSE | STG_TF_GLUED);
    if (i > 0) {
      int brk = 0, newpara = 0;
      if (f & STG_TOK_BLANK)
        brk = newpara = 1;
      else if (f & STG_TOK_SPLIT)
        brk = 1;
      else if (fin == 3)
        brk = !closer;
      else if (!(f & STG_TF_GLUED) && stg_tok_starts(&tok[i], base)) {
        if (fin == 1)
          brk = 1;
        else if (f & STG_TOK_NL) {
          if (fin == 2)
            brk = !wrapped;
          else
            brk = tok[i - 1].end - line_start < headline;
        }
        newpara = brk && (f & STG_TOK_NL) && !wrapped; /* one paragraph per line */
      }
      if (!brk && i - first >= STG_TOK_MAX_SENT)
        brk = 1;
      if (brk) {
        stg_tok_sent(t, first, i, para);
        first = i;
        para += (uint32_t)newpara;
      }
      if (f & STG_TOK_NL)
        line_start = tok[i].start;
    }
    if (f & STG_TOK_TERM)
      fin = f & STG_TOK_CJKTERM ? 3 : 1;
    else if (f & STG_TF_ABBREV)
      fin = 2;
    else if (!closer)
      fin = 0;
    tok[i].flags = f & ~STG_TOK_PRIVATE;
  }
  stg_tok_sent(t, first, n, para);
}

static int stg_tok_reset(const char *text, size_t len, stg_tokens *t) {
  t->n = t->n_sent = 0;
  t->invalid_utf8 = t->first_invalid_offset = t->nul_bytes = 0;
  if (len > UINT32_MAX || (len > 0 && text == NULL))
    return -1;
  if (t->cap < len / 5 + 16) { /* English prose: about one token per 5.4 bytes */
    t->cap = len / 5 + 16;
    t->tok = g_renew(stg_token, t->tok, t->cap);
  }
  return 0;
}

int stg_tokenize(const char *text, size_t len, stg_tokens *t) {
  if (stg_tok_reset(text, len, t) != 0)
    return -1;
  if (len == 0)
    return 0; /* text may be NULL */
  int wrapped = stg_tok_scan(text, len, t, 0);
  stg_tok_split(t, (ptr)text, wrapped);
  return 0;
}

int stg_tokenize_phrase(const char *text, size_t len, stg_tokens *t) {
  if (stg_tok_reset(text, len, t) != 0)
    return -1;
  if (len == 0)
    return 0;
  stg_tok_scan(text, len, t, 1);
  for (size_t i = 0; i < t->n; i++)
    t->tok[i].flags &= ~STG_TOK_PRIVATE;
  return 0;
}
