/* test-compile.h: compiling rules text in GTest units (test-program, test-analysis). */
#ifndef STG_TEST_COMPILE_H
#define STG_TEST_COMPILE_H

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "stancetag.h"

/* Compiles `rules` (named t.rules), logging every diagnostic; the test fails unless it
 * compiles. The caller frees the program. */
static inline stancetag_program *test_compile(const char *rules) {
  stancetag_program *p = NULL;
  stancetag_error *err = NULL;
  int rc = stancetag_compile(rules, strlen(rules), "t.rules", NULL, &p, &err);
  for (stancetag_error *e = err; e; e = e->next) {
    char *m = stancetag_error_format(e);
    g_test_message("%s", m);
    free(m);
  }
  g_assert_cmpint(rc, ==, STANCETAG_OK);
  stancetag_error_free(err);
  return p;
}

#endif
