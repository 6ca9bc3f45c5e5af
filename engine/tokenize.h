/* tokenize.h: the document tokenizer (engine/tokenize.re, re2c) and sentence splitter.
 *
 * Tokens carry UTF-8 byte offsets into the original text and shape flags. Matching keys (NFC +
 * Unicode case folding) are computed by engine/fold.c, not here.
 */
#ifndef STG_TOKENIZE_H
#define STG_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

/* Token flags. */
enum {
  STG_TF_CAP = 1u << 0,      /* first letter upper case */
  STG_TF_UPPER = 1u << 1,    /* has letters, all upper case */
  STG_TF_LOWER = 1u << 2,    /* has letters, all lower case */
  STG_TF_NUM = 1u << 3,      /* number: 12, 3.02%, 2023-03-21, 1,000 */
  STG_TF_PUNCT = 1u << 4,    /* punctuation or symbol */
  STG_TF_WORD = 1u << 5,     /* contains a letter */
  STG_TF_ABBREV = 1u << 6,   /* abbreviation with its period: U.S., Mr., a.m. */
  STG_TF_GLUED = 1u << 7,    /* no whitespace before this token (parts of cease-fire, 's) */
  STG_TF_URL = 1u << 8,      /* URL, e-mail address or @handle / #hashtag */
  STG_TF_INVALID = 1u << 9,  /* contains invalid UTF-8 or NUL bytes */
  STG_TF_ASCII = 1u << 10,   /* all bytes < 0x80 (folding fast path) */
  STG_TF_QUOTE = 1u << 11,   /* a quotation mark, straight or curly */
  STG_TF_SENT_END = 1u << 12 /* set by the splitter: last token of its sentence */
};

typedef struct stg_token {
  uint32_t start, end; /* byte offsets, end exclusive (documents are split below 4 GiB) */
  uint32_t flags;      /* STG_TF_* */
} stg_token;

typedef struct stg_sentence {
  uint32_t first, last; /* token indexes [first, last) */
  uint32_t paragraph;   /* 0-based paragraph number */
} stg_sentence;

/* Growable output buffers, reused across documents by the scratch. */
typedef struct stg_tokens {
  stg_token *tok;
  size_t n, cap;
  stg_sentence *sent;
  size_t n_sent, cap_sent;
  size_t invalid_utf8;         /* invalid sequences seen */
  size_t first_invalid_offset; /* valid when invalid_utf8 > 0 */
  size_t nul_bytes;
} stg_tokens;

/* The sentence holding token `tok`: the last one starting at or before it (binary search);
 * 0 when there are none. */
static inline size_t stg_sentence_of(const stg_tokens *t, uint32_t tok) {
  size_t lo = 0, hi = t->n_sent;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (t->sent[mid].first <= tok)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

void stg_tokens_init(stg_tokens *t);
void stg_tokens_clear(stg_tokens *t); /* frees the buffers */

/* Tokenizes text[0..len) and splits sentences and paragraphs, replacing t's contents.
 * Never fails on any input (invalid bytes become STG_TF_INVALID tokens). Returns 0, or -1 if
 * len >= 4 GiB. */
int stg_tokenize(const char *text, size_t len, stg_tokens *t);

/* Tokenizes a rule literal ("John F. Kirby") the same way as document text, without sentence
 * splitting; used by the compiler so phrases and text agree. */
int stg_tokenize_phrase(const char *text, size_t len, stg_tokens *t);

#endif /* STG_TOKENIZE_H */
