/* frontend.h: from rule source text to a resolved, checked syntax tree.
 *
 * Pipeline: read the root source -> lexer.re/parser.y -> stg_def list; imports and TSV files
 * are read through the resolver and parsed into the same stg_ast; resolve.c binds names,
 * expands word classes (inflect.c), orders phases and emits warnings.
 */
#ifndef STG_FRONTEND_H
#define STG_FRONTEND_H

#include <sys/stat.h>

#include "ast.h"
#include "diag.h"
#include "stancetag.h"

/* Parses, imports, resolves and checks. Always returns a tree (possibly partial) in *out that
 * the caller frees with stg_ast_free(); diagnostics are appended to `d`. The tree may be
 * compiled only when d->n_errors == 0. `source` is copied. opts may be NULL. */
void stg_front_compile(const char *source, size_t len, const char *name,
                       const stancetag_compile_options *opts, stg_ast **out, stg_diags *d);

/* Opens `path` for reading (a FIFO without a writer does not block: O_NONBLOCK) and refuses
 * a directory. STANCETAG_OK with *fd (the caller closes it) and its *st, or STANCETAG_EIO with
 * a g_malloc()ed reason in *why. */
int stg_front_open(const char *path, int *fd, struct stat *st, char **why);

/* Reads a whole regular file of at most 64 MiB with a bounded read (for
 * stancetag_compile_file and imports). On success returns STANCETAG_OK and a g_malloc()ed,
 * NUL-terminated *data of *len bytes. Otherwise returns STANCETAG_EIO (missing, unreadable,
 * a directory, not a regular file) or STANCETAG_ELIMIT (too large), with a g_malloc()ed reason
 * in *why such as "No such file or directory" or "it is a directory". */
int stg_front_read_file(const char *path, char **data, size_t *len, char **why);

#endif
