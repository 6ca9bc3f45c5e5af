/* arena.c: the compile-time bump allocator (see arena.h). */
#include "arena.h"

#include <glib.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* Under AddressSanitizer a chunk's free room stays poisoned until handed out, so an overrun
 * from one block into the next room is reported like one between heap blocks. */
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct stg_arena_chunk {
  stg_arena_chunk *next;
  size_t room; /* bytes of data[] */
  alignas(max_align_t) char data[];
};

void stg_arena_init(stg_arena *a) {
  memset(a, 0, sizeof *a);
}

void stg_arena_free(stg_arena *a) {
  for (stg_arena_chunk *c = a->chunks, *next; c; c = next) {
    next = c->next;
    UNPOISON(c->data, c->room);
    g_free(c);
  }
  stg_arena_init(a);
}

/* A new chunk for a request of n bytes. A large request gets a chunk of its own, linked
 * behind the current one so that the current chunk's free room is kept. */
static void *arena_grow(stg_arena *a, size_t n) {
  size_t room = n > STG_ARENA_CHUNK / 4 ? n : STG_ARENA_CHUNK;
  stg_arena_chunk *c = g_malloc0(sizeof *c + room);
  c->room = room;
  POISON(c->data + n, room - n);
  if (room == n && a->chunks) {
    c->next = a->chunks->next;
    a->chunks->next = c;
    return c->data;
  }
  c->next = a->chunks;
  a->chunks = c;
  a->cur = c->data + n;
  a->end = c->data + room;
  return c->data;
}

/* n bytes at a multiple of align (a power of two) from the newest chunk's free room. */
static void *arena_take(stg_arena *a, size_t n, size_t align) {
  if (n == 0)
    n = 1;
  uintptr_t at = ((uintptr_t)a->cur + align - 1) & ~(uintptr_t)(align - 1);
  if (!a->cur || at > (uintptr_t)a->end || n > (uintptr_t)a->end - at)
    return arena_grow(a, n);
  a->cur = (char *)at + n;
  UNPOISON((char *)at, n);
  return (char *)at; /* chunks are zero-filled and never reused before stg_arena_free */
}

void *stg_arena_alloc(stg_arena *a, size_t n) {
  return arena_take(a, n, alignof(max_align_t));
}

char *stg_arena_strndup(stg_arena *a, const char *s, size_t n) {
  char *d = arena_take(a, n + 1, 1);
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

char *stg_arena_strdup(stg_arena *a, const char *s) {
  return s ? stg_arena_strndup(a, s, strlen(s)) : NULL;
}
