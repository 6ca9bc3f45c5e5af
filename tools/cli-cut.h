/* cli-cut.h: where to cut a large document into pieces, and whether a file is binary. Pure
 * functions on byte buffers (unit-tested in tests/cli/unit-cli.c). */
#ifndef STG_CLI_CUT_H
#define STG_CLI_CUT_H

#include <stddef.h>

/* How many leading bytes decide whether a file is binary. */
#define CLI_BINARY_SNIFF 8192

/* 1 if the first bytes contain a NUL byte or more than 30% control bytes (other than tab,
 * newline, carriage return, form feed and vertical tab), else 0. */
int cli_looks_binary(const char *buf, size_t len);

/* Returns where to cut buf[0..len) so that the first piece ends at a natural boundary, never
 * before `min` (min < len): after the last paragraph break, else the last newline, else the
 * last sentence end (". ", "? " or "! " before a capital letter), else the last whitespace,
 * else at a UTF-8 character boundary. The result is in (min, len] (len when nothing better,
 * or when no boundary exists at all). */
size_t cli_find_cut(const char *buf, size_t len, size_t min);

#endif
