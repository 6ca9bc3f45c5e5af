/* resolve.h: name resolution, word class expansion, phases and semantic checks. */
#ifndef STG_RESOLVE_H
#define STG_RESOLVE_H

#include "ast.h"
#include "diag.h"

/* Resolves and checks a parsed tree in place; problems go to `d`. Sets every stg_symbol,
 * stg_pat.sym, stg_def.expanded/expanded_cs (word classes), the phases and ast->n_phases. */
void stg_resolve(stg_ast *ast, stg_diags *d);

/* Edit distance (with transpositions, ASCII case-insensitive). */
guint stg_resolve_distance(const char *a, const char *b);

/* The candidate closest to `name` if it is close enough for "did you mean", else NULL. */
const char *stg_resolve_suggest(const char *name, const char *const *cands, guint n);

#endif
