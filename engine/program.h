/* program.h: the compiled program. Immutable after compilation or loading; shared read-only by
 * every scanning thread.
 *
 * Layout: a set of flat arrays of plain structs that refer to each other by uint32 indexes and
 * to strings by offsets into one string pool. That makes the program cache-friendly, trivially
 * serializable (program.c writes the arrays as they are, and a load uses them in place, in the
 * saved bytes: `block`) and cheap to validate on load. Derived tables (compiled regexes, trigger
 * and presence lists) are rebuilt by stg_prog_finish() after compiling or loading and are never
 * saved; the word hash is built after compiling and saved (the largest of them: 1 MB for a
 * 200k-entry gazetteer, most of what a load would otherwise allocate).
 */
#ifndef STG_PROGRAM_H
#define STG_PROGRAM_H

#include <glib.h>
#include <stdint.h>

#include "regex.h"
#include "stancetag.h"

#define STG_NONE UINT32_MAX

/* Ends of requirement groups in req[]: a group met at or after a match's start (consumed by
 * the rule or a look-ahead), or anywhere in the sentence (a look-behind). */
#define STG_REQ_END STG_NONE
#define STG_REQ_END_ANYWHERE (STG_NONE - 1)
#define STG_GROUP_ANYWHERE 0x80000000u /* in rgroup[]: a group ended by STG_REQ_END_ANYWHERE */

/* Pattern instructions: a Thompson NFA over tokens, run by vm.c as a Pike VM. */
typedef enum stg_op {
  STG_OP_PRED,  /* a: first pred, b: number of preds (OR), c: 1 = negated; consumes one token */
  STG_OP_ANNOT, /* a: label, b: first constraint, c: number of constraints; consumes the tokens
                   of an annotation of that label starting here */
  STG_OP_SPLIT, /* a: preferred next, b: other next */
  STG_OP_JMP,   /* a: next */
  STG_OP_SAVE,  /* a: capture slot (2 * capture + 0/1) */
  STG_OP_BOS,   /* sentence start */
  STG_OP_EOS,   /* sentence end */
  STG_OP_LOOK,  /* a: sub-program start, b: 0 = ahead, else behind with 1 + the longest
                   match in tokens (STG_NONE: unbounded), c: bit 0 negated; bit 1: b is
                   k << 16 | f, the longest match is f tokens plus k annotations */
  STG_OP_MATCH,
  STG_OP_LOOK1  /* a look-around whose pattern is one element: a: first of b alternative
                   instructions (PRED or ANNOT, never run as code), c: bit 0 negated, bit 1
                   behind. Tested in place, without a sub-run of the VM. */
} stg_op;

typedef struct stg_inst {
  uint32_t op, a, b, c;
} stg_inst;

typedef enum stg_pred_kind {
  STG_PRED_WORD,  /* a: word id; b: case-sensitive text (string offset) or 0 */
  STG_PRED_CLASS, /* a: class */
  STG_PRED_REGEX, /* a: regex */
  STG_PRED_SHAPE, /* a: STG_TF_* mask that must all be set, b: mask that must be clear */
  STG_PRED_ANY
} stg_pred_kind;

typedef struct stg_pred {
  uint32_t kind, a, b;
} stg_pred;

/* An attribute: static name and value, or (for actions) the value of attribute `value` of the
 * annotation that capture `cap` covers. */
typedef struct stg_attr_rec {
  uint32_t name;  /* string */
  uint32_t value; /* string */
  uint32_t cap;   /* STG_NONE: static value; else capture index */
} stg_attr_rec;

/* Annotation constraint: PERSON[country=USA], PERSON[country!=USA]. Attribute and constraint
 * names are interned in the string pool (one offset per distinct name), so the scanner
 * compares names by offset. */
typedef struct stg_cons_rec {
  uint32_t name, value; /* strings; name "id" tests the id */
  uint32_t negated;
} stg_cons_rec;

typedef enum stg_label_kind {
  STG_LABEL_ENTITY = 1,
  STG_LABEL_SPAN = 2,
  STG_LABEL_TAG = 3
} stg_label_kind;

typedef struct stg_label {
  uint32_t name, kind;
} stg_label;

typedef struct stg_class {
  uint32_t name;
  uint32_t attr, n_attr; /* attrs[] range: e.g. polarity */
} stg_class;

/* Word -> class membership, optionally case-sensitive (`"US"c` members). */
typedef struct stg_member {
  uint32_t cls;
  uint32_t cs_text; /* string offset of the exact text, or 0 */
} stg_member;

/* Gazetteer trie over word ids. Node 0 is the root; its edges are in groot[word]. */
typedef struct stg_gnode {
  uint32_t edge, n_edge; /* gedges[] range, sorted by word */
  uint32_t pay, n_pay;   /* gpays[] range: entries ending here */
} stg_gnode;

typedef struct stg_gedge {
  uint32_t word, node;
} stg_gedge;

typedef struct stg_entity {
  uint32_t label;
  uint32_t id;           /* string */
  uint32_t attr, n_attr; /* attrs[] range */
  uint32_t cs_text;      /* 0, or the exact phrase text for "..."c phrases */
  uint32_t n_tokens;
} stg_entity;

typedef struct stg_regex {
  uint32_t source; /* string */
  uint32_t icase;
  uint32_t need;   /* STG_TF_* flags every token it matches has (compile.c: regex_need); a
                      token without them is refused before the regex runs */
} stg_regex;

typedef enum stg_rule_kind {
  STG_RULE_SPAN = 1, /* one span alternative: its match is an annotation of `label` */
  STG_RULE_RULE = 2
} stg_rule_kind;

typedef struct stg_rule {
  uint32_t name; /* string: rule name, or the span name */
  uint32_t kind, label, phase;
  int32_t priority;
  uint32_t all;
  uint32_t pc;           /* first instruction */
  uint32_t n_caps;
  uint32_t cap_names;    /* capnames[] start: n_caps string offsets */
  uint32_t act, n_act;   /* actions[] range (rules) */
  uint32_t attr, n_attr; /* attrs[] range (span alternatives: id and attributes) */
  uint32_t anywhere;     /* 1: no trigger; try at every token */
  uint32_t anchored;     /* 1: every match starts at the sentence start (`^ ...`) */
  uint32_t group;        /* overlap group: rules compete only within a group (span label or
                            the rule itself) */
} stg_rule;

enum { STG_WACT_TRIG = 0, STG_WACT_GROUP = 1, STG_WACT_GAZ = 2 }; /* wact[] entry kinds */
#define STG_SHAPE_FLAGS (1u << 13) /* token flags are STG_TF_* bits 0..12 */

/* A rule whose first token is known by its shape only (`/\p{Lu}.../`, `@cap`): tried at the
 * tokens having every flag of `mask`. */
typedef struct stg_shape_trig {
  uint32_t mask, rule;
} stg_shape_trig;

typedef enum stg_pact_kind {
  STG_PA_STANCE = 1,
  STG_PA_TAG = 2
} stg_pact_kind;

typedef enum stg_ppol {
  STG_P_SUPPORT = 1,
  STG_P_OPPOSE = 2,
  STG_P_OF = 3,  /* polarity of capture `pcap` */
  STG_P_FLIP = 4 /* flipped polarity of capture `pcap` */
} stg_ppol;

#define STG_ANTE_SOLE 0x80000000u

typedef struct stg_pact {
  uint32_t kind;
  uint32_t holder, target; /* capture indexes (stance) */
  uint32_t pol, pcap;      /* stance polarity */
  uint32_t cue;            /* capture index of the cue or STG_NONE */
  uint32_t label;          /* tag label */
  uint32_t cap;            /* tag capture, STG_NONE: whole match */
  uint32_t attr, n_attr;   /* attrs[] range */
  uint32_t flags;          /* STANCETAG_STANCE_* set statically (negated = true) */
  /* [0] holder, [1] target: antecedent(capture, LABEL[cons], window) (engine/coref.c) */
  uint32_t ante_label[2];  /* label, STG_NONE: the capture itself is the holder/target */
  uint32_t ante_cons[2], ante_n_cons[2]; /* cons[] range */
  uint32_t ante_window[2]; /* earlier sentences searched, | STG_ANTE_SOLE: only an annotation
                              that is the sole one of its label in its sentence */
} stg_pact;

typedef struct stg_test {
  uint32_t file, line; /* file: string */
  uint32_t text;       /* string */
  uint32_t expect, n_expect;
} stg_test;

typedef enum stg_expect_k {
  STG_EXP_NOTHING = 1,
  STG_EXP_STANCE = 2,
  STG_EXP_ANNOT = 3
} stg_expect_k;

typedef struct stg_expect_rec {
  uint32_t kind;
  uint32_t a, b, c; /* stance: holder, stance, target; annot: label, text */
} stg_expect_rec;

/* Every serialized array: X(field, type). Each has a pointer `field` and a count `n_field`. */
#define STG_PROG_ARRAYS(X)                                                                       \
  X(str, char)                                                                                   \
  X(word_key, uint32_t)     /* per word id: string offset of its folded key */                   \
  X(hash, uint32_t) /* words by key (stg_prog_word), 2 per slot: tag (0: empty), word id; built \
                       after compiling (stg_prog_finish), saved, validated on load */            \
  X(word_mem_off, uint32_t) /* per word id + 1: members[] start (prefix offsets) */              \
  X(members, stg_member)                                                                         \
  X(word_trig_off, uint32_t) /* per word id + 1: trig[] start for rules triggered by the word */ \
  X(class_trig_off, uint32_t)                                                                    \
  X(label_trig_off, uint32_t)                                                                    \
  X(trig, uint32_t)                                                                              \
  X(classes, stg_class)                                                                          \
  X(labels, stg_label)                                                                           \
  X(attrs, stg_attr_rec)                                                                         \
  X(cons, stg_cons_rec)                                                                          \
  X(groot, uint32_t) /* per word id: root transition node (0: none) */                           \
  X(gnodes, stg_gnode)                                                                           \
  X(gedges, stg_gedge)                                                                           \
  X(gpays, uint32_t) /* entity indexes */                                                        \
  X(entities, stg_entity)                                                                        \
  X(regexes, stg_regex)                                                                          \
  X(code, stg_inst)                                                                              \
  X(preds, stg_pred)                                                                             \
  X(rules, stg_rule)                                                                             \
  X(capnames, uint32_t)                                                                          \
  X(actions, stg_pact)                                                                         \
  X(phase_rules, uint32_t) /* rules ordered by phase, then order */                              \
  X(phase_off, uint32_t)   /* per phase + 1: phase_rules[] start */                              \
  X(anywhere, uint32_t)    /* per phase + 1 offsets into anyw[] */                               \
  X(anyw, uint32_t)                                                                              \
  X(shape_trig, stg_shape_trig) /* ordered by mask, then rule */                                 \
  X(req_off, uint32_t) /* per rule + 1: req[] start */                                           \
  X(req, uint32_t)     /* groups of instructions (each ended by STG_REQ_END or                 \
                          STG_REQ_END_ANYWHERE) of which a sentence must be able to satisfy one \
                          per group (compile.c) */                                               \
  X(first_off, uint32_t) /* per rule + 1: first[] start */                                       \
  X(first, uint32_t) /* first consuming instructions of each rule; STG_NONE: unknown */         \
  X(tests, stg_test)                                                                             \
  X(expects, stg_expect_rec)

/* A rule as a bit-parallel NFA (bitnfa.c): bit k stands for state k (a consuming instruction
 * or a zero-width test), bit 63 for "a match ends here". */
typedef struct stg_bitnfa {
  uint64_t start;        /* live at the start */
  uint64_t guards;       /* the zero-width tests (look-arounds, `^`, `$`) among the states */
  uint32_t cons, n_cons; /* bn_pc[cons + k]: state k; bn_succ[cons + k]: live after it */
} stg_bitnfa;

struct stancetag_program {
#define STG_DECL(f, t)                                                                           \
  t *f;                                                                                          \
  uint32_t n_##f;
  STG_PROG_ARRAYS(STG_DECL)
#undef STG_DECL
  uint32_t n_words;  /* word ids are 1..n_words (0: not in the program) */
  uint32_t n_phases; /* rule phases 1..n_phases */
  uint32_t max_caps, max_code;

  /* A loaded program's saved bytes, owned by the program: a read-only mapping of the file
   * (map = 1, munmap) or one heap copy (g_free). Arrays inside it point into it; they are never
   * written or freed one by one (stg_prog_owns). NULL for a compiled program. */
  void *block;
  size_t block_len;
  int block_mapped;

  /* Derived, rebuilt by stg_prog_finish(). */
  uint32_t hash_mask; /* slots of hash[] - 1 */
  uint64_t *word_filter; /* a Bloom filter of the words' hash tags (two bits each), so most
                            document words, which are not in the program, are refused without
                            a probe of hash[] (a cache miss in a large table) */
  uint32_t filter_mask;  /* bits of word_filter - 1 */
  stg_regex **re;     /* compiled regexes[] */
  uint64_t *word_cls; /* per word id: bit c set when the word is a member of class c (c < 63)
                         without a case-sensitive text; bit 63 when it has other memberships
                         (case-sensitive, or of a class numbered 63 or more), which the scanner
                         then looks for in members[]. A class test is one load, not a walk. */
  uint32_t *attr_vid, *cons_vid; /* per attrs[] / cons[] entry: its value's id, equal for values
                                    equal without regard to ASCII case (constraint tests);
                                    cons_vid is STG_NONE for `id` constraints */
  uint32_t n_groups; /* requirement groups, numbered (presence.c) */
  uint32_t *rgroup_off, *rgroup; /* per rule + 1: its groups (| STG_GROUP_ANYWHERE) */
  uint32_t *wgroup_off, *wgroup; /* per word id + 1: the groups the word satisfies */
  uint32_t *lgroup_off, *lgroup; /* per label + 1: the groups its annotations satisfy */
  uint32_t *shape_next; /* per shape_trig[] entry: the first entry of the next mask */
  uint8_t shape_any[(STG_SHAPE_FLAGS + 7) / 8]; /* bit f: token flags f have some shape_trig
                                                   mask (a lower-case word has none) */
  uint32_t *wact_off, *wact; /* per word id + 1: STG_WACT_GAZ when groot[] has the word, its
                                wgroup[] entries, then the rules it triggers, itself or through
                                its classes (word_trig_off and class_trig_off merged), each
                                value << 2 | kind: start_sentence's one loop */
  uint8_t *rule_solo; /* per rule: 1 when no other rule of its phase shares its overlap group
                         and it keeps non-overlapping matches only (not `all`) */
  uint32_t *bn_rule;  /* per rule: its bn[] automaton (bitnfa.c), or STG_NONE: the VM alone */
  uint32_t *bn_look;  /* per instruction: for a LOOK, its pattern's bn[] automaton, or STG_NONE */
  stg_bitnfa *bn;
  uint32_t n_bn;
  uint32_t *bn_pc;    /* instruction indexes: the states of each bn[] */
  uint64_t *bn_succ;  /* per state (parallel to bn_pc): the states live after it */
  uint32_t *dgroup;   /* per label: its demand group (demand.c), met in the sentences where a
                         rule referring to the label may match; STG_NONE: always looked for */
  uint32_t *rref_off, *rref; /* per rule + 1: the labels its code refers to (demand.c); a span
                                stands for a capture only if the rule refers to it */
};

/* String pool helpers for the compiler. */
static inline const char *stg_prog_str(const stancetag_program *p, uint32_t off) {
  return p->str + off;
}

/* Word id of a folded key, 0 if absent. */
uint32_t stg_prog_word(const stancetag_program *p, const char *key, size_t len);

/* Builds the derived tables. Returns 0, or -1 with a message in *why (static or owned by
 * GError-free text: caller frees with g_free) when a regex fails to compile. */
int stg_prog_finish(stancetag_program *p, char **why);

/* Checks every cross-reference of a loaded program (indexes within their arrays, strings
 * inside the pool and NUL-terminated). 0 when sound. */
int stg_prog_validate(const stancetag_program *p);

void stg_prog_free(stancetag_program *p);

/* 1 when `ptr` is a separate allocation of the program (g_free), 0 when it lies in its block. */
int stg_prog_owns(const stancetag_program *p, const void *ptr);

/* Loads the saved program in block[0..len) and takes the block over in every case: on success
 * the arrays point into it (one misaligned for its type is copied) and the program releases it
 * when freed; on failure it is released at once (munmap if `mapped`, else g_free). Returns
 * STANCETAG_OK, STANCETAG_EFORMAT or STANCETAG_EVERSION; then *why (if not NULL) receives what
 * is wrong, for a message (g_free). */
int stg_prog_adopt(void *block, size_t len, int mapped, stancetag_program **out, char **why);

/* A (key, value) pair, for building per-key lists. */
typedef struct stg_pair {
  uint32_t a, b;
} stg_pair;

/* Orders pairs by key, then value (qsort comparator). */
int stg_pair_cmp(const void *x, const void *y);

/* Sorts `pairs` (stg_pair) and appends each key's values, without repeats, to `list`; returns
 * n_keys + 1 offsets into it (g_free). Keys must be below n_keys. */
uint32_t *stg_pairs_to_lists(GArray *pairs, uint32_t n_keys, GArray *list);

/* Adds (word, x) to `pairs` for every x listed for a class of the word: a word triggers what
 * its classes trigger, satisfies what they satisfy. `coff`/`clist` are per-class lists. */
void stg_pairs_through_classes(const stancetag_program *p, const uint32_t *coff,
                               const uint32_t *clist, GArray *pairs);

/* Numbers the requirement groups and lists them per rule, word and label (presence.c); called
 * by stg_prog_finish. */
void stg_presence_build(stancetag_program *p);
void stg_presence_free(stancetag_program *p);

/* Sets p->dgroup and p->rref: numbers a demand group for each span label that can have one
 * (demand.c) and adds its (word, group), (class, group) and (label, group) pairs to the lists
 * stg_presence_build turns into wgroup and lgroup. Needs rgroup and the rule groups' count. */
void stg_demand_groups(stancetag_program *p, GArray *words, GArray *classes, GArray *labels);

/* Builds (and frees) the bit-parallel automata of rules (bitnfa.c); called by
 * stg_prog_finish. */
void stg_bitnfa_build(stancetag_program *p);
void stg_bitnfa_free(stancetag_program *p);

/* CRC-32C of data[0..n) (the checksum of saved programs); `soft` forces the table version
 * instead of the CPU instruction (for tests: both must agree). */
uint32_t stg_crc32c(const void *data, size_t n, int soft);

#endif /* STG_PROGRAM_H */
