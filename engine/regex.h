/* regex.h: token regexes (`/.../` in rules), compiled with PCRE2 as GLib's GRegex compiles them
 * (UTF-8, Unicode properties for \w \d \b and POSIX classes, any newline convention, JIT), but
 * matched without GRegex's per-call allocations: each scratch owns one match block. One option
 * differs: no auto-possessification, which PCRE2 10.42 gets wrong for a quantified negated
 * property before another (`\P{Lu}*\P{Nd}` matched nothing; found by a differential fuzzer).
 *
 * A compiled regex is immutable and may be matched from many threads at once. */
#ifndef STG_REGEX_H
#define STG_REGEX_H

#include <stddef.h>

typedef struct stg_regex stg_regex;           /* a compiled regex */
typedef struct stg_regex_data stg_regex_data; /* per-thread match state */

/* Compiles `source` anchored at both ends (the regex must match a whole token), caseless when
 * `icase`. Returns NULL with a message in *why (caller frees with g_free) when it fails. */
stg_regex *stg_regex_new(const char *source, int icase, char **why);
void stg_regex_free(stg_regex *re);

/* Match state for one thread; NULL when memory runs out. */
stg_regex_data *stg_regex_data_new(void);
void stg_regex_data_free(stg_regex_data *md);

/* Does `re` match text[0..len), valid UTF-8 (not checked again)? 1 yes, 0 no or an error
 * (a match limit reached), as GRegex answers. */
int stg_regex_match(const stg_regex *re, stg_regex_data *md, const char *text, size_t len);

/* The same answer for text[0..len) of bytes 1..127 (an ASCII token without NUL) from the
 * regex's ASCII automaton (reascii.h), without PCRE2: 1 yes, 0 no; -1 when the regex has no
 * automaton (then ask stg_regex_match). */
int stg_regex_match_ascii(const stg_regex *re, const char *text, size_t len);

#endif /* STG_REGEX_H */
