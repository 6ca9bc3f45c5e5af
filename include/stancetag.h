/* stancetag.h: the public API of libstancetag, a rule-based entity and stance tagger.
 *
 * Model: compile a rule set once into an immutable program (stancetag_program), share it
 * between any number of threads, give each thread its own scratch (stancetag_scratch), and
 * scan documents with a callback per record (Hyperscan's database/scratch split).
 *
 * Conventions
 * - Every function returns STANCETAG_OK (0) or a negative STANCETAG_E* code, unless noted.
 * - The library never prints, exits or aborts on bad input. Rule errors come back as a list
 *   of stancetag_error values with file, line and column.
 * - Out of memory: the library uses GLib internally, which aborts the process when malloc
 *   fails. Inputs are bounded by documented limits so that bad input cannot cause that.
 * - Ownership is written on each function. Every *_free function accepts NULL.
 * - No symbol outside the stancetag_ / STANCETAG_ namespace is exported.
 */
#ifndef STANCETAG_H
#define STANCETAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define STANCETAG_API
#else
#define STANCETAG_API __attribute__((visibility("default")))
#endif

#define STANCETAG_VERSION_MAJOR 0
#define STANCETAG_VERSION_MINOR 1
#define STANCETAG_VERSION_PATCH 0
#define STANCETAG_VERSION_STRING "0.1.0"

/* The library's version string, e.g. "0.1.0". Static storage; never free. */
STANCETAG_API const char *stancetag_version(void);

/* Return codes. */
enum {
  STANCETAG_OK = 0,
  STANCETAG_EINVAL = -1,      /* bad argument (NULL where an object is required, ...) */
  STANCETAG_ECOMPILE = -2,    /* the rules have errors; see the stancetag_error list */
  STANCETAG_EIO = -3,         /* a file could not be read or written */
  STANCETAG_EFORMAT = -4,     /* a saved program is corrupt or not a stancetag program */
  STANCETAG_EVERSION = -5,    /* a saved program from another format version */
  STANCETAG_ETERMINATED = -6, /* the record callback returned non-zero */
  STANCETAG_EBUSY = -7,       /* the scratch is in use by another scan */
  STANCETAG_ELIMIT = -8,      /* an input exceeds a documented limit */
  STANCETAG_ENOMEM = -9       /* an allocation the library could check failed */
};

/* A static English description of a return code. Never NULL; never free. */
STANCETAG_API const char *stancetag_strerror(int code);

/* ---- Diagnostics --------------------------------------------------------------------- */

typedef enum stancetag_severity {
  STANCETAG_SEVERITY_ERROR = 0,
  STANCETAG_SEVERITY_WARNING = 1,
  STANCETAG_SEVERITY_NOTE = 2
} stancetag_severity;

/* One diagnostic. Lists are singly linked through `next`, in source order of discovery.
 * All strings are owned by the list; free the whole list with stancetag_error_free(). */
typedef struct stancetag_error {
  int code;                    /* a STANCETAG_E* code (STANCETAG_ECOMPILE for rule errors) */
  stancetag_severity severity; /* error, warning, or a note attached to the previous item */
  char *message;               /* without location prefix, e.g. "undefined name `OPOSE`" */
  char *file;                  /* the rules file (or "<string>"); NULL when not about a file */
  unsigned line;               /* 1-based; 0 when unknown */
  unsigned column;             /* 1-based, in bytes; 0 when unknown */
  size_t offset;               /* byte offset into the file */
  size_t length;               /* bytes covered, for carets; 0 when unknown */
  char *source_line;           /* the text of the line (no newline), or NULL */
  struct stancetag_error *next;
} stancetag_error;

/* Frees a whole list. NULL-safe. */
STANCETAG_API void stancetag_error_free(stancetag_error *err);

/* Renders one diagnostic (not the list) as
 *   file:line:col: error: message
 *       source line
 *       ^~~~
 * The returned string is heap-allocated; the caller frees it with free(). NULL on bad input. */
STANCETAG_API char *stancetag_error_format(const stancetag_error *err);

/* Number of items of a severity in a list. */
STANCETAG_API size_t stancetag_error_count(const stancetag_error *err,
                                           stancetag_severity severity);

/* ---- Compiling ----------------------------------------------------------------------- */

typedef struct stancetag_program stancetag_program;

/* Import resolver: called for `import "path"` and `entity ... from "path"` in rules compiled
 * from memory. `from` is the importing file's name. On success it stores a malloc()ed buffer
 * in *data / *len (the library frees it with free()) and a malloc()ed canonical name in
 * *resolved_name (used in diagnostics and to detect cycles), and returns 0; otherwise it
 * returns non-zero and the import is reported as missing. */
typedef int (*stancetag_resolver)(const char *from, const char *path, char **data, size_t *len,
                                  char **resolved_name, void *ctx);

typedef struct stancetag_compile_options {
  size_t struct_size;           /* sizeof(stancetag_compile_options), for growth */
  unsigned flags;               /* STANCETAG_COMPILE_* */
  stancetag_resolver resolver;  /* NULL: read files relative to the importing file */
  void *resolver_ctx;
  unsigned max_errors;          /* stop after this many errors; 0 means 50 */
} stancetag_compile_options;

/* Warnings are errors (the program is not produced). */
#define STANCETAG_COMPILE_WERROR 0x1u
/* Do not attach the rule file's inline tests to the program. */
#define STANCETAG_COMPILE_NO_TESTS 0x2u

/* Compiles rules from a file. On success *program owns a new program (free it with
 * stancetag_program_free()). *diagnostics (if diagnostics is not NULL) receives the warnings,
 * and on failure the errors; the caller frees the list with stancetag_error_free(). opts may be
 * NULL. Returns STANCETAG_OK, STANCETAG_ECOMPILE, STANCETAG_EIO, STANCETAG_ELIMIT or
 * STANCETAG_EINVAL. Thread-safe (no shared state). */
STANCETAG_API int stancetag_compile_file(const char *path, const stancetag_compile_options *opts,
                                         stancetag_program **program,
                                         stancetag_error **diagnostics);

/* As stancetag_compile_file, from a memory buffer; `name` is used in diagnostics and as the
 * base for relative imports (may be NULL: "<string>"). The buffer is copied. */
STANCETAG_API int stancetag_compile(const char *source, size_t len, const char *name,
                                    const stancetag_compile_options *opts,
                                    stancetag_program **program, stancetag_error **diagnostics);

/* Frees a program. Scratches allocated for it must not be used afterwards. NULL-safe. */
STANCETAG_API void stancetag_program_free(stancetag_program *program);

/* Serializes a program. *bytes is malloc()ed; the caller frees it with free(). The format has a
 * magic number, a format version and a checksum. */
STANCETAG_API int stancetag_program_save(const stancetag_program *program, char **bytes,
                                         size_t *len);

/* Loads a serialized program (the buffer is copied, not kept). Returns STANCETAG_EFORMAT for a
 * corrupt or foreign buffer, STANCETAG_EVERSION for another format version and STANCETAG_ENOMEM
 * when the copy cannot be allocated. On success the caller owns *program (free it with
 * stancetag_program_free()). For a file, stancetag_program_load_file is faster. */
STANCETAG_API int stancetag_program_load(const char *bytes, size_t len,
                                         stancetag_program **program);

/* Loads a program saved to the file `path` (`stancetag compile -o`), the fast way: a regular
 * file is mapped read-only and the program uses its bytes in place, so a load costs little more
 * than checking them. The file is checked and validated exactly as by stancetag_program_load.
 * Anything that cannot be mapped (an empty file, a pipe) is read into memory instead.
 *
 * On success the caller owns *program and frees it with stancetag_program_free(), which also
 * unmaps the file. While the program lives, the file must not be truncated or written in
 * place (the process could crash with SIGBUS or read changed tables): replace it by renaming
 * a new file over it, as `stancetag compile -o` does. The file descriptor is not kept.
 *
 * On failure *program is NULL and *error (if error is not NULL) receives one item naming the
 * file, with the code and what is wrong; the caller frees it with stancetag_error_free().
 * Returns STANCETAG_OK, STANCETAG_EIO (missing, unreadable, a directory), STANCETAG_EFORMAT
 * (corrupt, empty, or not a program), STANCETAG_EVERSION (another format version),
 * STANCETAG_ELIMIT (a stream over 1 GiB), STANCETAG_ENOMEM or STANCETAG_EINVAL.
 * Thread-safe (no shared state); the program may be shared by threads like a compiled one. */
STANCETAG_API int stancetag_program_load_file(const char *path, stancetag_program **program,
                                              stancetag_error **error);

/* Returns 1 if the first bytes look like a saved program (magic number), else 0. */
STANCETAG_API int stancetag_is_program(const char *bytes, size_t len);

/* ---- Scanning ------------------------------------------------------------------------ */

typedef struct stancetag_scratch stancetag_scratch;

/* Allocates per-thread state for scanning with `program`. The caller owns *scratch and frees
 * it with stancetag_scratch_free(). A scratch must not be used by two threads at once
 * (STANCETAG_EBUSY); one scratch serves any number of sequential scans. */
STANCETAG_API int stancetag_scratch_alloc(const stancetag_program *program,
                                          stancetag_scratch **scratch);
STANCETAG_API void stancetag_scratch_free(stancetag_scratch *scratch);

typedef struct stancetag_attr {
  const char *name;
  const char *value;
} stancetag_attr;

/* An annotated span of the document. Strings point into the program (valid while it lives)
 * or into the scratch (valid during the callback only). */
typedef struct stancetag_annotation {
  const char *label;           /* "PERSON", "COUNTRY", "TARGET", ... ; NULL if none */
  const char *id;              /* canonical id */
  size_t start, end;           /* UTF-8 byte offsets into the document, end exclusive */
  const stancetag_attr *attrs; /* attributes other than id */
  size_t n_attrs;
} stancetag_annotation;

typedef enum stancetag_record_kind {
  STANCETAG_RECORD_ENTITY = 1, /* an entity, span or tag annotation (`annotation`) */
  STANCETAG_RECORD_STANCE = 2  /* a stance record */
} stancetag_record_kind;

#define STANCETAG_STANCE_NEGATED 0x1u
#define STANCETAG_STANCE_HEDGED 0x2u

typedef struct stancetag_record {
  stancetag_record_kind kind;
  size_t start, end;            /* the whole match */
  const char *rule;             /* the rule (or span/entity label) that produced it */
  size_t sentence_start, sentence_end;
  /* kind == ENTITY */
  stancetag_annotation annotation;
  /* kind == STANCE */
  stancetag_annotation holder;
  stancetag_annotation target;
  const char *stance;           /* "support" or "oppose" */
  size_t cue_start, cue_end;    /* equal when the rule captured no cue */
  unsigned flags;               /* STANCETAG_STANCE_* */
  const stancetag_attr *attrs;  /* further attributes set by the rule */
  size_t n_attrs;
} stancetag_record;

/* Called once per record, in document order: by start offset, the longer record first (so a
 * stance starting at its holder comes before the holder's entity record). Return 0 to go on, non-zero
 * to stop the scan (stancetag_scan then returns STANCETAG_ETERMINATED). The record and its
 * strings are valid during the call only. */
typedef int (*stancetag_record_cb)(const stancetag_record *record, void *ctx);

/* Scan flags */
#define STANCETAG_SCAN_ENTITIES 0x1u /* report entity/span/tag records, not only stances */
/* With ENTITIES: also span and tag annotations. Without it, a span is looked for only in the
 * sentences where a rule that refers to it could match (faster; entity and stance records are
 * the same either way). */
#define STANCETAG_SCAN_SPANS 0x2u

/* Facts about the last scan of a scratch (read them after stancetag_scan returns). */
typedef struct stancetag_scan_info {
  size_t tokens, sentences;
  size_t invalid_utf8;          /* number of invalid UTF-8 sequences */
  size_t first_invalid_offset;  /* byte offset of the first one (when invalid_utf8 > 0) */
  size_t nul_bytes;             /* NUL bytes seen */
} stancetag_scan_info;

/* Scans one document: `text` of `len` bytes (need not be NUL-terminated, may contain invalid
 * UTF-8 and NUL bytes, which are treated as unknown characters). Records go to cb. `info` may
 * be NULL. Thread-safe with a distinct scratch per thread; the program is only read. */
STANCETAG_API int stancetag_scan(const stancetag_program *program, stancetag_scratch *scratch,
                                 const char *text, size_t len, unsigned flags,
                                 stancetag_record_cb cb, void *ctx, stancetag_scan_info *info);

/* ---- Inline tests -------------------------------------------------------------------- */

/* Number of inline `test` blocks compiled into the program. */
STANCETAG_API size_t stancetag_program_test_count(const stancetag_program *program);

/* Runs inline test `index`. Returns 1 if it passed, 0 if it failed, negative on error. On
 * failure *report (if not NULL) receives a malloc()ed multi-line explanation (expected vs
 * actual) that the caller frees with free(); *file and *line (if not NULL) receive the test's
 * location (the file string is owned by the program). */
STANCETAG_API int stancetag_program_run_test(const stancetag_program *program, size_t index,
                                             stancetag_scratch *scratch, char **report,
                                             const char **file, unsigned *line);

#ifdef __cplusplus
}
#endif
#endif /* STANCETAG_H */
