/* lexer.h: the rule-language lexer (grammar/lexer.re, re2c).
 *
 * The whole source is in memory with a NUL byte at text[len] as the end sentinel. Lexical
 * errors are reported directly (with their exact position) and skipped, so the parser only
 * sees valid tokens. */
#ifndef STG_LEXER_H
#define STG_LEXER_H

#include "ast.h"
#include "diag.h"
#include "parser.h"

typedef struct stg_lexer {
  const char *start; /* the source text */
  const char *cur;   /* next byte to read */
  const char *lim;   /* one past the last byte; *lim == '\0' */
  const char *tok;   /* start of the current token */
  uint16_t file;
  stg_ast *ast;
  stg_diags *d;
  int attr_state;       /* where we are in an attribute list after `->` (lexer.re) */
  unsigned paren_depth; /* open `(` and look-around groups */
  gboolean fatal;       /* a limit was hit: the rest of the file is not read */
} stg_lexer;

/* The source must stay alive (and NUL-terminated at len) while lexing. */
void stg_lex_init(stg_lexer *lx, stg_ast *ast, stg_diags *d, uint16_t file);

/* Returns the next token kind (0 at the end) with its value and location. Values of NAME,
 * ATTRNAME and keywords are g_malloc()ed names; STRING and REGEX values are g_malloc()ed text. */
int stg_lex_next(stg_lexer *lx, STG_YYSTYPE *val, stg_loc *loc);

/* TRUE if `s` is a reserved keyword. */
gboolean stg_lex_is_keyword(const char *s, size_t n);

#endif
