/* arena.h: a bump allocator for the many small, long-lived blocks of one compilation
 * (gazetteer entries, their phrases, attributes and strings), freed all at once.
 *
 * A gazetteer of 200,000 entries is about two million small blocks: allocating them one by one
 * and freeing them one by one at the end was a quarter of the compile, and their headers and
 * rounding most of its memory. Blocks come from chunks of STG_ARENA_CHUNK bytes (larger requests
 * get a chunk of their own) and are released only by stg_arena_free(). */
#ifndef STG_ARENA_H
#define STG_ARENA_H

#include <stddef.h>

#define STG_ARENA_CHUNK ((size_t)64 << 10)

typedef struct stg_arena_chunk stg_arena_chunk;

typedef struct stg_arena {
  stg_arena_chunk *chunks; /* newest first */
  char *cur, *end;         /* free room in the newest chunk */
} stg_arena;

/* An empty arena needs no allocation: a zeroed stg_arena is valid. */
void stg_arena_init(stg_arena *a);

/* Frees every block of the arena and leaves it empty (reusable). */
void stg_arena_free(stg_arena *a);

/* `n` bytes, aligned for any type, zero-filled, owned by the arena. Aborts only if memory is
 * exhausted, like g_malloc(). */
void *stg_arena_alloc(stg_arena *a, size_t n);

/* A NUL-terminated copy of s[0..n) owned by the arena. */
char *stg_arena_strndup(stg_arena *a, const char *s, size_t n);

/* A NUL-terminated copy of s, or NULL for NULL. */
char *stg_arena_strdup(stg_arena *a, const char *s);

#endif /* STG_ARENA_H */
