/* ast-build.h: helpers for building a syntax tree (parser, front end, tests). */
#ifndef STG_AST_BUILD_H
#define STG_AST_BUILD_H

#include "ast.h"

/* Language limits (doc/rules-language.md, "Limits"). */
#define STG_MAX_FILE_SIZE ((size_t)64 << 20)
#define STG_MAX_NESTING 256
#define STG_MAX_ALTERNATIVES 1000000u
#define STG_MAX_REPEAT 1000u
#define STG_MAX_IMPORT_DEPTH 64
#define STG_MAX_ANTECEDENT_WINDOW 10

/* Empty arrays of stg_attr / stg_constraint / stg_word_item whose elements are cleared (their
 * strings freed) when the array is freed. */
GArray *stg_ast_attrs_new(void);
GArray *stg_ast_constraints_new(void);
GArray *stg_ast_words_new(void);

void stg_ast_pat_add(stg_pat *pat, stg_pat *kid);
/* A gazetteer entry in the AST's arena: copies of the phrase and attribute structs, whose
 * strings must already be the arena's (stg_arena_strndup, stg_ast_attr_to_arena). */
stg_entry *stg_ast_entry_new(stg_ast *ast, stg_loc loc, const stg_phrase *phrases, guint n_phrases,
                             const stg_attr *attrs, guint n_attrs);
/* Replaces the g_malloc()ed strings of `a` by copies in the AST's arena, freeing them. */
void stg_ast_attr_to_arena(stg_ast *ast, stg_attr *a);
void stg_ast_span_alt_free(stg_span_alt *alt);
void stg_ast_action_free(stg_action *a);
void stg_ast_antecedent_free(stg_antecedent *an);
void stg_ast_expect_free(stg_expect *e);

/* Appends a source and returns its index. Takes ownership of `text`, which must be g_malloc()ed
 * and have a NUL byte at text[len]. */
guint stg_ast_add_source(stg_ast *ast, const char *name, char *text, size_t len);

#endif
