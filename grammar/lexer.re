/* lexer.re: tokens of the rule language (re2c --utf8).
 *
 * The source is whole in memory and ends with a NUL sentinel (text[len] == '\0'), so re2c runs
 * without YYFILL: the `\x00` rule tells the end of input from a NUL byte inside the file.
 * Strings, regexes and comments are scanned by hand, which makes their error positions exact
 * (an unterminated string is reported at its opening quote, a bad escape at the backslash). */
#include "lexer.h"
#include "ast-build.h"

#include <stdarg.h>
#include <string.h>

/* Attribute lists after `->` are lexed with a little context (see doc/rules-language.md,
 * "Attributes"): a name followed on the same line by a value is an attribute name, and a
 * comma followed by another attribute is an ATTR_COMMA. This keeps the grammar LALR(1) without
 * separators between block entries. */
enum { ATTR_OFF, ATTR_START, ATTR_VALUE, ATTR_AFTER, ATTR_DOT };

#define KW(s, t) {s, sizeof s - 1, t}
static const struct {
  const char *name;
  size_t len;
  int tok;
} keywords[] = {
    KW("import", TOK_IMPORT), KW("entity", TOK_ENTITY), KW("words", TOK_WORDS),
    KW("span", TOK_SPAN),     KW("rule", TOK_RULE),     KW("test", TOK_TEST),
    KW("from", TOK_FROM),     KW("verb", TOK_VERB),     KW("noun", TOK_NOUN),
    KW("stance", TOK_STANCE), KW("tag", TOK_TAG),       KW("nothing", TOK_NOTHING),
};
#undef KW

static int keyword(const char *s, size_t n) {
  if (n < 3 || n > 7)
    return 0;
  for (size_t i = 0; i < G_N_ELEMENTS(keywords); i++)
    if (keywords[i].len == n && keywords[i].name[0] == s[0] &&
        memcmp(keywords[i].name, s, n) == 0)
      return keywords[i].tok;
  return 0;
}

gboolean stg_lex_is_keyword(const char *s, size_t n) {
  return keyword(s, n) != 0;
}

void stg_lex_init(stg_lexer *lx, stg_ast *ast, stg_diags *d, uint16_t file) {
  const stg_source *src = g_ptr_array_index(ast->sources, file);
  memset(lx, 0, sizeof *lx);
  lx->start = lx->cur = lx->tok = src->text;
  lx->lim = src->text + src->len;
  lx->file = file;
  lx->ast = ast;
  lx->d = d;
}

static stg_loc mkloc(const stg_lexer *lx, const char *s, const char *e) {
  stg_loc loc = {(uint32_t)(s - lx->start), (uint32_t)(e - lx->start), lx->file};
  return loc;
}

static void G_GNUC_PRINTF(4, 5)
    lex_error(stg_lexer *lx, const char *s, const char *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  stg_diag(lx->d, lx->ast, STANCETAG_SEVERITY_ERROR, mkloc(lx, s, e), "%s", msg);
  g_free(msg);
}

static gboolean is_name_char(char c) {
  return g_ascii_isalnum(c) || c == '_';
}

/* Length of the valid UTF-8 character at p, or 0 (invalid, truncated, NUL). */
static size_t utf8_len(const char *p, const char *lim) {
  if (p < lim && (unsigned char)*p < 0x80) /* ASCII: valid unless NUL */
    return *p != '\0';
  size_t n = (size_t)g_utf8_skip[(unsigned char)*p];
  const char *end;
  if (p >= lim || n > (size_t)(lim - p))
    return 0;
  return g_utf8_validate(p, (gssize)n, &end) && end == p + n ? n : 0;
}

/* Reports one invalid UTF-8 sequence starting at p and skips the whole run of bytes that do
 * not start a valid character, so a binary blob costs one error per run, not per byte. */
static const char *bad_utf8(stg_lexer *lx, const char *p, const char *what) {
  const char *q = p + 1;
  while (q < lx->lim && *q != '\0' && utf8_len(q, lx->lim) == 0)
    q++;
  lex_error(lx, p, q, "invalid UTF-8 byte 0x%02X%s", (unsigned char)*p, what);
  return q;
}

static void skip_comment(stg_lexer *lx) {
  const char *p = lx->cur;
  while (p < lx->lim && *p != '\n') {
    size_t n;
    if (*p == '\0') {
      lex_error(lx, p, p + 1, "NUL byte in comment");
      p++;
    } else if ((n = utf8_len(p, lx->lim)) == 0) {
      p = bad_utf8(lx, p, " in comment");
    } else {
      p += n;
    }
  }
  lx->cur = p;
}

/* \u{XXXX}: p points at the backslash. Appends the character; returns the end. */
static const char *unicode_escape(stg_lexer *lx, const char *p, GString *buf) {
  const char *q = p + 2;
  if (*q != '{') {
    lex_error(lx, p, q, "invalid escape `\\u`: write `\\u{XXXX}` with 1 to 6 hex digits");
    return q;
  }
  q++;
  guint32 v = 0;
  int digits = 0;
  while (g_ascii_isxdigit(*q) && digits < 7) {
    v = v * 16 + (guint32)g_ascii_xdigit_value(*q++);
    digits++;
  }
  if (*q != '}' || digits == 0 || digits > 6) {
    while (q < lx->lim && *q != '}' && *q != '"' && *q != '\n')
      q++;
    if (*q == '}')
      q++;
    lex_error(lx, p, q, "invalid escape `\\u{...}`: write 1 to 6 hex digits in braces");
    return q;
  }
  q++;
  if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
    lex_error(lx, p, q, "`\\u{%.*s}` is not a valid Unicode scalar value", digits, p + 3);
    return q;
  }
  g_string_append_unichar(buf, v);
  return q;
}

static int lex_string(stg_lexer *lx, STG_YYSTYPE *val) {
  const char *open = lx->tok, *p = open + 1;
  /* Fast path: no escape, no line end, no NUL or bad UTF-8 before the closing quote: the
   * text is copied at once. Anything else goes the careful way below. */
  for (;;) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      p++;
    } else if (c == '\t') {
      p++;
    } else if (c >= 0x80) {
      size_t n = utf8_len(p, lx->lim);
      if (n == 0)
        break;
      p += n;
    } else {
      break;
    }
  }
  if (p < lx->lim && *p == '"') {
    val->lit.text = g_strndup(open + 1, (gsize)(p - open - 1));
    p++;
    val->lit.flag = *p == 'c' && !is_name_char(p[1]);
    lx->cur = val->lit.flag ? p + 1 : p;
    return TOK_STRING;
  }
  p = open + 1;
  GString *buf = g_string_new(NULL);
  gboolean closed = FALSE, cs = FALSE;
  for (;;) {
    size_t n;
    if (p >= lx->lim || *p == '\n' || (*p == '\r' && p[1] == '\n')) {
      lex_error(lx, open, open + 1, "unterminated string (strings end on the same line)");
      break;
    }
    if (*p == '"') {
      p++;
      closed = TRUE;
      break;
    }
    if (*p == '\\') {
      switch (p[1]) {
      case '"': g_string_append_c(buf, '"'); p += 2; continue;
      case '\\': g_string_append_c(buf, '\\'); p += 2; continue;
      case 'n': g_string_append_c(buf, '\n'); p += 2; continue;
      case 't': g_string_append_c(buf, '\t'); p += 2; continue;
      case 'u': p = unicode_escape(lx, p, buf); continue;
      case '\n': case '\r': case '\0': p++; continue; /* reported as unterminated/NUL */
      default:
        n = utf8_len(p + 1, lx->lim);
        if (n == 0)
          n = 1;
        lex_error(lx, p, p + 1 + n,
                  "invalid escape `\\%.*s`; the escapes are \\\", \\\\, \\n, \\t and \\u{XXXX}",
                  (int)n, p + 1);
        p += 1 + n;
        continue;
      }
    }
    if (*p == '\0') {
      lex_error(lx, p, p + 1, "NUL byte in string");
      p++;
    } else if ((n = utf8_len(p, lx->lim)) == 0) {
      p = bad_utf8(lx, p, " in string");
    } else {
      g_string_append_len(buf, p, (gssize)n);
      p += n;
    }
  }
  if (closed && *p == 'c' && !is_name_char(p[1])) {
    cs = TRUE;
    p++;
  }
  lx->cur = p;
  val->lit.text = g_string_free(buf, FALSE);
  val->lit.flag = cs;
  return TOK_STRING;
}

/* The regex text is kept verbatim (escapes included) for GRegex. A `/` inside a character
 * class does not end the regex. */
static int lex_regex(stg_lexer *lx, STG_YYSTYPE *val) {
  const char *open = lx->tok, *p = open + 1;
  GString *buf = g_string_new(NULL);
  gboolean closed = FALSE, icase = FALSE, in_class = FALSE;
  for (;;) {
    size_t n;
    if (p >= lx->lim || *p == '\n' || (*p == '\r' && p[1] == '\n')) {
      lex_error(lx, open, open + 1, "unterminated regex (regexes end on the same line)");
      break;
    }
    if (*p == '/' && !in_class) {
      p++;
      closed = TRUE;
      break;
    }
    if (*p == '\\' && p[1] != '\n' && p[1] != '\0' && p[1] != '\r') {
      g_string_append_c(buf, '\\');
      p++;
    } else if (*p == '[' && !in_class) {
      in_class = TRUE;
      g_string_append_c(buf, *p++);
      if (*p == '^')
        g_string_append_c(buf, *p++);
      if (*p == ']')
        g_string_append_c(buf, *p++);
      continue;
    } else if (*p == ']') {
      in_class = FALSE;
    }
    if (*p == '\0') {
      lex_error(lx, p, p + 1, "NUL byte in regex");
      p++;
    } else if ((n = utf8_len(p, lx->lim)) == 0) {
      p = bad_utf8(lx, p, " in regex");
    } else {
      g_string_append_len(buf, p, (gssize)n);
      p += n;
    }
  }
  if (closed && *p == 'i' && !is_name_char(p[1])) {
    icase = TRUE;
    p++;
  }
  if (closed && buf->len == 0)
    lex_error(lx, open, p, "empty regex");
  lx->cur = p;
  val->lit.text = g_string_free(buf, FALSE);
  val->lit.flag = icase;
  return TOK_REGEX;
}

static int lex_shape(stg_lexer *lx, STG_YYSTYPE *val) {
  static const char *const names[] = {NULL, "cap", "upper", "lower", "num", "punct", "word"};
  const char *s = lx->tok + 1;
  size_t n = (size_t)(lx->cur - s);
  for (int i = STG_SHAPE_CAP; i <= STG_SHAPE_WORD; i++)
    if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0) {
      val->num = i;
      return TOK_SHAPE;
    }
  lex_error(lx, lx->tok, lx->cur,
            "unknown shape `@%.*s`; the shapes are @cap, @upper, @lower, @num, @punct and @word",
            (int)n, s);
  val->num = STG_SHAPE_WORD;
  return TOK_SHAPE;
}

static int lex_number(stg_lexer *lx, STG_YYSTYPE *val) {
  guint64 v = 0;
  for (const char *p = lx->tok; p < lx->cur; p++) {
    v = v * 10 + (guint64)(*p - '0');
    if (v > G_MAXINT32) {
      lex_error(lx, lx->tok, lx->cur, "number `%.*s` is too large (the limit is %d)",
                (int)(lx->cur - lx->tok), lx->tok, G_MAXINT32);
      v = G_MAXINT32;
      break;
    }
  }
  val->num = (long)v;
  return TOK_NUMBER;
}

static int lex_name(stg_lexer *lx, STG_YYSTYPE *val) {
  size_t n = (size_t)(lx->cur - lx->tok);
  if (n == 1 && *lx->tok == '_')
    return '_';
  val->str = g_strndup(lx->tok, n);
  int kw = keyword(lx->tok, n);
  return kw ? kw : TOK_NAME;
}

static void stray(stg_lexer *lx) {
  gunichar c = g_utf8_get_char(lx->tok);
  if (g_unichar_isgraph(c))
    lex_error(lx, lx->tok, lx->cur, "unexpected character `%.*s`", (int)(lx->cur - lx->tok),
              lx->tok);
  else
    lex_error(lx, lx->tok, lx->cur, "unexpected character U+%04X", (unsigned)c);
}

/* The next token, skipping blanks, comments and (reported) bad input. */
static int scan(stg_lexer *lx, STG_YYSTYPE *val) {
  const unsigned char *cur, *mar;
  for (;;) {
    if (lx->fatal || stg_diags_full(lx->d)) {
      lx->tok = lx->cur = lx->lim;
      return TOK_YYEOF;
    }
    lx->tok = lx->cur;
    cur = (const unsigned char *)lx->cur;
#define SYNC() (lx->cur = (const char *)cur)
    /*!re2c
      re2c:define:YYCTYPE = "unsigned char";
      re2c:define:YYCURSOR = cur;
      re2c:define:YYMARKER = mar;
      re2c:yyfill:enable = 0;

      "\x00" {
        SYNC();
        if (lx->tok >= lx->lim) {
          lx->cur = lx->lim;
          return TOK_YYEOF;
        }
        lex_error(lx, lx->tok, lx->cur, "NUL byte");
        continue;
      }
      [ \t\r\n]+ { SYNC(); continue; }
      "#"        { SYNC(); skip_comment(lx); continue; }
      "\""       { SYNC(); return lex_string(lx, val); }
      "/"        { SYNC(); return lex_regex(lx, val); }
      [A-Za-z_][A-Za-z0-9_]* { SYNC(); return lex_name(lx, val); }
      [0-9]+     { SYNC(); return lex_number(lx, val); }
      "@" [A-Za-z0-9_]+ { SYNC(); return lex_shape(lx, val); }
      "->"       { SYNC(); return TOK_ARROW; }
      "=>"       { SYNC(); return TOK_FATARROW; }
      "!="       { SYNC(); return TOK_NE; }
      "(?="      { SYNC(); return TOK_LOOK_AHEAD; }
      "(?!"      { SYNC(); return TOK_LOOK_NAHEAD; }
      "(?<="     { SYNC(); return TOK_LOOK_BEHIND; }
      "(?<!"     { SYNC(); return TOK_LOOK_NBEHIND; }
      [:|()[\]{},?*+!^$=.] { SYNC(); return *lx->tok; }
      [^]        { SYNC(); stray(lx); continue; }
      *          { lx->cur = bad_utf8(lx, lx->tok, ""); continue; }
    */
#undef SYNC
  }
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

static gboolean keyword_at(const char *p) {
  const char *q = p;
  while (is_name_char(*q))
    q++;
  return q > p && keyword(p, (size_t)(q - p)) != 0;
}

/* After an attribute name position: does a value follow on the same line? */
static gboolean value_follows(const char *p) {
  p = skip_blanks(p);
  if (*p == '"' || g_ascii_isdigit(*p))
    return TRUE;
  return (g_ascii_isalpha(*p) || *p == '_') && !keyword_at(p);
}

/* After `,` in an attribute list: does another attribute follow (rather than an action)? */
static gboolean attr_follows(const stg_lexer *lx, const char *p) {
  for (;;) {
    while (p < lx->lim && g_ascii_isspace(*p))
      p++;
    if (*p != '#')
      break;
    while (p < lx->lim && *p != '\n')
      p++;
  }
  return !keyword_at(p);
}

int stg_lex_next(stg_lexer *lx, STG_YYSTYPE *val, stg_loc *loc) {
  int tok = scan(lx, val);
  switch (lx->attr_state) {
  case ATTR_START:
    if (tok == TOK_NAME && value_follows(lx->cur)) {
      tok = TOK_ATTRNAME;
      lx->attr_state = ATTR_VALUE;
    } else {
      lx->attr_state = tok == TOK_NAME || tok == TOK_STRING || tok == TOK_NUMBER ? ATTR_AFTER
                                                                                : ATTR_OFF;
    }
    break;
  case ATTR_VALUE:
    lx->attr_state =
        tok == TOK_NAME || tok == TOK_STRING || tok == TOK_NUMBER ? ATTR_AFTER : ATTR_OFF;
    break;
  case ATTR_AFTER:
    if (tok == '.') {
      lx->attr_state = ATTR_DOT;
    } else if (tok == ',' && attr_follows(lx, lx->cur)) {
      tok = TOK_ATTR_COMMA;
      lx->attr_state = ATTR_START;
    } else {
      lx->attr_state = ATTR_OFF;
    }
    break;
  case ATTR_DOT:
    lx->attr_state = tok == TOK_NAME ? ATTR_AFTER : ATTR_OFF;
    break;
  default: break;
  }
  if (tok == TOK_ARROW)
    lx->attr_state = ATTR_START;

  if (tok == '(' || tok == TOK_LOOK_AHEAD || tok == TOK_LOOK_NAHEAD || tok == TOK_LOOK_BEHIND ||
      tok == TOK_LOOK_NBEHIND) {
    if (++lx->paren_depth > STG_MAX_NESTING) {
      stg_diag_code(lx->d, lx->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR,
                    mkloc(lx, lx->tok, lx->cur),
                    "parentheses nested deeper than %d; the rest of the file is skipped",
                    STG_MAX_NESTING);
      lx->fatal = TRUE;
      lx->tok = lx->cur = lx->lim;
      tok = TOK_YYEOF;
    }
  } else if (tok == ')' && lx->paren_depth > 0) {
    lx->paren_depth--;
  }

  if (tok == TOK_YYEOF) {
    /* Point at the end of the last line rather than at an empty line after it. */
    const char *e = lx->lim;
    if (e > lx->start && e[-1] == '\n')
      e--;
    *loc = mkloc(lx, e, e);
  } else {
    *loc = mkloc(lx, lx->tok, lx->cur);
  }
  return tok;
}
