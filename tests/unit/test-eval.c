/* test-eval.c: unit tests of eval's pure parts: the JSON tree reader, gold and prediction
 * records, scope and scoring. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cli-json.h"
#include "eval-gold.h"
#include "eval-score.h"

/* Loads gold lines from a temporary file. */
static eval_set *gold_from(const char *lines, gboolean want_ok) {
  char *path = NULL;
  int fd = g_file_open_tmp("test-eval-XXXXXX.jsonl", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  g_assert_true(g_file_set_contents(path, lines, -1, NULL));
  g_close(fd, NULL);
  eval_set *gold = eval_set_new_gold();
  g_assert_cmpint(eval_gold_load(gold, path), ==, want_ok);
  g_unlink(path);
  g_free(path);
  return gold;
}

static eval_set *pred_from(const char *jsonl) {
  eval_set *pred = eval_set_new_predicted();
  char *error = NULL;
  if (!eval_predictions_parse(pred, jsonl, strlen(jsonl), &error))
    g_error("predictions rejected: %s", error);
  return pred;
}

#define ENT(doc, s, e, label, id)                                                                  \
  "{\"type\":\"entity\",\"doc\":\"" doc "\",\"start\":" #s ",\"end\":" #e                          \
  ",\"text\":\"x\",\"label\":" label ",\"id\":" id "}\n"
#define STANCE(doc, holder, stance, target)                                                        \
  "{\"type\":\"stance\",\"doc\":\"" doc "\",\"holder\":{\"id\":" holder "},\"stance\":\"" stance   \
  "\",\"target\":{\"id\":" target "},\"rule\":\"r\",\"sentence\":{\"start\":0,\"end\":5}}\n"

static void test_json_tree(void) {
  cli_json *v = NULL;
  char *error = NULL;
  const char *line = "{\"a\":[1,\"x\",null,true,{\"b\":false}],\"a\":\"last\",\"n\":-2.5e3}";
  g_assert_true(cli_json_parse(line, strlen(line), &v, &error));
  g_assert_cmpint(v->type, ==, CLI_JSON_OBJECT);
  g_assert_cmpuint(v->items->len, ==, 3);
  const cli_json *first = v->items->pdata[0];
  g_assert_cmpint(first->type, ==, CLI_JSON_ARRAY);
  g_assert_cmpuint(first->items->len, ==, 5);
  g_assert_cmpint(((cli_json *)first->items->pdata[3])->type, ==, CLI_JSON_TRUE);
  g_assert_cmpstr(cli_json_member(v, "a")->text->str, ==, "last");
  g_assert_cmpstr(cli_json_member(v, "n")->text->str, ==, "-2.5e3");
  g_assert_null(cli_json_member(v, "b"));
  g_assert_null(cli_json_member(first, "a"));
  cli_json_free(v);
  static const char *const bad[] = {"",           "{",       "{\"a\":1,}", "[1 2]",
                                    "{\"a\":01}", "\"\\x\"", "{} x",       NULL};
  for (int i = 0; bad[i]; i++) {
    g_assert_false(cli_json_parse(bad[i], strlen(bad[i]), &v, &error));
    g_assert_null(v);
    g_assert_true(g_str_has_prefix(error, "column "));
    g_free(error);
  }
}

static void test_gold_records(void) {
  eval_set *gold = gold_from(
      "{\"doc\":\"a\",\"start\":0,\"end\":3,\"text\":\"Foo\",\"label\":\"PERSON\",\"id\":\"F\"}\n"
      "\r\n"
      "{\"doc\":\"a\",\"holder\":[\"F\",\"X\"],\"stance\":\"oppose\",\"target\":[\"t\"],"
      "\"kind\":\"implicit\"}\r\n",
      TRUE);
  g_assert_cmpuint(gold->entities->len, ==, 1);
  g_assert_cmpuint(gold->stances->len, ==, 1);
  const eval_gold_stance *s = gold->stances->pdata[0];
  g_assert_cmpint(s->kind, ==, EVAL_IMPLICIT);
  g_assert_cmpuint(s->holders->len, ==, 2);
  g_assert_null(s->evidence);
  g_assert_true(g_str_has_suffix(s->where, ":3"));
  eval_set_free(gold);
  /* Each bad line is reported; the good one is still read. */
  static const char *const bad[] = {
      "{\"doc\":\"a\",\"start\":3,\"end\":3,\"label\":\"X\"}",
      "{\"doc\":\"a\",\"start\":-1,\"end\":3,\"label\":\"X\"}",
      "{\"doc\":\"a\",\"start\":1.0,\"end\":3,\"label\":\"X\"}",
      "{\"doc\":\"\",\"start\":0,\"end\":3,\"label\":\"X\"}",
      "{\"doc\":\"a\",\"holder\":[],\"stance\":\"oppose\",\"target\":[\"t\"],\"kind\":"
      "\"explicit\"}",
      "{\"doc\":\"a\",\"holder\":[\"h\"],\"stance\":\"neutral\",\"target\":[\"t\"],"
      "\"kind\":\"explicit\"}",
      "{\"doc\":\"a\",\"holder\":[\"h\"],\"stance\":\"oppose\",\"target\":[\"t\"],\"kind\":"
      "\"maybe\"}",
      "{\"doc\":\"a\"}",
      "[1]",
      "{\"doc\":",
      NULL};
  for (int i = 0; bad[i]; i++) {
    char *lines =
        g_strconcat(bad[i], "\n{\"doc\":\"a\",\"start\":0,\"end\":1,\"label\":\"X\"}\n", NULL);
    gold = gold_from(lines, FALSE);
    g_assert_cmpuint(gold->entities->len, ==, 1);
    eval_set_free(gold);
    g_free(lines);
  }
}

static const char gold_entities[] =
    "{\"doc\":\"a\",\"start\":0,\"end\":5,\"label\":\"COUNTRY\",\"id\":\"USA\"}\n"
    "{\"doc\":\"a\",\"start\":10,\"end\":15,\"label\":\"PERSON\",\"id\":\"Kirby\"}\n"
    "{\"doc\":\"a\",\"start\":20,\"end\":26,\"label\":\"IGNORE\"}\n"
    "{\"doc\":\"a\",\"start\":30,\"end\":35,\"label\":\"IGNORE\"}\n"
    "{\"doc\":\"a\",\"start\":35,\"end\":40,\"label\":\"COUNTRY\",\"id\":\"RUS\"}\n"
    "{\"doc\":\"a\",\"start\":50,\"end\":55,\"label\":\"COUNTRY\",\"id\":\"CHN\"}\n";

static const eval_entity_issue *issue(const eval_result *r, guint i) {
  g_assert_cmpuint(i, <, r->entity_issues->len);
  return &g_array_index(r->entity_issues, eval_entity_issue, i);
}

static void test_entities(void) {
  eval_set *gold = gold_from(gold_entities, TRUE);
  eval_set *pred = pred_from(ENT("a", 0, 5, "\"COUNTRY\"", "\"USA\"")    /* TP */
                             ENT("a", 0, 5, "\"COUNTRY\"", "\"USA\"")    /* repeated */
                             ENT("a", 10, 15, "\"PERSON\"", "\"Other\"") /* id mismatch */
                             ENT("a", 20, 26, "\"COUNTRY\"", "\"RUS\"")  /* on IGNORE */
                             ENT("a", 22, 24, "\"COUNTRY\"", "null")     /* inside IGNORE */
                             ENT("a", 30, 40, "\"COUNTRY\"", "\"RUS\"")  /* IGNORE + gold */
                             ENT("a", 50, 55, "\"ORG\"", "null")         /* not scored */
                             ENT("a", 60, 65, "null", "null")            /* no label */
                             ENT("b", 0, 5, "\"COUNTRY\"", "\"USA\""));  /* other doc */
  char **labels = eval_gold_labels(gold);
  g_assert_cmpuint(g_strv_length(labels), ==, 2);
  g_assert_cmpstr(labels[0], ==, "COUNTRY");
  g_assert_cmpstr(labels[1], ==, "PERSON");
  eval_result *r = eval_score(gold, pred, (const char *const *)labels);
  const eval_label_score *country = r->labels->pdata[0], *person = r->labels->pdata[1];
  g_assert_cmpstr(country->label, ==, "COUNTRY");
  g_assert_cmpuint(country->counts.tp, ==, 1);
  g_assert_cmpuint(country->counts.fp, ==, 2); /* 30-40 and the other doc */
  g_assert_cmpuint(country->counts.fn, ==, 2); /* RUS 35-40 and CHN */
  g_assert_cmpuint(country->counts.id_ok, ==, 1);
  g_assert_cmpuint(person->counts.tp, ==, 1);
  g_assert_cmpuint(person->counts.id_ok, ==, 0);
  g_assert_cmpuint(r->all.tp, ==, 2);
  g_assert_cmpuint(r->all.fp, ==, 2);
  g_assert_cmpuint(r->all.fn, ==, 2);
  g_assert_cmpuint(r->neutral, ==, 2);
  /* Sorted by doc, start, end, kind. */
  g_assert_cmpuint(r->entity_issues->len, ==, 5);
  g_assert_cmpint(issue(r, 0)->kind, ==, EVAL_ISSUE_ID);
  g_assert_cmpstr(issue(r, 0)->pred->id, ==, "Other");
  g_assert_cmpint(issue(r, 1)->kind, ==, EVAL_ISSUE_FP);
  g_assert_cmpuint(issue(r, 1)->pred->start, ==, 30);
  g_assert_cmpuint(issue(r, 1)->gold->start, ==, 35); /* the overlapping gold span */
  g_assert_cmpint(issue(r, 2)->kind, ==, EVAL_ISSUE_MISS);
  g_assert_cmpuint(issue(r, 2)->gold->start, ==, 35);
  g_assert_cmpuint(issue(r, 2)->pred->start, ==, 30); /* the overlapping prediction */
  g_assert_cmpint(issue(r, 3)->kind, ==, EVAL_ISSUE_MISS);
  g_assert_null(issue(r, 3)->pred); /* CHN: ORG predictions are not looked at */
  g_assert_cmpstr(issue(r, 4)->pred->doc, ==, "b");
  eval_result_free(r);
  /* Explicit labels: ORG is scored (a false positive), PERSON is not. */
  const char *const org[] = {"ORG", "COUNTRY", NULL};
  r = eval_score(gold, pred, org);
  g_assert_cmpuint(r->labels->len, ==, 2);
  g_assert_cmpstr(((eval_label_score *)r->labels->pdata[0])->label, ==, "ORG");
  g_assert_cmpuint(((eval_label_score *)r->labels->pdata[0])->counts.fp, ==, 1);
  g_assert_cmpuint(r->all.tp, ==, 1);
  eval_result_free(r);
  g_strfreev(labels);
  eval_set_free(pred);
  eval_set_free(gold);
}

static const char gold_stances[] =
    "{\"doc\":\"a\",\"holder\":[\"USA\"],\"stance\":\"oppose\",\"target\":[\"ceasefire\","
    "\"peace_plan\"],\"kind\":\"explicit\"}\n"
    "{\"doc\":\"a\",\"holder\":[\"John Kirby\",\"USA\"],\"stance\":\"oppose\",\"target\":["
    "\"ceasefire\"],\"kind\":\"implicit\"}\n"
    "{\"doc\":\"a\",\"holder\":[\"RUS\"],\"stance\":\"support\",\"target\":[\"ceasefire\"],"
    "\"kind\":\"optional\"}\n"
    "{\"doc\":\"a\",\"holder\":[\"CHN\"],\"stance\":\"support\",\"target\":[\"peace_talks\"],"
    "\"kind\":\"explicit\"}\n"
    "{\"doc\":\"a\",\"holder\":[\"GBR\"],\"stance\":\"support\",\"target\":[\"ceasefire\"],"
    "\"kind\":\"implicit\"}\n";

static void test_stances(void) {
  eval_set *gold = gold_from(gold_stances, TRUE);
  eval_set *pred = pred_from(STANCE("a", "\"USA\"", "oppose", "\"ceasefire\"") /* 2 records */
                             STANCE("a", "\"USA\"", "oppose", "\"ceasefire\"") /* repeated */
                             STANCE("a", "\"John Kirby\"", "oppose", "\"ceasefire\"")
                                 STANCE("a", "\"RUS\"", "support", "\"ceasefire\"") /* optional */
                             STANCE("a", "\"CHN\"", "oppose", "\"peace_talks\"")    /* stance */
                             STANCE("a", "null", "support", "\"ceasefire\"")        /* no id */
                             STANCE("b", "\"USA\"", "oppose", "\"ceasefire\""));    /* doc */
  const char *const none[] = {NULL};
  eval_result *r = eval_score(gold, pred, none);
  const eval_stance_counts *c = &r->stance;
  g_assert_cmpuint(c->tp, ==, 2);
  g_assert_cmpuint(c->neutral, ==, 1);
  g_assert_cmpuint(c->fp, ==, 3);
  g_assert_cmpuint(c->explicit_gold, ==, 2);
  g_assert_cmpuint(c->explicit_hit, ==, 1);
  g_assert_cmpuint(c->implicit_gold, ==, 2);
  g_assert_cmpuint(c->implicit_hit, ==, 1);
  g_assert_cmpuint(c->optional_gold, ==, 1);
  g_assert_cmpuint(r->stance_fps->len, ==, 3);
  g_assert_cmpstr(((eval_stance *)r->stance_fps->pdata[0])->holder, ==, "CHN");
  g_assert_null(((eval_stance *)r->stance_fps->pdata[1])->holder);
  g_assert_cmpuint(r->stance_misses->len, ==, 2); /* CHN explicit, GBR implicit */
  g_assert_cmpstr(((eval_gold_stance *)r->stance_misses->pdata[0])->holders->pdata[0], ==, "CHN");
  g_assert_cmpfloat_with_epsilon(eval_stance_f1(c), 2 * 0.4 * 0.5 / 0.9, 1e-9);
  eval_result_free(r);
  eval_set_free(pred);
  eval_set_free(gold);
}

static void test_scope(void) {
  eval_set *gold = gold_from("{\"doc\":\"a\",\"start\":0,\"end\":1,\"label\":\"X\"}\n"
                             "{\"doc\":\"g\",\"start\":0,\"end\":1,\"label\":\"X\"}\n"
                             "{\"doc\":\"g\",\"holder\":[\"h\"],\"stance\":\"oppose\","
                             "\"target\":[\"t\"],\"kind\":\"explicit\"}\n",
                             TRUE);
  eval_set *pred = pred_from(ENT("a", 0, 1, "\"X\"", "null") ENT("p", 0, 1, "\"X\"", "null")
                                 STANCE("p", "\"h\"", "oppose", "\"t\""));
  GPtrArray *scanned = g_ptr_array_new();
  g_ptr_array_add(scanned, "a");
  g_ptr_array_add(scanned, "p");
  g_ptr_array_add(scanned, "q");
  GPtrArray *unscanned = NULL, *ungolded = NULL;
  eval_scope(gold, pred, scanned, &unscanned, &ungolded);
  g_assert_cmpuint(gold->entities->len, ==, 1);
  g_assert_cmpuint(gold->stances->len, ==, 0);
  g_assert_cmpuint(pred->entities->len, ==, 1);
  g_assert_cmpuint(pred->stances->len, ==, 0);
  g_assert_cmpuint(unscanned->len, ==, 1);
  g_assert_cmpstr(unscanned->pdata[0], ==, "g");
  g_assert_cmpuint(ungolded->len, ==, 2);
  g_assert_cmpstr(ungolded->pdata[0], ==, "p");
  g_assert_cmpstr(ungolded->pdata[1], ==, "q");
  g_ptr_array_free(unscanned, TRUE);
  g_ptr_array_free(ungolded, TRUE);
  g_ptr_array_free(scanned, TRUE);
  eval_set_free(pred);
  eval_set_free(gold);
}

static void test_ratios(void) {
  g_assert_true(isnan(eval_ratio(0, 0)));
  g_assert_cmpfloat(eval_ratio(1, 4), ==, 0.25);
  g_assert_true(isnan(eval_f1(NAN, 1)));
  g_assert_cmpfloat(eval_f1(0, 0), ==, 0);
  g_assert_cmpfloat_with_epsilon(eval_f1(0.5, 1), 2.0 / 3, 1e-12);
  eval_counts none = {0, 0, 0, 0};
  g_assert_true(isnan(eval_entity_f1(&none)));
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/eval/json-tree", test_json_tree);
  g_test_add_func("/eval/gold-records", test_gold_records);
  g_test_add_func("/eval/entities", test_entities);
  g_test_add_func("/eval/stances", test_stances);
  g_test_add_func("/eval/scope", test_scope);
  g_test_add_func("/eval/ratios", test_ratios);
  return g_test_run();
}
