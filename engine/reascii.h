/* reascii.h: token regexes as small DFAs over ASCII text.
 *
 * Most tokens are ASCII, and most token regexes (the person patterns' `\p{Lu}[\p{L}'’]+`, `['’]s`)
 * are plain regular expressions. On ASCII text such a regex is decided by a walk of a few table
 * entries per byte: no PCRE2 call, and no result table to keep per distinct token text (whose
 * probes miss the caches on a corpus with many rare words).
 *
 * The automaton answers exactly as PCRE2 with regex.c's options (UTF, UCP, NEWLINE_ANY,
 * anchored at both ends) on ASCII text. Constructs whose ASCII meaning is not certain
 * (look-arounds, anchors, back-references, possessive quantifiers, inline options, POSIX
 * classes, other Unicode properties, non-ASCII characters in a caseless regex) get no automaton:
 * the caller uses PCRE2. An automaton is immutable; matching reads it only.
 *
 * One difference is deliberate: where PCRE2 gives up (its match limit, reached by nested
 * quantifiers such as `((a*.*)+)+`, after which stg_regex_match says no), the automaton still
 * answers, in time linear in the token. */
#ifndef STG_REASCII_H
#define STG_REASCII_H

#include <stddef.h>

typedef struct stg_reascii stg_reascii;

/* The automaton of `source` (caseless when `icase`), or NULL when the regex uses a construct
 * outside the supported set or needs too many states (the regex is then matched by PCRE2 only).
 * A source PCRE2 rejects may still get NULL or an automaton: compile it with PCRE2 first. */
stg_reascii *stg_reascii_new(const char *source, int icase);
void stg_reascii_free(stg_reascii *a);

/* Does the regex match all of text[0..len)? Every byte must be in 1..127 (an ASCII token
 * without NUL); 1 yes, 0 no. */
int stg_reascii_match(const stg_reascii *a, const char *text, size_t len);

#endif /* STG_REASCII_H */
