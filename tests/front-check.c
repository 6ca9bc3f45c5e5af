/* front-check: runs the rule-language front end on a file and prints its diagnostics.
 *
 * Usage: front-check FILE.rules
 *        front-check --random SEED BYTES   (writes reproducible random bytes to stdout)
 * Exit status: 0 clean, 1 errors, 2 usage or unreadable FILE. Used by tests/bad-rules/run.sh,
 * which checks that hostile inputs give a positioned error, fast and in bounded memory. */
#include "frontend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--random") == 0) {
    GRand *r = g_rand_new_with_seed((guint32)strtoul(argv[2], NULL, 10));
    for (unsigned long n = strtoul(argv[3], NULL, 10); n > 0; n--)
      putchar((int)g_rand_int_range(r, 0, 256));
    g_rand_free(r);
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: front-check FILE.rules\n");
    return 2;
  }
  char *text, *why;
  size_t len;
  int rc = stg_front_read_file(argv[1], &text, &len, &why);
  if (rc != STANCETAG_OK) {
    fprintf(stderr, "front-check: %s: %s\n", argv[1], why);
    g_free(why);
    return 2;
  }
  stg_diags d;
  stg_diags_init(&d, 0);
  stg_ast *ast = NULL;
  stg_front_compile(text, len, argv[1], NULL, &ast, &d);
  unsigned errors = d.n_errors;
  stancetag_error *list = stg_diags_take(&d);
  for (stancetag_error *e = list; e; e = e->next) {
    char *s = stancetag_error_format(e);
    fputs(s, stdout);
    free(s);
  }
  stancetag_error_free(list);
  stg_ast_free(ast);
  g_free(text);
  return errors ? 1 : 0;
}
