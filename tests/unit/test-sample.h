/* test-sample.h: a small rule set and article for GTest units that need a whole program
 * (test-program, test-load-file): compile it, scan the article, compare the records. */
#ifndef STG_TEST_SAMPLE_H
#define STG_TEST_SAMPLE_H

#include "test-compile.h"

#define SAMPLE_TEXT                                                                                \
  "The United States said it opposes a ceasefire. Kirby rejected the peace plans. Russia backs "   \
  "a ceasefire."

static inline stancetag_program *sample_compile(void) {
  return test_compile(
      "entity COUNTRY {\n"
      "  \"United States\" | \"US\" -> id USA\n"
      "  \"Russia\" -> id RUS\n"
      "}\n"
      "entity PERSON { \"John Kirby\" | \"Kirby\" -> id \"John Kirby\", country USA }\n"
      "words OPPOSE = verb(oppose, reject) -> polarity oppose\n"
      "words SUPPORT = verb(support, back) -> polarity support\n"
      "span TARGET { \"ceasefire\" -> id ceasefire\n \"peace\" /plans?/ -> id peace_plan }\n"
      "rule active:\n"
      "  holder:(PERSON | COUNTRY) _{0,4} cue:(OPPOSE | SUPPORT) _{0,4} target:TARGET\n"
      "  => stance(holder, polarity(cue), target, country = holder.country)\n"
      "test \"Russia backed the peace plan.\" => stance(RUS, support, peace_plan)\n");
}

static inline int sample_render(const stancetag_record *r, void *ctx) {
  GString *out = ctx;
  if (r->kind == STANCETAG_RECORD_ENTITY)
    g_string_append_printf(out, "entity %s %zu..%zu %s\n", r->annotation.label, r->start, r->end,
                           r->annotation.id);
  else
    g_string_append_printf(out, "stance %s %s %s %zu..%zu %zu\n", r->holder.id, r->stance,
                           r->target.id, r->cue_start, r->cue_end, r->n_attrs);
  return 0;
}

/* The records of SAMPLE_TEXT, one a line (g_free). */
static inline char *sample_scan(const stancetag_program *p) {
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  GString *out = g_string_new(NULL);
  g_assert_cmpint(stancetag_scan(p, s, SAMPLE_TEXT, strlen(SAMPLE_TEXT), STANCETAG_SCAN_ENTITIES,
                                 sample_render, out, NULL),
                  ==, STANCETAG_OK);
  stancetag_scratch_free(s);
  return g_string_free(out, FALSE);
}

#endif
