/* compile.h: resolved syntax tree -> program. */
#ifndef STG_COMPILE_H
#define STG_COMPILE_H

#include "ast.h"
#include "diag.h"
#include "stancetag.h"

/* Compiles a resolved tree without errors. Reports problems only the engine can see (phrases
 * that tokenize to nothing, multi-token word class entries, oversized patterns, regexes) into
 * `d`. On success *out owns the program (stg_prog_free). */
int stg_compile(const stg_ast *ast, stg_diags *d, stancetag_program **out);

#endif
