/* scan.h: per-thread scanning state (the scratch) and the pieces of a scan shared by scan.c
 * (document pipeline), vm.c (pattern automata) and selftest.c (inline tests). */
#ifndef STG_SCAN_H
#define STG_SCAN_H

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "program.h"
#include "recache.h"
#include "tokenize.h"

/* String references in annotations: program pool offsets, or (high bit set) offsets into the
 * scratch's dynamic pool. */
#define STG_DYN 0x80000000u

/* An annotation over tokens [start, end) of the current document. */
typedef struct stg_ann {
  uint32_t start, end;
  uint32_t label;
  uint32_t id;           /* string ref */
  uint32_t attr, n_attr; /* into prog->attrs (static) or scratch->dattrs (dyn) */
  uint32_t dyn_attrs;    /* 1: attrs are in scratch->dattrs */
  uint32_t rule;         /* producing rule, STG_NONE for gazetteer entries */
  uint32_t next;         /* next annotation starting at the same token, STG_NONE at the end */
  uint32_t next_end;     /* next annotation ending at the same token (look-behind) */
} stg_ann;

typedef struct stg_dattr {
  uint32_t name, value; /* string refs */
} stg_dattr;

/* Internal record, turned into stancetag_record for the callback. */
typedef struct stg_rec {
  uint32_t kind; /* STANCETAG_RECORD_* */
  uint32_t start, end; /* bytes */
  uint32_t sentence;
  uint32_t rule;       /* rule index or STG_NONE */
  uint32_t ann;        /* entity: annotation */
  uint32_t holder, target; /* stance: annotations, or STG_NONE with text spans below */
  uint32_t hs, he, ts, te; /* stance: holder and target byte spans */
  uint32_t holder_id, target_id; /* string refs */
  uint32_t stance;     /* STG_P_SUPPORT / STG_P_OPPOSE */
  uint32_t cs, ce;     /* cue bytes */
  uint32_t flags;
  uint32_t dattr, n_dattr;
  int32_t priority;
} stg_rec;

/* One pattern match. */
typedef struct stg_match {
  uint32_t rule, start, end; /* tokens */
  uint32_t caps;             /* offset into scratch->capbuf (2 * n_caps token positions) */
} stg_match;

/* Pike VM thread queues, one per nesting depth of look-around. */
typedef struct stg_vm {
  struct stg_thread *threads; /* queued threads */
  uint32_t n_threads, cap_threads;
  uint32_t *caps; /* capture arrays */
  uint32_t n_caps, cap_caps;
  uint32_t *head, *tail, *hrun; /* per position offset: queue, valid when hrun == run */
  uint32_t cap_pos;
  uint32_t run;
  uint32_t *mark; /* per instruction: generation it was last added at a position */
  uint32_t mark_size;
  uint32_t gen;
  struct stg_thread *stack; /* epsilon-closure work stack */
  uint32_t n_stack, cap_stack;
} stg_vm;

/* Word-id cache entry for ASCII tokens of up to 16 bytes: raw bytes (zero-padded) and length. */
typedef struct stg_wcache {
  uint64_t key[2];
  uint32_t len, wid; /* len 0: empty */
  guint8 *re;        /* the text's regex_cache entry once known, or NULL */
} stg_wcache;
#define STG_WCACHE_BITS 14

/* A growable vector of candidates. */
typedef struct stg_cvec {
  uint64_t *v;
  size_t n, cap;
} stg_cvec;

/* Plain growable arrays for the hot paths: a push is a compare and a store, not a call. */
#define STG_VEC(T)                                                                               \
  struct {                                                                                       \
    T *v;                                                                                        \
    size_t n, cap;                                                                               \
  }
void *stg_vec_grow(void *v, size_t *cap, size_t need, size_t size); /* returns the new v */
#define stg_vec_reserve(vec, need)                                                               \
  do {                                                                                           \
    if ((need) > (vec).cap)                                                                      \
      (vec).v = stg_vec_grow((vec).v, &(vec).cap, (need), sizeof *(vec).v);                      \
  } while (0)
#define stg_vec_push(vec, x)                                                                     \
  do {                                                                                           \
    stg_vec_reserve(vec, (vec).n + 1);                                                           \
    (vec).v[(vec).n++] = (x);                                                                    \
  } while (0)

struct stancetag_scratch {
  const stancetag_program *prog;
  gint busy;
  stg_tokens toks;
  uint32_t *wid; /* word id per token */
  size_t wid_cap;
  GString *fold;
  const char *text;
  size_t len;
  /* annotations */
  STG_VEC(stg_ann) ann;
  STG_VEC(stg_ann) new_anns; /* made by the current phase, added when it ends */
  uint32_t *head;   /* per token: first annotation starting there */
  uint32_t *tail;   /* per token position: first annotation ending there */
  uint32_t max_ann_len; /* longest annotation of the document, in tokens (look-behind bound) */
  size_t head_cap;
  GArray *dattrs;   /* stg_dattr */
  GString *dstr;    /* dynamic strings */
  /* gazetteer per-label state */
  uint32_t *label_free; /* per label: first token not yet covered (per sentence) */
  uint32_t *best_end, *best_ent;
  STG_VEC(uint32_t) touched; /* labels met at the current gazetteer start */
  STG_VEC(uint32_t) gaz_starts; /* the sentence's tokens whose word starts a gazetteer phrase */
  /* rule matching */
  uint64_t *cand;   /* (rule << 32 | start) candidates of the phase (a plain array: hot) */
  size_t n_cand, cap_cand;
  int cand_unsorted; /* a rule's candidates came out of start order: sort and unique them */
  stg_cvec *pending; /* per phase: triggered (rule << 32 | start), not yet checked */
  uint32_t n_pending;
  STG_VEC(uint32_t) anyw_ok; /* trigger-less rules of the phase the sentence can satisfy */
  STG_VEC(stg_match) matches;
  STG_VEC(uint32_t) capbuf; /* the captures of matches[] */
  STG_VEC(uint64_t) bn_mask[8]; /* vm.c, per look-around depth: a bitnfa.c automaton's live
                                   states per position; n entries are zero between runs */
  stg_vm vm[8];     /* look-around nesting beyond 8 runs unsupported (reported as no match) */
  stg_recache regex_cache; /* token text -> its regex results (recache.h) */
  stg_regex_data *re_md;   /* match state for the program's regexes (NULL: it has none) */
  guint8 **tok_re;         /* per token of the document: its regex_cache record, or NULL */
  /* sentence presence of rule requirements */
  uint64_t *group_at; /* per requirement group (presence.c): sent_stamp << 32 | the last token
                         where the sentence meets it; an older stamp: not met (one load tells
                         both) */
  stg_wcache *wcache; /* 1 << STG_WCACHE_BITS entries */
  uint32_t *rule_chk;   /* per rule: check stamp of the cached result in rule_bound */
  uint32_t *rule_bound; /* per rule: 1 + the last start the requirements allow, 0 none */
  uint32_t *rule_last; /* per rule: 1 + start of its last candidate, 0 none (this phase) */
  uint32_t *rule_free; /* per solo rule: end of its last match, 0 none (this phase) */
  uint32_t *rule_rate; /* per rule: recent candidates run and matches, for run_phase's choice
                          of a bitnfa.c test before the VM (no effect on results) */
  uint32_t sent_stamp, chk_stamp;
  int all_spans; /* STANCETAG_SCAN_SPANS: every span is made, needed or not (demand.c) */
  /* records */
  GArray *recs;     /* stg_rec */
  GArray *pubattrs; /* stancetag_attr, per callback */
};

/* Context for matching within one sentence. */
typedef struct stg_sent_ctx {
  stancetag_scratch *s;
  const stancetag_program *p;
  uint32_t sb, se; /* sentence token bounds */
} stg_sent_ctx;

/* Runs rule code from `pc` anchored at token `start`. Longest match: returns 1 and sets *end and
 * (when caps != NULL) the capture positions (2 * n_caps; STG_NONE when unset). */
int stg_vm_longest(stg_sent_ctx *c, uint32_t pc, uint32_t start, uint32_t n_caps, uint32_t *end,
                   uint32_t *caps);

/* Runs rule automaton `n` (bitnfa.c) at `start`: what stg_vm_longest returns and sets *end
 * to, without the captures. */
int stg_vm_bitnfa(stg_sent_ctx *c, const stg_bitnfa *n, uint32_t start, uint32_t *end);

/* A quick necessary condition for a match of rule `rule` at `start` (its first consuming
 * instructions); 0: no match possible, do not run the VM. */
int stg_vm_first_step(stg_sent_ctx *c, uint32_t rule, uint32_t start);

/* The first n (1 to 8) bytes of 8 loaded ones, the rest zero. */
static inline uint64_t keep_bytes(uint64_t k, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return k & ~(uint64_t)0 << (64 - 8 * n);
#else
  return k & ~(uint64_t)0 >> (64 - 8 * n);
#endif
}

/* The word-id cache entry for an ASCII token of at most 16 bytes (with 16 bytes readable from
 * its start), and its key; NULL for other tokens. */
static inline stg_wcache *stg_wcache_slot(stancetag_scratch *s, const stg_token *t, uint64_t key[2]) {
  size_t len = t->end - t->start;
  if (len == 0 || len > 16 || !(t->flags & STG_TF_ASCII) || t->start + 16 > s->len)
    return NULL;
  memcpy(key, s->text + t->start, 16);
  if (len <= 8) {
    key[0] = keep_bytes(key[0], len);
    key[1] = 0;
  } else {
    key[1] = keep_bytes(key[1], len - 8);
  }
  uint64_t h = (key[0] + len) * 0x9E3779B97F4A7C15ull ^ key[1] * 0xC2B2AE3D27D4EB4Full;
  return &s->wcache[h >> (64 - STG_WCACHE_BITS)];
}


/* Does cache entry `e` hold the token of this key and length? */
static inline int stg_wcache_holds(const stg_wcache *e, const uint64_t key[2], size_t len) {
  return e->len == len && e->key[0] == key[0] && e->key[1] == key[1];
}

/* Does one token satisfy an instruction's predicate set? */
int stg_vm_pred(stg_sent_ctx *c, const stg_inst *in, uint32_t tok);

/* Does annotation `a` satisfy constraints [first, first + n)? */
int stg_ann_ok(const stancetag_program *p, const stancetag_scratch *s, const stg_ann *a,
               uint32_t first, uint32_t n);

/* Value of attribute `name` ("id" included) of an annotation, NULL if absent. */
const char *stg_ann_attr(const stancetag_program *p, const stancetag_scratch *s, const stg_ann *a,
                         const char *name);

/* String of a reference (program pool or dynamic pool). */
const char *stg_sref(const stancetag_program *p, const stancetag_scratch *s, uint32_t ref);

void stg_vm_free(stg_vm *vm);

/* Scans text, producing internal records in s->recs (sorted), without calling back. */
int stg_scan_records(const stancetag_program *p, stancetag_scratch *s, const char *text,
                     size_t len, unsigned flags);

/* antecedent(capture, LABEL) holders and targets of stance action `ac` (coref.c): ante[0]
 * (holder) and ante[1] (target) get the antecedent annotation, or STG_NONE where the role is
 * the capture itself. Returns 0 when an antecedent is missing (no record); else 1, after
 * appending a `resolved_holder`/`resolved_target` attribute per antecedent to s->dattrs. */
int stg_coref_resolve(const stancetag_program *p, stancetag_scratch *s, const stg_pact *ac,
                      const uint32_t *caps, uint32_t sentence, uint32_t ante[2]);

/* Fills a public record from an internal one (pointers valid until the next call). */
void stg_rec_public(const stancetag_program *p, stancetag_scratch *s, const stg_rec *r,
                    stancetag_record *out);

#endif /* STG_SCAN_H */
