/* ast.h: the syntax tree of a rule set, as the parser builds it and name resolution
 * annotates it. The engine's compiler (engine/compile.c) reads the resolved tree.
 *
 * Memory: every node of one compilation lives in one stg_ast; stg_ast_free() releases
 * everything. Most nodes are owned through GLib arrays; gazetteer entries (the bulk of a large
 * rule set) and their strings are in the AST's arena instead. Strings are NUL-terminated UTF-8
 * copies.
 */
#ifndef STG_AST_H
#define STG_AST_H

#include <glib.h>
#include <stdint.h>

#include "arena.h"

/* A source location: byte offsets into one source file, end exclusive. Lines and columns are
 * computed only when reporting (grammar/diag.c). */
typedef struct stg_loc {
  uint32_t start, end;
  uint16_t file; /* index into stg_ast.sources */
} stg_loc;

/* One source file read during compilation (rules files and TSV files). */
typedef struct stg_source {
  char *name; /* as shown in diagnostics: the path as written/resolved */
  char *text; /* contents, NUL-terminated (the file itself may contain NULs: use len) */
  size_t len;
} stg_source;

typedef enum stg_shape {
  STG_SHAPE_CAP = 1,   /* @cap: first letter is upper case */
  STG_SHAPE_UPPER,     /* @upper: has letters, all upper case */
  STG_SHAPE_LOWER,     /* @lower: has letters, all lower case */
  STG_SHAPE_NUM,       /* @num: a number token */
  STG_SHAPE_PUNCT,     /* @punct: punctuation */
  STG_SHAPE_WORD       /* @word: contains a letter */
} stg_shape;

typedef enum stg_value_kind {
  STG_VAL_NAME,   /* a bare name: USA, oppose, true */
  STG_VAL_STRING, /* "John Kirby" */
  STG_VAL_NUMBER, /* 3 */
  STG_VAL_CAPATTR /* capture.attribute (rule actions only): text = capture, attr = attribute */
} stg_value_kind;

typedef struct stg_value {
  stg_value_kind kind;
  char *text;
  char *attr; /* STG_VAL_CAPATTR only */
  stg_loc loc;
} stg_value;

/* `name value`, `name = value`, or a bare value (name == NULL: the id). */
typedef struct stg_attr {
  char *name;
  stg_value value;
  stg_loc loc;
} stg_attr;

/* Attribute constraint in PERSON[country=USA] / [country!=USA]. */
typedef struct stg_constraint {
  char *name;
  gboolean negated;
  stg_value value;
  stg_loc loc;
} stg_constraint;

typedef enum stg_sym_kind {
  STG_SYM_NONE = 0,
  STG_SYM_ENTITY, /* label of an entity gazetteer */
  STG_SYM_WORDS,  /* word class */
  STG_SYM_SPAN,   /* span label */
  STG_SYM_TAG     /* label produced by `tag` actions */
} stg_sym_kind;

struct stg_def;

/* A resolved name. Several definitions may share one symbol (entity blocks add up; tag
 * labels are made by several rules). */
typedef struct stg_symbol {
  char *name;
  stg_sym_kind kind;
  guint index;      /* dense index per kind, assigned by resolution */
  GPtrArray *defs;  /* struct stg_def * that define it (not owned) */
  guint uses;       /* references seen, for unused-definition warnings */
  guint phase;      /* set by resolution: entities 0, spans/tags >= 1 */
} stg_symbol;

typedef enum stg_pat_kind {
  STG_PAT_LIT,     /* text, case_sensitive: literal (may tokenize to several tokens) */
  STG_PAT_REF,     /* name (+ constraints); sym set by resolution */
  STG_PAT_REGEX,   /* text = regex source, icase */
  STG_PAT_SHAPE,   /* shape */
  STG_PAT_ANY,     /* _ */
  STG_PAT_NOT,     /* !kids[0]: one token kids[0] does not match */
  STG_PAT_BOS,     /* ^ */
  STG_PAT_EOS,     /* $ */
  STG_PAT_LOOK,    /* (?= (?! (?<= (?<! : kids[0]; behind, negated */
  STG_PAT_CAPTURE, /* name:kids[0] */
  STG_PAT_SEQ,     /* kids in order (may be empty: matches the empty sequence) */
  STG_PAT_ALT,     /* kids alternatives, earlier preferred */
  STG_PAT_REPEAT   /* kids[0]{min,max}; max == STG_REPEAT_INF for unbounded */
} stg_pat_kind;

#define STG_REPEAT_INF UINT32_MAX

typedef struct stg_pat {
  stg_pat_kind kind;
  stg_loc loc;
  char *text;                /* LIT text (escapes resolved), REF name, REGEX source, CAPTURE name */
  gboolean case_sensitive;   /* LIT: "..."c */
  gboolean icase;            /* REGEX: /.../i */
  gboolean behind, negated;  /* LOOK */
  stg_shape shape;           /* SHAPE */
  uint32_t min, max;         /* REPEAT */
  GPtrArray *kids;           /* struct stg_pat * (owned), NULL when none */
  GArray *constraints;       /* REF: stg_constraint, NULL when none */
  stg_symbol *sym;           /* REF: set by resolution */
} stg_pat;

typedef enum stg_word_kind {
  STG_WORD_LIT,  /* "word" */
  STG_WORD_VERB, /* verb(x): x and its inflections */
  STG_WORD_NOUN, /* noun(x): x and its plural */
  STG_WORD_REF   /* another word class; sym set by resolution */
} stg_word_kind;

typedef struct stg_word_item {
  stg_word_kind kind;
  char *text;
  gboolean case_sensitive;
  stg_loc loc;
  stg_symbol *sym;
} stg_word_item;

typedef struct stg_phrase {
  char *text;
  gboolean case_sensitive;
  stg_loc loc;
} stg_phrase;

/* One gazetteer entry: phrases that all map to the same id and attributes. The entry, its
 * arrays and their strings live in the AST's arena (stg_ast.arena): never freed one by one. */
typedef struct stg_entry {
  stg_phrase *phrases; /* n_phrases of them */
  stg_attr *attrs;     /* n_attrs of them */
  uint32_t n_phrases, n_attrs;
  stg_loc loc;
} stg_entry;

/* One alternative of a span: pattern and the id/attributes it gives. */
typedef struct stg_span_alt {
  stg_pat *pat;
  GArray *attrs; /* stg_attr */
  stg_loc loc;
} stg_span_alt;

typedef enum stg_polarity_kind {
  STG_POL_SUPPORT,
  STG_POL_OPPOSE,
  STG_POL_OF_CAPTURE,     /* polarity(capture) */
  STG_POL_FLIP_OF_CAPTURE /* flip(polarity(capture)) */
} stg_polarity_kind;

/* antecedent(CAPTURE, LABEL[constraints], N, sole) as a stance holder or target: the nearest
 * LABEL annotation ending at or before the capture, in its sentence or the N before it; with
 * `sole`, only one that is the only LABEL annotation of its sentence. */
typedef struct stg_antecedent {
  char *label;
  stg_loc label_loc;
  GArray *constraints; /* stg_constraint, NULL when none */
  uint32_t window;     /* earlier sentences searched (default 1) */
  gboolean sole;       /* only the sole LABEL annotation of a sentence */
  stg_symbol *sym;     /* set by resolution */
} stg_antecedent;

typedef enum stg_action_kind {
  STG_ACT_STANCE, /* stance(holder, polarity, target, attrs...) */
  STG_ACT_TAG     /* tag LABEL(capture) -> attrs */
} stg_action_kind;

typedef struct stg_action {
  stg_action_kind kind;
  stg_loc loc;
  /* STANCE */
  char *holder, *target;          /* capture names */
  stg_loc holder_loc, target_loc;
  stg_antecedent *holder_ante, *target_ante; /* NULL: the capture itself is the role */
  stg_polarity_kind polarity;
  char *polarity_capture;         /* OF_CAPTURE / FLIP_OF_CAPTURE */
  stg_loc polarity_loc;
  /* TAG */
  char *label;                    /* tag label */
  stg_symbol *sym;                /* the tag symbol, set by resolution */
  char *capture;                  /* NULL: the whole match */
  stg_loc capture_loc;
  GArray *attrs;                  /* stg_attr: stance extras (negated, hedged, ...) or tag attrs */
} stg_action;

/* Test expectations. */
typedef enum stg_expect_kind {
  STG_EXPECT_NOTHING,
  STG_EXPECT_STANCE,    /* holder, stance ("support"/"oppose"), target */
  STG_EXPECT_ANNOTATION /* label("text") */
} stg_expect_kind;

typedef struct stg_expect {
  stg_expect_kind kind;
  char *holder, *stance, *target; /* STANCE */
  char *label, *text;             /* ANNOTATION */
  stg_loc loc;
} stg_expect;

typedef enum stg_def_kind {
  STG_DEF_IMPORT,
  STG_DEF_ENTITY,
  STG_DEF_WORDS,
  STG_DEF_SPAN,
  STG_DEF_RULE,
  STG_DEF_TEST
} stg_def_kind;

typedef struct stg_def {
  stg_def_kind kind;
  stg_loc loc;       /* the whole statement */
  char *name;        /* label / class / span / rule name; import path; NULL for tests */
  stg_loc name_loc;
  stg_symbol *sym;   /* ENTITY/WORDS/SPAN: set by resolution */

  /* ENTITY */
  GPtrArray *entries;   /* struct stg_entry * (in the arena); TSV entries are loaded into it */
  char *tsv_path;       /* `from "file"`, NULL for inline blocks */
  GPtrArray *tsv_columns; /* char * column names */

  /* WORDS */
  GArray *words;        /* stg_word_item */
  GArray *word_attrs;   /* stg_attr, applying to every member */
  GPtrArray *expanded;  /* char *: resolved member tokens (inflections expanded, refs merged) */
  GArray *expanded_cs;  /* gboolean per expanded member: case-sensitive */
  GArray *expanded_loc; /* stg_loc per expanded member: the item it comes from (for errors) */

  /* SPAN */
  GPtrArray *alts;      /* struct stg_span_alt * (owned) */

  /* RULE */
  stg_pat *pat;
  GPtrArray *actions;   /* struct stg_action * (owned) */
  int priority;
  gboolean all;
  guint phase;          /* set by resolution */

  /* TEST */
  char *test_text;
  GPtrArray *expects;   /* struct stg_expect * (owned) */
} stg_def;

/* A whole compilation unit: the root file, its imports and TSV files. */
typedef struct stg_ast {
  GPtrArray *sources;   /* stg_source * (owned); index = stg_loc.file */
  GPtrArray *defs;      /* stg_def * (owned), all files, in reading order */
  GHashTable *symbols;  /* char *name -> stg_symbol * (owned) */
  guint n_phases;       /* set by resolution: rules and spans run in phases 1..n_phases */
  stg_arena arena;      /* gazetteer entries and their strings (see stg_entry) */
} stg_ast;

stg_ast *stg_ast_new(void);
void stg_ast_free(stg_ast *ast);
stg_pat *stg_ast_pat_new(stg_pat_kind kind, stg_loc loc);
void stg_ast_pat_free(stg_pat *pat);
stg_def *stg_ast_def_new(stg_def_kind kind, stg_loc loc);
void stg_ast_def_free(stg_def *def);

#endif /* STG_AST_H */
