/* out-escape.h: strings escaped for JSON and TSV, appended to an out_buf. Invalid UTF-8 (NUL
 * included) becomes U+FFFD. */
#ifndef STG_OUT_ESCAPE_H
#define STG_OUT_ESCAPE_H

#include "out-buf.h"

/* s[0..len) as a JSON string, with the quotes. */
void ob_json_string(out_buf *b, const char *s, size_t len);

/* s[0..len) as the inside of a JSON string: control characters, quote and backslash escaped. */
void ob_json_chars(out_buf *b, const char *s, size_t len);

/* s[0..len) as a TSV field: tab, newline, carriage return and backslash as \t, \n, \r, \\. */
void ob_tsv_chars(out_buf *b, const char *s, size_t len);

#endif
