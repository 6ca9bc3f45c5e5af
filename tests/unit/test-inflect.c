/* test-inflect.c: verb inflections and noun plurals (grammar/inflect.c). */
#include "inflect.h"

#include <string.h>

/* Checks that the forms of `word` are exactly `expected` (space separated, in order). */
static void check(void (*fn)(const char *, GPtrArray *), const char *word, const char *expected) {
  GPtrArray *forms = g_ptr_array_new_with_free_func(g_free);
  fn(word, forms);
  g_ptr_array_add(forms, NULL);
  char *got = g_strjoinv(" ", (char **)forms->pdata);
  g_assert_cmpstr(got, ==, expected);
  g_free(got);
  g_ptr_array_unref(forms);
}

static void test_regular(void) {
  check(stg_inflect_verb, "oppose", "oppose opposes opposed opposing");
  check(stg_inflect_verb, "back", "back backs backed backing");
  check(stg_inflect_verb, "criticize", "criticize criticizes criticized criticizing");
  check(stg_inflect_verb, "criticise", "criticise criticises criticised criticising");
  check(stg_inflect_verb, "stop", "stop stops stopped stopping");
  check(stg_inflect_verb, "carry", "carry carries carried carrying");
  check(stg_inflect_verb, "reject", "reject rejects rejected rejecting");
  check(stg_inflect_verb, "welcome", "welcome welcomes welcomed welcoming");
  check(stg_inflect_verb, "push", "push pushes pushed pushing");
  check(stg_inflect_verb, "veto", "veto vetoes vetoed vetoing");
  check(stg_inflect_verb, "agree", "agree agrees agreed agreeing");
  check(stg_inflect_verb, "die", "die dies died dying");
  check(stg_inflect_verb, "play", "play plays played playing");
  check(stg_inflect_verb, "admit", "admit admits admitted admitting");
  check(stg_inflect_verb, "visit", "visit visits visited visiting");
  check(stg_inflect_verb, "fix", "fix fixes fixed fixing");
}

static void test_irregular(void) {
  check(stg_inflect_verb, "say", "say says said saying");
  check(stg_inflect_verb, "hold", "hold holds held holding");
  check(stg_inflect_verb, "take", "take takes took taken taking");
  check(stg_inflect_verb, "meet", "meet meets met meeting");
  check(stg_inflect_verb, "seek", "seek seeks sought seeking");
  check(stg_inflect_verb, "speak", "speak speaks spoke spoken speaking");
  check(stg_inflect_verb, "put", "put puts putting");
  check(stg_inflect_verb, "set", "set sets setting");
  check(stg_inflect_verb, "let", "let lets letting");
  check(stg_inflect_verb, "cut", "cut cuts cutting");
  check(stg_inflect_verb, "withdraw", "withdraw withdraws withdrew withdrawn withdrawing");
  check(stg_inflect_verb, "begin", "begin begins began begun beginning");
  check(stg_inflect_verb, "have", "have has had having");
  check(stg_inflect_verb, "go", "go goes went gone going");
  check(stg_inflect_verb, "do", "do does did done doing");
  check(stg_inflect_verb, "be", "be am is are was were been being");
  check(stg_inflect_verb, "lie", "lie lies lay lain lying");
}

static void test_nouns(void) {
  check(stg_inflect_noun, "criticism", "criticism criticisms");
  check(stg_inflect_noun, "policy", "policy policies");
  check(stg_inflect_noun, "crisis", "crisis crises");
  check(stg_inflect_noun, "embargo", "embargo embargoes");
  check(stg_inflect_noun, "spokesman", "spokesman spokesmen");
  check(stg_inflect_noun, "tax", "tax taxes");
  check(stg_inflect_noun, "sanction", "sanction sanctions");
  check(stg_inflect_noun, "day", "day days");
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/inflect/regular", test_regular);
  g_test_add_func("/inflect/irregular", test_irregular);
  g_test_add_func("/inflect/nouns", test_nouns);
  return g_test_run();
}
