/* tokdump: prints the tokens and sentences of a file (tokenizer debugging aid).
 * Usage: tokdump [-p | -s] [FILE]   (stdin if no FILE)
 * Default: one line per token (index, byte range, flags, text) and a line per sentence.
 * -p: tokenize as a rule phrase (no sentences). -s: one sentence per line, tokens separated
 * by '|', prefixed with the paragraph number. */
#include "tokenize.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static void flags_str(uint32_t f, char *out) {
  static const char *const names[] = {"CAP",   "UPPER", "LOWER",   "NUM", "PUNCT",
                                      "WORD",  "ABBR",  "GLUED",   "URL", "INVALID",
                                      "ASCII", "QUOTE", "SENT_END"};
  out[0] = '\0';
  for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
    if (f & (1u << i)) {
      if (out[0])
        strcat(out, ",");
      strcat(out, names[i]);
    }
}

int main(int argc, char **argv) {
  int phrase = argc > 1 && strcmp(argv[1], "-p") == 0;
  int sents = argc > 1 && strcmp(argv[1], "-s") == 0;
  int opt = phrase || sents;
  const char *path = argc > 1 + opt ? argv[1 + opt] : NULL;
  gchar *text = NULL;
  gsize len = 0;
  GError *err = NULL;
  if (path) {
    if (!g_file_get_contents(path, &text, &len, &err)) {
      fprintf(stderr, "tokdump: %s\n", err->message);
      g_error_free(err);
      return 1;
    }
  } else {
    GString *s = g_string_new(NULL);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
      g_string_append_len(s, buf, (gssize)n);
    len = s->len;
    text = g_string_free(s, FALSE);
  }
  stg_tokens t;
  stg_tokens_init(&t);
  if ((phrase ? stg_tokenize_phrase : stg_tokenize)(text, len, &t) != 0) {
    fprintf(stderr, "tokdump: input too large\n");
    return 1;
  }
  if (sents) {
    for (size_t s = 0; s < t.n_sent; s++) {
      printf("%u:", t.sent[s].paragraph);
      for (uint32_t i = t.sent[s].first; i < t.sent[s].last; i++)
        printf("%s%.*s", i > t.sent[s].first ? "|" : " ", (int)(t.tok[i].end - t.tok[i].start),
               text + t.tok[i].start);
      putchar('\n');
    }
    stg_tokens_clear(&t);
    g_free(text);
    return 0;
  }
  size_t s = 0;
  for (size_t i = 0; i < t.n; i++) {
    if (s < t.n_sent && t.sent[s].first == i)
      printf("== sentence %zu (paragraph %u, tokens %u..%u)\n", s, t.sent[s].paragraph,
             t.sent[s].first, t.sent[s].last);
    if (s < t.n_sent && t.sent[s].last == i + 1)
      s++;
    char fl[128];
    flags_str(t.tok[i].flags, fl);
    printf("%6zu %7u %7u %-28s %.*s\n", i, t.tok[i].start, t.tok[i].end, fl,
           (int)(t.tok[i].end - t.tok[i].start), text + t.tok[i].start);
  }
  printf("tokens %zu, sentences %zu, invalid sequences %zu, NUL bytes %zu\n", t.n, t.n_sent,
         t.invalid_utf8, t.nul_bytes);
  stg_tokens_clear(&t);
  g_free(text);
  return 0;
}
