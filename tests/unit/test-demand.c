/* test-demand.c: spans a sentence does not need are not looked for (engine/demand.c). Which
 * labels get a demand group and what meets it; that a skipped span leaves no annotation but
 * the same records; that a capture stands for a span only if its rule refers to the span; and,
 * over the sample articles with the shipped rules, that entity and stance records are the same
 * with and without span records (which make every span). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "scan.h"
#include "stancetag.h"
#include "test-compile.h"

static uint32_t label_of(const stancetag_program *p, const char *name) {
  for (uint32_t l = 0; l < p->n_labels; l++)
    if (strcmp(p->str + p->labels[l].name, name) == 0)
      return l;
  g_assert_not_reached();
  return STG_NONE;
}

/* Does word `w` (folded) meet group g? */
static gboolean word_meets(const stancetag_program *p, const char *w, uint32_t g) {
  uint32_t id = stg_prog_word(p, w, strlen(w));
  for (uint32_t k = id ? p->wgroup_off[id] : 0; id && k < p->wgroup_off[id + 1]; k++)
    if (p->wgroup[k] == g)
      return TRUE;
  return FALSE;
}

static const char *const rules = "entity PERSON { \"Kirby\" -> id Kirby }\n"
                                 "span TARGET = \"truce\" -> id ceasefire\n"
                                 "words OPPOSE = verb(reject) -> polarity oppose\n"
                                 "words ROLE = \"minister\" | \"envoy\"\n"
                                 "span CAPW = /\\p{Lu}\\p{Ll}+/\n"
                                 "span CAPW2 = /\\p{Lu}\\p{Ll}+/\n"
                                 "rule found: ROLE (?! CAPW2 CAPW2) p:CAPW => tag PERSON(p)\n"
                                 "rule r: holder:PERSON cue:OPPOSE \"the\"? target:TARGET\n"
                                 "  => stance(holder, polarity(cue), target)\n"
                                 "span PRONOUN = \"it\"\n"
                                 "rule pr: holder:PERSON cue:OPPOSE pron:PRONOUN\n"
                                 "  => stance(holder, polarity(cue), antecedent(pron, TARGET))\n"
                                 "span X = \"x\"\n"
                                 "rule common: \"the\" X => tag MARK\n";

static void test_groups(void) {
  stancetag_program *p = test_compile(rules);
  const uint32_t capw = p->dgroup[label_of(p, "CAPW")];
  /* CAPW serves only `found`, which needs a role word. */
  g_assert_cmpuint(capw, !=, STG_NONE);
  g_assert_true(word_meets(p, "minister", capw));
  g_assert_true(word_meets(p, "envoy", capw));
  g_assert_false(word_meets(p, "rejected", capw));
  /* The same rules need CAPW2: one group for both. */
  g_assert_cmpuint(p->dgroup[label_of(p, "CAPW2")], ==, capw);
  /* PRONOUN serves `pr`; its most selective other group is OPPOSE (PERSON could be found by
   * `found` wherever a role word is, so it counts PERSON and the role words). */
  const uint32_t pron = p->dgroup[label_of(p, "PRONOUN")];
  g_assert_cmpuint(pron, !=, STG_NONE);
  g_assert_cmpuint(pron, !=, capw);
  g_assert_true(word_meets(p, "rejects", pron));
  g_assert_false(word_meets(p, "minister", pron));
  /* Always looked for: an entity label, a tag label, an antecedent label (looked up in earlier
   * sentences), and a span whose users need only a common word besides it. */
  g_assert_cmpuint(p->dgroup[label_of(p, "PERSON")], ==, STG_NONE);
  g_assert_cmpuint(p->dgroup[label_of(p, "MARK")], ==, STG_NONE);
  g_assert_cmpuint(p->dgroup[label_of(p, "TARGET")], ==, STG_NONE);
  g_assert_cmpuint(p->dgroup[label_of(p, "X")], ==, STG_NONE);
  stancetag_program_free(p);
}

typedef struct got {
  const char *text;
  GString *out;
  int entities_only; /* leave out the records of span and tag labels */
  const stancetag_program *p;
} got;

static int collect(const stancetag_record *r, void *ctx) {
  got *g = ctx;
  if (r->kind == STANCETAG_RECORD_STANCE) {
    g_string_append_printf(g->out, "stance %s %s %s %u..%u %u..%u %u..%u|", r->holder.id, r->stance,
                           r->target.id, (unsigned)r->holder.start, (unsigned)r->holder.end,
                           (unsigned)r->target.start, (unsigned)r->target.end,
                           (unsigned)r->cue_start, (unsigned)r->cue_end);
    return 0;
  }
  if (g->entities_only &&
      g->p->labels[label_of(g->p, r->annotation.label)].kind != STG_LABEL_ENTITY)
    return 0;
  g_string_append_printf(g->out, "%s %.*s %s|", r->annotation.label, (int)(r->end - r->start),
                         g->text + r->start, r->annotation.id);
  return 0;
}

/* The records of `text` scanned with `flags`; with `entities_only`, those of entity labels and
 * stances only. The scratch is kept for a look at the annotations. */
static char *scan(const stancetag_program *p, stancetag_scratch *s, const char *text, size_t len,
                  unsigned flags, int entities_only) {
  got g = {text, g_string_new(NULL), entities_only, p};
  g_assert_cmpint(stancetag_scan(p, s, text, len, flags, collect, &g, NULL), ==, STANCETAG_OK);
  return g_string_free(g.out, FALSE);
}

/* Annotations of label `name` made in the last scan, as "text|". */
static char *anns_of(const stancetag_program *p, const stancetag_scratch *s, const char *text,
                     const char *name) {
  GString *out = g_string_new(NULL);
  uint32_t l = label_of(p, name);
  for (size_t i = 0; i < s->ann.n; i++) {
    const stg_ann *a = &s->ann.v[i];
    if (a->label != l)
      continue;
    uint32_t b0 = s->toks.tok[a->start].start, b1 = s->toks.tok[a->end - 1].end;
    g_string_append_printf(out, "%.*s|", (int)(b1 - b0), text + b0);
  }
  return g_string_free(out, FALSE);
}

static void test_skipped(void) {
  stancetag_program *p = test_compile(rules);
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  const char *text = "Hans Gruber rejected the truce. The minister Gruber rejected the truce.";
  const size_t len = strlen(text);
  /* Without span records: no name word is looked for in the first sentence. */
  char *plain = scan(p, s, text, len, STANCETAG_SCAN_ENTITIES, 0);
  char *anns = anns_of(p, s, text, "CAPW");
  g_assert_cmpstr(anns, ==, "The|Gruber|");
  g_free(anns);
  g_assert_cmpstr(plain, ==,
                  "stance Gruber oppose ceasefire 45..51 65..70 52..60|PERSON Gruber Gruber|");
  /* With them: every span is made... */
  char *full = scan(p, s, text, len, STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, 0);
  anns = anns_of(p, s, text, "CAPW");
  g_assert_cmpstr(anns, ==, "Hans|Gruber|The|Gruber|");
  g_free(anns);
  g_assert_nonnull(strstr(full, "CAPW Hans CAPW|"));
  /* ... and the entities and stances are the same. */
  char *filtered = scan(p, s, text, len, STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, 1);
  g_assert_cmpstr(filtered, ==, plain);
  g_free(plain);
  g_free(full);
  g_free(filtered);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* A capture stands for a span only if its rule refers to the span: `target:_` over "truce"
 * reports the text, not FOO's id (FOO is made in the second sentence only, where `uses_foo`
 * may need it, and in both with span records), while `target:(FOO | _)` reports FOO's id. */
static void test_stands_for(void) {
  stancetag_program *p =
      test_compile("entity PERSON { \"Kirby\" -> id Kirby }\n"
                   "span FOO = \"truce\" -> id ceasefire\n"
                   "span BAR = \"qqq\"\n"
                   "rule uses_foo: \"zzz\" FOO => tag MARK\n"
                   "rule r: holder:PERSON \"rejected\" (?! BAR) target:_\n"
                   "  => stance(holder, oppose, target)\n"
                   "rule r2: holder:PERSON \"denied\" (?! BAR) target:(FOO | _)\n"
                   "  => stance(holder, oppose, target)\n");
  g_assert_cmpuint(p->dgroup[label_of(p, "FOO")], !=, STG_NONE);
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  const char *text = "Kirby rejected truce. Kirby rejected truce, zzz. Kirby denied truce.";
  const size_t len = strlen(text);
  const char *want = "stance Kirby oppose truce 0..5 15..20 0..0|PERSON Kirby Kirby|"
                     "stance Kirby oppose truce 22..27 37..42 22..22|PERSON Kirby Kirby|"
                     "stance Kirby oppose ceasefire 49..54 62..67 49..49|PERSON Kirby Kirby|";
  for (int spans = 0; spans < 2; spans++) {
    char *got =
        scan(p, s, text, len, STANCETAG_SCAN_ENTITIES | (spans ? STANCETAG_SCAN_SPANS : 0), 1);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
  }
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* A span that only an antecedent label's rule refers to: the antecedent label is made in every
 * sentence (it is looked up from later ones), so what its rules refer to must be too. */
static void test_antecedent_chain(void) {
  stancetag_program *p =
      test_compile("entity COUNTRY { \"Russia\" -> id RUS }\n"
                   "words SUPPORT = verb(welcome) -> polarity support\n"
                   "span PLAN = \"peace\" \"plan\"\n"
                   "span TARGET = PLAN -> id peace_plan\n"
                   "rule it_target: holder:COUNTRY cue:SUPPORT pron:\"it\"\n"
                   "  => stance(holder, polarity(cue), antecedent(pron, TARGET))\n");
  g_assert_cmpuint(p->dgroup[label_of(p, "TARGET")], ==, STG_NONE);
  g_assert_cmpuint(p->dgroup[label_of(p, "PLAN")], ==, STG_NONE);
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  const char *text = "China presented a peace plan. Russia welcomed it.";
  for (int spans = 0; spans < 2; spans++) {
    char *got = scan(p, s, text, strlen(text),
                     STANCETAG_SCAN_ENTITIES | (spans ? STANCETAG_SCAN_SPANS : 0), 1);
    g_assert_cmpstr(got, ==,
                    "stance RUS support peace_plan 30..36 18..28 37..45|COUNTRY Russia RUS|");
    g_free(got);
  }
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* The shipped rules over the sample articles: entity and stance records are the same whether
 * span records are asked for (every span made) or not (unneeded spans skipped). */
static void test_samples(void) {
  char *path = g_test_build_filename(G_TEST_DIST, "rules", "ceasefire.rules", NULL);
  stancetag_program *p = NULL;
  stancetag_error *err = NULL;
  g_assert_cmpint(stancetag_compile_file(path, NULL, &p, &err), ==, STANCETAG_OK);
  stancetag_error_free(err);
  g_free(path);
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  char *dir = g_test_build_filename(G_TEST_DIST, "docs", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  unsigned docs = 0, skipped = 0;
  for (const char *name; (name = g_dir_read_name(d));) {
    if (!g_str_has_suffix(name, ".txt"))
      continue;
    char *file = g_build_filename(dir, name, NULL), *text = NULL;
    size_t len = 0;
    g_assert_true(g_file_get_contents(file, &text, &len, NULL));
    char *plain = scan(p, s, text, len, STANCETAG_SCAN_ENTITIES, 0);
    size_t n_plain = s->ann.n;
    char *full = scan(p, s, text, len, STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, 1);
    g_assert_cmpstr(full, ==, plain);
    g_assert_cmpuint(s->ann.n, >=, n_plain);
    skipped += s->ann.n > n_plain;
    docs++;
    g_free(plain);
    g_free(full);
    g_free(text);
    g_free(file);
  }
  g_dir_close(d);
  g_free(dir);
  g_assert_cmpuint(docs, >=, 5);
  g_assert_cmpuint(skipped, >, 0); /* some span was skipped somewhere, or this tests nothing */
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/demand/groups", test_groups);
  g_test_add_func("/demand/skipped", test_skipped);
  g_test_add_func("/demand/stands-for", test_stands_for);
  g_test_add_func("/demand/antecedent-chain", test_antecedent_chain);
  g_test_add_func("/demand/samples", test_samples);
  return g_test_run();
}
