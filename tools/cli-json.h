/* cli-json.h: a small strict JSON reader for --jsonl-input. It validates a whole line (one
 * JSON object, RFC 8259: strict numbers, all string escapes including \uXXXX surrogate pairs,
 * UTF-8 only) and extracts two top-level members. */
#ifndef STG_CLI_JSON_H
#define STG_CLI_JSON_H

#include <glib.h>

/* Parses `line` (len bytes, no newline). On success returns TRUE and stores the decoded value
 * of member `text_field` (a string; may contain NUL bytes) in *text, and of `id_field` (a
 * string, or a number's literal text) in *id, or NULL in *id when the object has no such
 * member. When a member occurs twice the last one counts. On failure returns FALSE and stores a
 * message naming the byte column in *error (free with g_free). */
gboolean cli_json_fields(const char *line, size_t len, const char *id_field, const char *text_field,
                         GString **id, GString **text, char **error);

#endif
