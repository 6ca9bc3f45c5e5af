/* regex.c: token regexes on PCRE2 (see regex.h). */
#include "regex.h"

#include "reascii.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <glib.h>
#include <pcre2.h>

struct stg_regex {
  pcre2_code *code;
  stg_reascii *ascii; /* the same regex on ASCII text, or NULL (reascii.h) */
};

struct stg_regex_data {
  pcre2_match_data *md;
};

stg_regex *stg_regex_new(const char *source, int icase, char **why) {
  /* GRegex's options for G_REGEX_OPTIMIZE (| G_REGEX_CASELESS): UTF-8 with Unicode
   * properties, newline = any (so `.` and `$` treat U+0085 and U+2028 as GRegex does). */
  char *src = g_strdup_printf("^(?:%s)$", source);
  /* No auto-possessification: PCRE2 10.42 (Debian 12) makes `\P{Lu}*` possessive before
   * `\P{Nd}` as if the two could not overlap (they can: "!"), so /\P{Lu}*\P{Nd}/ matched
   * nothing. It only speeds up failing matches, which on a token are short anyway. */
  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_AUTO_POSSESS | (icase ? PCRE2_CASELESS : 0);
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (!cc) {
    g_free(src);
    if (why)
      *why = g_strdup("out of memory");
    return NULL;
  }
  pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts, &err, &off, cc);
  pcre2_compile_context_free(cc);
  g_free(src);
  if (!code) {
    if (why) {
      PCRE2_UCHAR msg[256];
      if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
        g_strlcpy((char *)msg, "invalid regex", sizeof msg);
      *why = g_strdup((const char *)msg);
    }
    return NULL;
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* no JIT (unsupported CPU): the interpreter */
  stg_regex *re = g_new(stg_regex, 1);
  re->code = code;
  re->ascii = stg_reascii_new(source, icase);
  return re;
}

void stg_regex_free(stg_regex *re) {
  if (!re)
    return;
  pcre2_code_free(re->code);
  stg_reascii_free(re->ascii);
  g_free(re);
}

stg_regex_data *stg_regex_data_new(void) {
  pcre2_match_data *md = pcre2_match_data_create(1, NULL); /* only "did it match" is read */
  if (!md)
    return NULL;
  stg_regex_data *d = g_new(stg_regex_data, 1);
  d->md = md;
  return d;
}

void stg_regex_data_free(stg_regex_data *md) {
  if (!md)
    return;
  pcre2_match_data_free(md->md);
  g_free(md);
}

int stg_regex_match(const stg_regex *re, stg_regex_data *md, const char *text, size_t len) {
  /* 0: matched, with more captures than the match block holds; < 0: no match or an error */
  int rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, md->md, NULL);
  return rc >= 0;
}

int stg_regex_match_ascii(const stg_regex *re, const char *text, size_t len) {
  return re->ascii ? stg_reascii_match(re->ascii, text, len) : -1;
}
