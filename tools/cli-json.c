/* cli-json.c: strict JSON reader (see cli-json.h). Recursive descent, depth-limited; one parser
 * validates, extracts the two members of --jsonl-input and, when asked, builds a tree. */
#include "cli-json.h"

#include <string.h>

#define MAX_DEPTH 256

typedef struct parser {
  const char *s, *p, *end;
  char *error;
} parser;

static gboolean fail(parser *ps, const char *what) {
  if (!ps->error)
    ps->error = g_strdup_printf("column %zu: %s", (size_t)(ps->p - ps->s) + 1, what);
  return FALSE;
}

static void skip_ws(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
    ps->p++;
}

static int hex4(const char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int d = g_ascii_xdigit_value(p[i]);
    if (d < 0)
      return -1;
    v = v * 16 + d;
  }
  return v;
}

/* \uXXXX (already past the backslash and 'u'), with a following low surrogate if needed. */
static gboolean unicode_escape(parser *ps, GString *out) {
  if (ps->end - ps->p < 4 || hex4(ps->p) < 0)
    return fail(ps, "bad \\u escape (four hex digits expected)");
  gunichar u = (gunichar)hex4(ps->p);
  ps->p += 4;
  if (u >= 0xDC00 && u <= 0xDFFF)
    return fail(ps, "lone low surrogate in \\u escape");
  if (u >= 0xD800 && u <= 0xDBFF) {
    if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || hex4(ps->p + 2) < 0)
      return fail(ps, "high surrogate not followed by a \\u low surrogate");
    gunichar lo = (gunichar)hex4(ps->p + 2);
    if (lo < 0xDC00 || lo > 0xDFFF)
      return fail(ps, "high surrogate not followed by a \\u low surrogate");
    ps->p += 6;
    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
  }
  if (out)
    g_string_append_unichar(out, u); /* U+0000 gives one NUL byte */
  return TRUE;
}

/* A string; decoded into `out` when it is not NULL. ps->p is at the opening quote. */
static gboolean string(parser *ps, GString *out) {
  ps->p++;
  for (;;) {
    const char *run = ps->p;
    while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && (unsigned char)*ps->p >= 0x20)
      ps->p++;
    const char *bad = NULL;
    if (!g_utf8_validate_len(run, (gsize)(ps->p - run), &bad)) {
      ps->p = bad;
      return fail(ps, "invalid UTF-8");
    }
    if (out)
      g_string_append_len(out, run, ps->p - run);
    if (ps->p >= ps->end)
      return fail(ps, "unterminated string");
    char c = *ps->p;
    if (c == '"') {
      ps->p++;
      return TRUE;
    }
    if (c != '\\')
      return fail(ps, "control character in string (must be escaped)");
    if (++ps->p >= ps->end)
      return fail(ps, "unterminated string");
    char e = *ps->p++;
    const char *simple = strchr("\"\\/bfnrt", e);
    if (e && simple) {
      static const char decoded[] = "\"\\/\b\f\n\r\t";
      if (out)
        g_string_append_c(out, decoded[simple - "\"\\/bfnrt"]);
    } else if (e == 'u') {
      if (!unicode_escape(ps, out))
        return FALSE;
    } else {
      ps->p--;
      return fail(ps, "invalid escape in string");
    }
  }
}

static gboolean digits(parser *ps) {
  const char *start = ps->p;
  while (ps->p < ps->end && g_ascii_isdigit(*ps->p))
    ps->p++;
  return ps->p > start;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static gboolean number(parser *ps, GString *out) {
  const char *start = ps->p;
  if (*ps->p == '-')
    ps->p++;
  if (ps->p < ps->end && *ps->p == '0')
    ps->p++;
  else if (!digits(ps))
    return fail(ps, "invalid number");
  if (ps->p < ps->end && *ps->p == '.') {
    ps->p++;
    if (!digits(ps))
      return fail(ps, "invalid number (digits expected after '.')");
  }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
    ps->p++;
    if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
      ps->p++;
    if (!digits(ps))
      return fail(ps, "invalid number (digits expected in exponent)");
  }
  if (out)
    g_string_append_len(out, start, ps->p - start);
  return TRUE;
}

static gboolean literal(parser *ps, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return fail(ps, "unexpected character (a JSON value expected)");
  ps->p += n;
  return TRUE;
}

static gboolean value(parser *ps, int depth, cli_json **out);

/* `node` (NULL: validate only) receives the items. */
static gboolean array(parser *ps, int depth, cli_json *node) {
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
    return TRUE;
  }
  for (;;) {
    cli_json *item = NULL;
    if (!value(ps, depth + 1, node ? &item : NULL))
      return FALSE;
    if (item)
      g_ptr_array_add(node->items, item);
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == ']') {
      ps->p++;
      return TRUE;
    }
    return fail(ps, "',' or ']' expected");
  }
}

/* The members we want from the top-level object (NULL below the top level). */
typedef struct wanted {
  const char *id_field, *text_field;
  GString **id, **text;
} wanted;

/* `node` (NULL: validate only) receives the members. */
static gboolean object(parser *ps, int depth, const wanted *w, cli_json *node) {
  ps->p++;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == '}') {
    ps->p++;
    return TRUE;
  }
  GString *key = g_string_new(NULL);
  gboolean ok = FALSE;
  for (;;) {
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != '"') {
      fail(ps, "member name (a string) expected");
      break;
    }
    g_string_truncate(key, 0);
    if (!string(ps, w || node ? key : NULL))
      break;
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':') {
      fail(ps, "':' expected");
      break;
    }
    ps->p++;
    skip_ws(ps);
    GString **slot = NULL;
    gboolean is_text = FALSE;
    if (w && strlen(key->str) == key->len) {
      if (strcmp(key->str, w->text_field) == 0)
        slot = w->text, is_text = TRUE;
      else if (strcmp(key->str, w->id_field) == 0)
        slot = w->id;
    }
    if (slot) {
      if (*slot)
        g_string_free(*slot, TRUE); /* the last occurrence counts */
      *slot = g_string_new(NULL);
      char c = ps->p < ps->end ? *ps->p : 0;
      if (c == '"') {
        if (!string(ps, *slot))
          break;
      } else if (!is_text && (c == '-' || g_ascii_isdigit(c))) {
        if (!number(ps, *slot))
          break;
      } else {
        fail(ps, is_text ? "the text member must be a string"
                         : "the id member must be a string or a number");
        break;
      }
    } else {
      cli_json *member = NULL;
      if (!value(ps, depth + 1, node ? &member : NULL))
        break;
      if (member) {
        /* A name with a NUL byte can never be looked up: store none. */
        member->key = strlen(key->str) == key->len ? g_strdup(key->str) : NULL;
        g_ptr_array_add(node->items, member);
      }
    }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == '}') {
      ps->p++;
      ok = TRUE;
    } else {
      fail(ps, "',' or '}' expected");
    }
    break;
  }
  g_string_free(key, TRUE);
  return ok;
}

static cli_json *new_node(char c) {
  cli_json *node = g_new0(cli_json, 1);
  node->type = c == '{'   ? CLI_JSON_OBJECT
               : c == '[' ? CLI_JSON_ARRAY
               : c == '"' ? CLI_JSON_STRING
               : c == 't' ? CLI_JSON_TRUE
               : c == 'f' ? CLI_JSON_FALSE
               : c == 'n' ? CLI_JSON_NULL
                          : CLI_JSON_NUMBER;
  if (node->type == CLI_JSON_OBJECT || node->type == CLI_JSON_ARRAY)
    node->items = g_ptr_array_new_with_free_func((GDestroyNotify)cli_json_free);
  if (node->type == CLI_JSON_STRING || node->type == CLI_JSON_NUMBER)
    node->text = g_string_new(NULL);
  return node;
}

/* Parses one value; when `out` is not NULL also builds its tree (freed again on failure). */
static gboolean value(parser *ps, int depth, cli_json **out) {
  if (depth > MAX_DEPTH)
    return fail(ps, "nested too deeply");
  skip_ws(ps);
  if (ps->p >= ps->end)
    return fail(ps, "unexpected end of line (a JSON value expected)");
  char c = *ps->p;
  cli_json *node = out ? new_node(c) : NULL;
  GString *text = node ? node->text : NULL;
  gboolean ok;
  switch (c) {
  case '{':
    ok = object(ps, depth, NULL, node);
    break;
  case '[':
    ok = array(ps, depth, node);
    break;
  case '"':
    ok = string(ps, text);
    break;
  case 't':
    ok = literal(ps, "true");
    break;
  case 'f':
    ok = literal(ps, "false");
    break;
  case 'n':
    ok = literal(ps, "null");
    break;
  default:
    if (c == '-' || g_ascii_isdigit(c))
      ok = number(ps, text);
    else
      ok = fail(ps, "unexpected character (a JSON value expected)");
  }
  if (node && !ok) {
    cli_json_free(node);
    node = NULL;
  }
  if (out)
    *out = node;
  return ok;
}

gboolean cli_json_fields(const char *line, size_t len, const char *id_field, const char *text_field,
                         GString **id, GString **text, char **error) {
  parser ps = {line, line, line + len, NULL};
  wanted w = {id_field, text_field, id, text};
  *id = *text = NULL;
  *error = NULL;
  gboolean ok = FALSE;
  skip_ws(&ps);
  if (ps.p >= ps.end || *ps.p != '{')
    fail(&ps, "a JSON object expected");
  else if (object(&ps, 0, &w, NULL)) {
    skip_ws(&ps);
    if (ps.p < ps.end)
      fail(&ps, "unexpected text after the object");
    else if (!*text)
      ps.error = g_strdup_printf("no \"%s\" member", text_field);
    else
      ok = TRUE;
  }
  if (!ok) {
    if (*id)
      g_string_free(*id, TRUE);
    if (*text)
      g_string_free(*text, TRUE);
    *id = *text = NULL;
    *error = ps.error;
  }
  return ok;
}

gboolean cli_json_parse(const char *line, size_t len, cli_json **out, char **error) {
  parser ps = {line, line, line + len, NULL};
  *out = NULL;
  *error = NULL;
  gboolean ok = value(&ps, 0, out);
  if (ok) {
    skip_ws(&ps);
    if (ps.p < ps.end) {
      ok = fail(&ps, "unexpected text after the value");
      cli_json_free(*out);
      *out = NULL;
    }
  }
  if (!ok)
    *error = ps.error;
  return ok;
}

void cli_json_free(cli_json *v) {
  if (!v)
    return;
  if (v->text)
    g_string_free(v->text, TRUE);
  if (v->items)
    g_ptr_array_free(v->items, TRUE);
  g_free(v->key);
  g_free(v);
}

const cli_json *cli_json_member(const cli_json *object, const char *name) {
  if (!object || object->type != CLI_JSON_OBJECT)
    return NULL;
  for (guint i = object->items->len; i-- > 0;) {
    const cli_json *m = object->items->pdata[i];
    if (m->key && strcmp(m->key, name) == 0)
      return m;
  }
  return NULL;
}
