/* diag.h: collecting diagnostics as public stancetag_error lists. */
#ifndef STG_DIAG_H
#define STG_DIAG_H

#include "ast.h"
#include "stancetag.h"

typedef struct stg_diags {
  stancetag_error *head, *tail;
  unsigned n_errors, n_warnings;
  unsigned max_errors; /* errors beyond this are dropped (one "too many errors" note) */
} stg_diags;

void stg_diags_init(stg_diags *d, unsigned max_errors);

/* Appends a diagnostic at `loc` (line, column and source line are computed from the source
 * text in ast->sources). printf-style message. */
void stg_diag(stg_diags *d, const stg_ast *ast, stancetag_severity sev, stg_loc loc,
              const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* A diagnostic not tied to a source position (file may be NULL). */
void stg_diag_plain(stg_diags *d, int code, stancetag_severity sev, const char *file,
                    const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* Hands the list to the caller (who frees it with stancetag_error_free) and resets d. */
stancetag_error *stg_diags_take(stg_diags *d);
void stg_diags_clear(stg_diags *d);

#endif
