/* recache.c: regex results per distinct token text (see recache.h). */
#include "recache.h"
#include "fold.h"

#include <glib.h>
#include <string.h>

typedef struct stg_recache_slot {
  uint64_t hash;
  uint8_t *rec; /* NULL: empty slot; the key's bytes follow the record's n_res + 1 bytes */
  size_t len;
} stg_recache_slot;

struct stg_recache_block {
  stg_recache_block *next;
  size_t used, cap;
  unsigned char data[];
};

#define RC_BLOCK (64u * 1024u) /* bytes of records and keys per block */
#define RC_MIN_BITS 10

void stg_recache_init(stg_recache *c) {
  memset(c, 0, sizeof *c);
}

static void free_blocks(stg_recache_block *b) {
  while (b) {
    stg_recache_block *next = b->next;
    g_free(b);
    b = next;
  }
}

void stg_recache_clear(stg_recache *c) {
  g_free(c->slot);
  free_blocks(c->blocks);
  stg_recache_init(c);
}

void stg_recache_reset(stg_recache *c) {
  for (stg_recache_block *b = c->blocks; b; b = b->next)
    b->used = 0;
  c->cur = c->blocks;
  if (c->slot)
    memset(c->slot, 0, ((size_t)1 << c->bits) * sizeof *c->slot);
  c->n = 0;
}

static uint8_t *alloc_record(stg_recache *c, size_t need) {
  stg_recache_block *b = c->cur;
  while (b && b->cap - b->used < need) /* the next kept block, if any */
    b = b->next;
  if (!b) { /* a new block, linked after the last one */
    size_t cap = need > RC_BLOCK ? need : RC_BLOCK;
    b = g_malloc(sizeof *b + cap);
    b->used = 0;
    b->cap = cap;
    b->next = NULL;
    stg_recache_block **end = c->cur ? &c->cur->next : &c->blocks;
    while (*end)
      end = &(*end)->next;
    *end = b;
  }
  c->cur = b;
  uint8_t *r = b->data + b->used;
  b->used += need;
  return r;
}

/* Doubles the table (or makes the first one), re-placing records by their stored hashes. */
static void grow(stg_recache *c) {
  uint32_t bits = c->slot ? c->bits + 1 : RC_MIN_BITS;
  size_t n_slots = (size_t)1 << bits, mask = n_slots - 1;
  stg_recache_slot *slot = g_new0(stg_recache_slot, n_slots);
  if (c->slot) {
    for (size_t i = 0; i < ((size_t)1 << c->bits); i++) {
      if (!c->slot[i].rec)
        continue;
      size_t j = c->slot[i].hash & mask;
      while (slot[j].rec)
        j = (j + 1) & mask;
      slot[j] = c->slot[i];
    }
    g_free(c->slot);
  }
  c->slot = slot;
  c->bits = bits;
}

uint8_t *stg_recache_get(stg_recache *c, const char *text, size_t len, size_t n_res) {
  if (!c->slot || 2 * ((size_t)c->n + 1) > ((size_t)1 << c->bits))
    grow(c); /* at most half full: short probes */
  uint64_t h = stg_hash(text, len);
  size_t mask = ((size_t)1 << c->bits) - 1, i = h & mask;
  for (;; i = (i + 1) & mask) {
    stg_recache_slot *sl = &c->slot[i];
    if (!sl->rec)
      break;
    if (sl->hash == h && sl->len == len && memcmp(sl->rec + n_res + 1, text, len) == 0)
      return sl->rec;
  }
  uint8_t *r = alloc_record(c, n_res + 1 + len);
  memset(r, 0, n_res);
  r[n_res] = g_utf8_validate_len(text, len, NULL) ? 2 : 1;
  if (len)
    memcpy(r + n_res + 1, text, len);
  c->slot[i] = (stg_recache_slot){h, r, len};
  c->n++;
  return r;
}
