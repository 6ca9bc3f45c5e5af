/* cli-json.h: a small strict JSON reader (RFC 8259: strict numbers, all string escapes
 * including \uXXXX surrogate pairs, UTF-8 only) for one line of JSON Lines: either extracting
 * two top-level members (--jsonl-input) or building a tree (eval's gold files). */
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

typedef enum cli_json_type {
  CLI_JSON_NULL,
  CLI_JSON_FALSE,
  CLI_JSON_TRUE,
  CLI_JSON_NUMBER,
  CLI_JSON_STRING,
  CLI_JSON_ARRAY,
  CLI_JSON_OBJECT
} cli_json_type;

typedef struct cli_json {
  cli_json_type type;
  GString *text;    /* STRING: the decoded bytes (may hold NUL); NUMBER: the literal */
  GPtrArray *items; /* ARRAY: the items; OBJECT: the members in order (cli_json*) */
  char *key;        /* a member's name (NULL if not a member, or the name holds a NUL) */
} cli_json;

/* Parses `line` (len bytes) as one JSON value. On success returns TRUE with the tree in *out
 * (free with cli_json_free); on failure FALSE with a message naming the byte column in *error
 * (free with g_free). */
gboolean cli_json_parse(const char *line, size_t len, cli_json **out, char **error);
void cli_json_free(cli_json *value);

/* The member `name` of an object (the last one when it occurs twice), or NULL. */
const cli_json *cli_json_member(const cli_json *object, const char *name);

#endif
