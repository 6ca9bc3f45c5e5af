/* test-analysis.c: what the compiler derives from patterns so the scanner can skip work
 * (engine/compile.c): the token flags a regex needs, regexes that are only words, rules
 * anchored at the sentence start, shape triggers and requirement groups. These tables only
 * ever skip work, so each case checks the table and, by scanning, that no match is lost.
 * Also which annotation a record reports for a role (scan.c: pass_through). */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "stancetag.h"
#include "test-compile.h"
#include "tokenize.h"

/* Entities found in `text`, as "LABEL text|..." in order. */
typedef struct found {
  const char *text;
  GString *out;
} found;

static int collect(const stancetag_record *r, void *ctx) {
  found *f = ctx;
  if (r->kind == STANCETAG_RECORD_ENTITY)
    g_string_append_printf(f->out, "%s %.*s|", r->annotation.label, (int)(r->end - r->start),
                           f->text + r->start);
  else
    g_string_append_printf(f->out, "stance %s %s %s|", r->holder.id, r->stance, r->target.id);
  return 0;
}

static char *scan(const stancetag_program *p, const char *text) {
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  found f = {text, g_string_new(NULL)};
  g_assert_cmpint(stancetag_scan(p, s, text, strlen(text),
                                 STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, collect, &f, NULL),
                  ==, STANCETAG_OK);
  stancetag_scratch_free(s);
  return g_string_free(f.out, FALSE);
}

static const stg_rule *rule_named(const stancetag_program *p, const char *name) {
  for (uint32_t r = 0; r < p->n_rules; r++)
    if (strcmp(p->str + p->rules[r].name, name) == 0)
      return &p->rules[r];
  g_assert_not_reached();
  return NULL;
}

static uint32_t rule_index(const stancetag_program *p, const char *name) {
  return (uint32_t)(rule_named(p, name) - p->rules);
}

/* The flags the program's regex with this source (and case mode) needs. */
static uint32_t need_of(const stancetag_program *p, const char *source, uint32_t icase) {
  for (uint32_t i = 0; i < p->n_regexes; i++)
    if (strcmp(p->str + p->regexes[i].source, source) == 0 && p->regexes[i].icase == icase)
      return p->regexes[i].need;
  g_assert_not_reached();
  return 0;
}

static void test_regex_need(void) {
  stancetag_program *p = test_compile("span CAPW = /\\p{Lu}[\\p{L}]+/\n"
                                      "span CAPA = /[A-Z][a-z]+/\n"
                                      "span CAPI = /[A-Z]y[a-z]+/i\n"
                                      "span ALT = /\\p{Lu}x|y/\n"
                                      "span OPT = /(\\p{Lu})?bc/\n"
                                      "span OPTQ = /[A-Z]?de/\n"
                                      "span NUM = /[0-9]+/\n"
                                      "span GRP = /(?:[A-Z]|É)tat/\n"
                                      "span LET = /\\p{L}q+/\n"
                                      "span LIT = /Zo+m/\n");
  const uint32_t cap = STG_TF_CAP | STG_TF_WORD;
  g_assert_cmphex(need_of(p, "\\p{Lu}[\\p{L}]+", 0), ==, cap);
  g_assert_cmphex(need_of(p, "[A-Z][a-z]+", 0), ==, cap);
  g_assert_cmphex(need_of(p, "[A-Z]y[a-z]+", 1), ==, STG_TF_WORD); /* /i: any case */
  g_assert_cmphex(need_of(p, "\\p{Lu}x|y", 0), ==, STG_TF_WORD);   /* "y" has no capital */
  g_assert_cmphex(need_of(p, "(\\p{Lu})?bc", 0), ==, 0);
  g_assert_cmphex(need_of(p, "[A-Z]?de", 0), ==, 0);
  g_assert_cmphex(need_of(p, "[0-9]+", 0), ==, 0);
  g_assert_cmphex(need_of(p, "(?:[A-Z]|É)tat", 0), ==, 0);
  g_assert_cmphex(need_of(p, "\\p{L}q+", 0), ==, STG_TF_WORD);
  g_assert_cmphex(need_of(p, "Zo+m", 0), ==, cap);
  /* Rules led by a regex of known flags are shape-triggered, not tried at every token. */
  g_assert_cmpuint(rule_named(p, "CAPW")->anywhere, ==, 0);
  g_assert_cmpuint(rule_named(p, "ALT")->anywhere, ==, 0);
  g_assert_cmpuint(rule_named(p, "OPT")->anywhere, ==, 1);
  g_assert_cmpuint(rule_named(p, "NUM")->anywhere, ==, 1);
  gboolean shaped = FALSE;
  for (uint32_t k = 0; k < p->n_shape_trig; k++)
    shaped |= p->shape_trig[k].rule == rule_index(p, "CAPW") && p->shape_trig[k].mask == cap;
  g_assert_true(shaped);
  /* ... and still find every match: a non-ASCII capital, the other case, the other
   * alternative, the optional capital. */
  char *got = scan(p, "Émile Bye bYE y bc de 42 État Élan qq Zooom");
  g_assert_cmpstr(got, ==,
                  "CAPW Émile|CAPW Bye|CAPA Bye|CAPI Bye|CAPI bYE|ALT y|OPT bc|OPTQ de|NUM 42|"
                  "CAPW État|GRP État|CAPW Élan|LET qq|CAPW Zooom|CAPA Zooom|LIT Zooom|");
  g_free(got);
  stancetag_program_free(p);
}

/* Short ASCII tokens are looked up from their word-cache key folded eight bytes at a time
 * (scan.c: lookup_short): A-Z fold, the bytes around them ('@' '[' '`' '{') do not. */
static void test_short_fold(void) {
  stancetag_program *p = test_compile("span AT = \"@\"\n"
                                      "span SQ = \"[\"\n"
                                      "span GRAVE = \"`\"\n"
                                      "span BRACE = \"{\"\n"
                                      "span W = \"azby\" | \"abcdefghijklmnopqrstuvwxyz\"\n"
                                      "span L = \"zyxwvutsrqponmlk\"\n");
  char *got = scan(p, "{ ` [ @ AZBY aZbY Azby ZYXWVUTSRQPONMLK zyxwvutsrqponmlK "
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
  g_assert_cmpstr(got, ==,
                  "BRACE {|GRAVE `|SQ [|AT @|W AZBY|W aZbY|W Azby|L ZYXWVUTSRQPONMLK|"
                  "L zyxwvutsrqponmlK|W ABCDEFGHIJKLMNOPQRSTUVWXYZ|");
  g_free(got);
  stancetag_program_free(p);
}

static void test_literal_regex(void) {
  stancetag_program *p = test_compile("span P = /(al|Al|Abu)/ \"-\"\n"
                                      "span Q = /(?:el|ul)/i \"-\"\n"
                                      "span R = /al|[b]l/ \"-\"\n");
  /* P and Q became words: no regex left, triggered by the words; R stays a regex. */
  g_assert_cmpuint(p->n_regexes, ==, 1);
  g_assert_cmpuint(rule_named(p, "P")->anywhere, ==, 0);
  g_assert_cmpuint(rule_named(p, "Q")->anywhere, ==, 0);
  char *got = scan(p, "al-Assad Al-Assad AL-Assad Abu-Bakr abu-Bakr EL-x ul-y bl-z");
  g_assert_cmpstr(got, ==, "P al-|R al-|P Al-|P Abu-|Q EL-|Q ul-|R bl-|");
  g_free(got);
  stancetag_program_free(p);
}

static void test_anchored(void) {
  stancetag_program *p =
      test_compile("entity PERSON { \"Kirby\" -> id Kirby }\n"
                   "span TARGET = \"truce\"\n"
                   "words OPPOSE = verb(reject) -> polarity oppose\n"
                   "rule start: ^ holder:(\"He\" | PERSON) cue:OPPOSE \"the\"? target:TARGET\n"
                   "  => stance(holder, polarity(cue), target)\n"
                   "span LEAD = (?<= \"x\")? ^ \"So\"\n"
                   "span EITHER = ^ \"A\" | \"B\"\n");
  g_assert_cmpuint(rule_named(p, "start")->anchored, ==, 1);
  g_assert_cmpuint(rule_named(p, "LEAD")->anchored, ==, 1);
  g_assert_cmpuint(rule_named(p, "EITHER")->anchored, ==, 0);
  char *got = scan(p, "He rejected the truce. So Kirby rejected the truce. Kirby rejected the "
                      "truce. B and A and B.");
  g_assert_cmpstr(got, ==,
                  "stance He oppose TARGET|TARGET truce|LEAD So|PERSON Kirby|TARGET truce|"
                  "stance Kirby oppose TARGET|PERSON Kirby|TARGET truce|EITHER B|EITHER B|");
  g_free(got);
  stancetag_program_free(p);
}

/* Does some requirement group of rule `r`, ended by `end`, consist of ANNOT instructions of
 * `label` only? */
static gboolean needs_label_end(const stancetag_program *p, uint32_t r, const char *label,
                                uint32_t end) {
  gboolean all = TRUE, any = FALSE;
  for (uint32_t k = p->req_off[r]; k < p->req_off[r + 1]; k++) {
    if (p->req[k] >= STG_REQ_END_ANYWHERE) {
      if (all && any && p->req[k] == end)
        return TRUE;
      all = TRUE;
      any = FALSE;
      continue;
    }
    const stg_inst *in = &p->code[p->req[k]];
    any = TRUE;
    all &= in->op == STG_OP_ANNOT && strcmp(p->str + p->labels[in->a].name, label) == 0;
  }
  return FALSE;
}

static gboolean needs_label(const stancetag_program *p, uint32_t r, const char *label) {
  return needs_label_end(p, r, label, STG_REQ_END);
}

/* Does some requirement group of rule `r` hold word `w` (its folded key)? */
static gboolean needs_word(const stancetag_program *p, uint32_t r, const char *w) {
  for (uint32_t k = p->req_off[r]; k < p->req_off[r + 1]; k++) {
    if (p->req[k] >= STG_REQ_END_ANYWHERE || p->code[p->req[k]].op != STG_OP_PRED)
      continue;
    const stg_inst *in = &p->code[p->req[k]];
    for (uint32_t j = 0; j < in->b; j++) {
      const stg_pred *d = &p->preds[in->a + j];
      if (d->kind == STG_PRED_WORD && strcmp(p->str + p->word_key[d->a], w) == 0)
        return TRUE;
    }
  }
  return FALSE;
}

static void test_requirements(void) {
  stancetag_program *p =
      test_compile("entity COUNTRY { \"Russia\" -> id RUS }\n"
                   "words PREP = \"in\" | \"for\"\n"
                   "span OTHER = PREP \"the\"? COUNTRY | COUNTRY \"'s\"\n"
                   "span QUOTE = ^ ((?! \"x\") _){1,40} \",\"? \"said\" COUNTRY\n");
  /* Every match of OTHER uses a COUNTRY, through either alternative. */
  g_assert_true(needs_label(p, rule_index(p, "OTHER"), "COUNTRY"));
  /* The word after a long repetition is still found. */
  g_assert_true(needs_word(p, rule_index(p, "QUOTE"), "said"));
  g_assert_true(needs_label(p, rule_index(p, "QUOTE"), "COUNTRY"));
  char *got = scan(p, "A plan for Russia and Russia's plan. They said no. Then Moscow said "
                      "Russia would.");
  g_assert_cmpstr(got, ==,
                  "OTHER for Russia|COUNTRY Russia|OTHER Russia's|COUNTRY Russia|"
                  "QUOTE Then Moscow said Russia|COUNTRY Russia|");
  g_free(got);
  stancetag_program_free(p);
}

/* A positive look-around every match passes is a requirement too; a look-behind's may be met
 * before the match starts, so it does not bound the start. */
static void test_look_requirements(void) {
  stancetag_program *p = test_compile("span T = \"Dr.\" | \"Prof.\"\n"
                                      "span N = /\\p{Lu}[a-z]+/\n"
                                      "span BEHIND = (?<= T) N\n"
                                      "span BEHIND2 = (?<= T \",\"?) N\n"
                                      "span AHEAD = \"the\" (?= \"plan\" | \"deal\")\n"
                                      "span AHEAD2 = \"a\" (?= N \"said\")\n");
  g_assert_true(needs_label_end(p, rule_index(p, "BEHIND"), "T", STG_REQ_END_ANYWHERE));
  g_assert_true(needs_label_end(p, rule_index(p, "BEHIND2"), "T", STG_REQ_END_ANYWHERE));
  g_assert_true(needs_word(p, rule_index(p, "AHEAD"), "plan"));
  g_assert_true(needs_word(p, rule_index(p, "AHEAD"), "deal"));
  g_assert_true(needs_label(p, rule_index(p, "AHEAD2"), "N"));
  /* every element a look-around's pattern passes, not only its first */
  g_assert_true(needs_word(p, rule_index(p, "AHEAD2"), "said"));
  g_assert_true(needs_label_end(p, rule_index(p, "BEHIND2"), "T", STG_REQ_END_ANYWHERE));
  char *got = scan(p, "Yesterday Dr. Smith backed the plan. Prof., Jones said the deal was a "
                      "Bad idea. It was a Mess said the deal.");
  g_assert_cmpstr(got, ==,
                  "N Yesterday|T Dr.|N Smith|BEHIND Smith|BEHIND2 Smith|AHEAD the|T Prof.|"
                  "N Jones|BEHIND2 Jones|AHEAD the|N Bad|N It|AHEAD2 a|N Mess|AHEAD the|");
  g_free(got);
  stancetag_program_free(p);
}

/* Requirement groups are numbered once per program (presence.c): two rules needing the same
 * cue share a group, and a word satisfies the groups of its classes. */
static void test_shared_groups(void) {
  stancetag_program *p = test_compile("words CUE = \"backed\" | \"welcomed\"\n"
                                      "span TARGET = \"truce\"\n"
                                      "span A = \"Peru\" CUE _{0,3} TARGET\n"
                                      "span B = \"Chile\" CUE _{0,3} TARGET\n");
  uint32_t a = rule_index(p, "A"), b = rule_index(p, "B");
  g_assert_cmpuint(p->rgroup_off[a + 1] - p->rgroup_off[a], >=, 2);
  uint32_t shared = 0;
  for (uint32_t i = p->rgroup_off[a]; i < p->rgroup_off[a + 1]; i++)
    for (uint32_t j = p->rgroup_off[b]; j < p->rgroup_off[b + 1]; j++)
      shared += p->rgroup[i] == p->rgroup[j];
  g_assert_cmpuint(shared, ==, 2); /* CUE and TARGET, not the first word */
  uint32_t w = stg_prog_word(p, "welcomed", 8);
  g_assert_cmpuint(w, !=, 0);
  g_assert_cmpuint(p->wgroup_off[w + 1] - p->wgroup_off[w], ==, 1);
  char *got = scan(p, "Peru welcomed the truce. Chile backed it. Chile backed a truce.");
  g_assert_cmpstr(got, ==,
                  "A Peru welcomed the truce|TARGET truce|B Chile backed a truce|TARGET truce|");
  g_free(got);
  stancetag_program_free(p);
}

static int target_labels(const stancetag_record *r, void *ctx) {
  if (r->kind == STANCETAG_RECORD_STANCE)
    g_string_append_printf(ctx, "%s %s|", r->target.label, r->target.id);
  return 0;
}

/* A tag that copies the id of the span it covers exactly (bookkeeping for a later sentence,
 * as the shipped quote rules do) is reported as that span (scan.c: pass_through). */
static void test_tag_stands_for_span(void) {
  stancetag_program *p =
      test_compile("entity PERSON { \"Kuleba\" -> id Kuleba }\n"
                   "span TARGET = \"truce\" -> id ceasefire\n"
                   "words OPPOSE_V = verb(reject) -> polarity oppose\n"
                   "rule mark: OPPOSE_V \"the\" target:TARGET => tag MARK(target) -> id target.id\n"
                   "rule other: \"the\" t:\"plan\" => tag MARK(t) -> id plan\n"
                   "rule speaker: holder:PERSON \"agreed\" q:\".\"\n"
                   "  => stance(holder, oppose, antecedent(q, MARK))\n");
  stancetag_scratch *s = NULL;
  g_assert_cmpint(stancetag_scratch_alloc(p, &s), ==, STANCETAG_OK);
  const char *text = "We reject the truce. Kuleba agreed . We like the plan. Kuleba agreed .";
  GString *out = g_string_new(NULL);
  g_assert_cmpint(stancetag_scan(p, s, text, strlen(text), 0, target_labels, out, NULL), ==,
                  STANCETAG_OK);
  /* the second MARK covers no annotation with its id: it is reported as itself */
  g_assert_cmpstr(out->str, ==, "TARGET ceasefire|MARK plan|");
  g_string_free(out, TRUE);
  stancetag_scratch_free(s);
  stancetag_program_free(p);
}

/* A rule alone in its overlap group (program.c: rule_solo) is not run at candidates inside its
 * last match, whose matches the leftmost-longest selection would drop; alternatives of one
 * span and `all` rules are run everywhere. */
static void test_solo_rules(void) {
  stancetag_program *p = test_compile("span NAME = /\\p{Lu}[a-z]+/ /\\p{Lu}[a-z]+/{0,2}\n"
                                      "span PAIR {\n"
                                      "  \"a\" \"b\" -> kind x\n"
                                      "  \"b\" \"c\" -> kind y\n"
                                      "}\n"
                                      "rule every [all]: t:\"x\" _ \"x\" => tag TRIPLE(t)\n");
  g_assert_true(p->rule_solo[rule_index(p, "NAME")]);
  g_assert_false(p->rule_solo[rule_index(p, "PAIR")]);
  g_assert_false(p->rule_solo[rule_index(p, "every")]);
  char *got = scan(p, "Hans Peter Gruber met Anna Lind. Then x x x x came. a b c d. Bo Li.");
  g_assert_cmpstr(got, ==,
                  "NAME Hans Peter Gruber|NAME Anna Lind|NAME Then|TRIPLE x|TRIPLE x|PAIR a b|"
                  "NAME Bo Li|");
  g_free(got);
  stancetag_program_free(p);
}

/* Rules whose code has at most 63 states (consumers and zero-width tests) with only jumps,
 * splits and saves between them get a bit-parallel automaton (bitnfa.c), and so do the
 * patterns of look-arounds; others run on the VM alone. A rule without captures is answered
 * by its automaton, one with captures by the VM when the automaton (or, while the rule mostly
 * matches, nothing) says it matches. Every path must give the VM's longest match: through
 * annotations, optional parts, alternatives of different lengths and look-arounds. */
static void test_bitnfa(void) {
  GString *big = g_string_new("span BIG =");
  for (int i = 0; i < 64; i++)
    g_string_append_printf(big, " \"w%d\"?", i);
  g_string_append(big, " \"end\"\n");
  g_string_append(big, "span NAME = (?! \"The\") /\\p{Lu}[a-z]+/ (\"-\" /\\p{Lu}[a-z]+/)?\n"
                       "span ROLE = ^? \"the\"? (\"chief\" | \"head\" \"of\" \"staff\") NAME+\n"
                       "span AHEAD = \"a\" (?= \"b\" \"c\") | \"b\" (?<= \"a\" \"b\") $?\n"
                       "rule speaker: x:NAME \"said\" => tag SPEAKER(x)\n");
  stancetag_program *p = test_compile(big->str);
  g_string_free(big, TRUE);
  g_assert_cmpuint(p->bn_rule[rule_index(p, "NAME")], !=, STG_NONE);
  g_assert_cmpuint(p->bn_rule[rule_index(p, "ROLE")], !=, STG_NONE);
  g_assert_cmpuint(p->bn_rule[rule_index(p, "speaker")], !=, STG_NONE); /* a test before the VM */
  g_assert_cmpuint(p->bn_rule[rule_index(p, "BIG")], ==, STG_NONE);     /* 65 states */
  uint32_t looks = 0;
  for (uint32_t pc = 0; pc < p->n_code; pc++)
    if (p->code[pc].op == STG_OP_LOOK)
      looks += p->bn_look[pc] != STG_NONE;
  g_assert_cmpuint(looks, ==, 2);
  char *got = scan(p, "The head of staff Ann Smith-Jones said a b c. Chief Bo Li said. "
                      "w1 w63 end. a b d a b");
  g_assert_cmpstr(got, ==,
                  "ROLE The head of staff Ann Smith-Jones|NAME Ann|NAME Smith-Jones|SPEAKER "
                  "Smith-Jones|AHEAD a|AHEAD b|ROLE Chief Bo Li|NAME Chief|NAME Bo|NAME Li|"
                  "SPEAKER Li|BIG w1 w63 end|AHEAD b|AHEAD b|");
  g_free(got);
  /* Many matches (the automaton is skipped), then many failures (it is asked again), then
   * matches: the same captures every time. */
  GString *text = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append(text, i < 15 || i >= 30 ? "Ann said. " : "Ann left. ");
  got = scan(p, text->str);
  g_string_free(text, TRUE);
  GString *want = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append(want, i < 15 || i >= 30 ? "NAME Ann|SPEAKER Ann|" : "NAME Ann|");
  g_assert_cmpstr(got, ==, want->str);
  g_string_free(want, TRUE);
  g_free(got);
  stancetag_program_free(p);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/analysis/regex-need", test_regex_need);
  g_test_add_func("/analysis/literal-regex", test_literal_regex);
  g_test_add_func("/analysis/anchored", test_anchored);
  g_test_add_func("/analysis/requirements", test_requirements);
  g_test_add_func("/analysis/look-requirements", test_look_requirements);
  g_test_add_func("/analysis/shared-groups", test_shared_groups);
  g_test_add_func("/analysis/tag-stands-for-span", test_tag_stands_for_span);
  g_test_add_func("/analysis/solo-rules", test_solo_rules);
  g_test_add_func("/analysis/bitnfa", test_bitnfa);
  g_test_add_func("/analysis/short-fold", test_short_fold);
  return g_test_run();
}
