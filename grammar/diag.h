/* diag.h: collecting diagnostics as public stancetag_error lists. */
#ifndef STG_DIAG_H
#define STG_DIAG_H

#include "ast.h"
#include "stancetag.h"

typedef struct stg_diags {
  stancetag_error *head, *tail;
  unsigned n_errors, n_warnings;
  unsigned max_errors; /* errors beyond this are dropped (one "too many errors" note) */
  gboolean capped;     /* the "too many errors" note was added: stop working */
} stg_diags;

/* max_errors 0 means the default, 50. */
void stg_diags_init(stg_diags *d, unsigned max_errors);

/* Appends a diagnostic at `loc` (line, column and source line are computed from the source
 * text in ast->sources). printf-style message. The code is STANCETAG_ECOMPILE. */
void stg_diag(stg_diags *d, const stg_ast *ast, stancetag_severity sev, stg_loc loc,
              const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* As stg_diag with an explicit STANCETAG_E* code (STANCETAG_EIO for unreadable files,
 * STANCETAG_ELIMIT for exceeded limits). */
void stg_diag_code(stg_diags *d, const stg_ast *ast, int code, stancetag_severity sev, stg_loc loc,
                   const char *fmt, ...) G_GNUC_PRINTF(6, 7);

/* A diagnostic not tied to a source position (file may be NULL). */
void stg_diag_plain(stg_diags *d, int code, stancetag_severity sev, const char *file,
                    const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* TRUE once max_errors errors were reported: callers stop producing more work. */
gboolean stg_diags_full(const stg_diags *d);

/* Hands the list to the caller (who frees it with stancetag_error_free) and resets d. */
stancetag_error *stg_diags_take(stg_diags *d);
void stg_diags_clear(stg_diags *d);

#endif
