/* fold.h: matching keys. A token's key is its text, NFC-normalised and Unicode case-folded
 * (GLib), so "UKRAINE", "Ukraine" and "ukraine" share one key. Curly apostrophes fold to the
 * straight one (’s == 's) and the Unicode hyphens and dashes inside words to '-'. */
#ifndef STG_FOLD_H
#define STG_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* Writes the folded key of text[0..len) into buf (cap bytes) and returns its length; if the
 * key needs more than cap bytes, returns the needed length and writes nothing useful. `ascii`
 * may be set when every byte is < 0x80 (fast path: ASCII lowercase only). Invalid UTF-8 bytes
 * are copied through unchanged. */
size_t stg_fold(const char *text, size_t len, int ascii, char *buf, size_t cap);

/* 64-bit hash of a byte string (used for the word table). */
uint64_t stg_hash(const char *s, size_t len);

#endif /* STG_FOLD_H */
