/* recache.h: regex results per distinct token text, for one scratch.
 *
 * A regex test depends only on the token's bytes, so its result is computed once per distinct
 * text and kept in a small record: one byte per program regex (0 not yet known, 1 no, 2 yes)
 * and a last byte telling whether the text is valid UTF-8 (1 no, 2 yes). The table is keyed by
 * the raw bytes and their length (NUL bytes included) and hashed with stg_hash, so a lookup
 * copies nothing. Records never move until the table is reset: the scanner keeps pointers to
 * them per token and in its word cache. */
#ifndef STG_RECACHE_H
#define STG_RECACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct stg_recache_block stg_recache_block;

typedef struct stg_recache {
  struct stg_recache_slot *slot; /* open addressing, 1 << bits slots */
  uint32_t bits, n;              /* n: records */
  stg_recache_block *blocks;     /* where records and keys live, in the order of use */
  stg_recache_block *cur;        /* the block being filled; later ones are free for reuse */
} stg_recache;

void stg_recache_init(stg_recache *c);

/* Frees everything; the table may be initialised again. */
void stg_recache_clear(stg_recache *c);

/* Forgets every record (pointers to them become invalid) and keeps the memory for the next
 * ones: no fresh pages (and page faults) after every reset. */
void stg_recache_reset(stg_recache *c);

/* The record of text[0..len) with n_res + 1 bytes; a new one is zeroed but for its last byte,
 * which tells whether the text is valid UTF-8. Owned by the table. */
uint8_t *stg_recache_get(stg_recache *c, const char *text, size_t len, size_t n_res);

#endif /* STG_RECACHE_H */
