/* selftest.c: runs the inline `test "text" => expectation` blocks compiled into a program. */
#include <string.h>

#include "scan.h"

typedef struct seen {
  GPtrArray *stances; /* "holder|stance|target" */
  GPtrArray *anns;    /* "LABEL|text" */
  const char *text;
} seen;

static int collect(const stancetag_record *r, void *ctx) {
  seen *s = ctx;
  if (r->kind == STANCETAG_RECORD_STANCE) {
    g_ptr_array_add(s->stances,
                    g_strdup_printf("%s|%s|%s", r->holder.id, r->stance, r->target.id));
  } else {
    g_ptr_array_add(s->anns, g_strdup_printf("%s|%.*s", r->annotation.label ? r->annotation.label : "",
                                             (int)(r->end - r->start), s->text + r->start));
  }
  return 0;
}

static gboolean has(GPtrArray *a, const char *v) {
  for (guint i = 0; i < a->len; i++)
    if (strcmp(g_ptr_array_index(a, i), v) == 0)
      return TRUE;
  return FALSE;
}

static void list(GString *out, const char *title, GPtrArray *a, gboolean stance) {
  g_string_append_printf(out, "  %s:", title);
  if (!a->len)
    g_string_append(out, " nothing");
  for (guint i = 0; i < a->len; i++) {
    char **f = g_strsplit(g_ptr_array_index(a, i), "|", 3);
    if (stance)
      g_string_append_printf(out, "%s stance(%s, %s, %s)", i ? "," : "", f[0], f[1], f[2]);
    else
      g_string_append_printf(out, "%s %s(\"%s\")", i ? "," : "", f[0], f[1]);
    g_strfreev(f);
  }
  g_string_append_c(out, '\n');
}

size_t stancetag_program_test_count(const stancetag_program *program) {
  return program ? program->n_tests : 0;
}

int stancetag_program_run_test(const stancetag_program *p, size_t index,
                               stancetag_scratch *scratch, char **report, const char **file,
                               unsigned *line) {
  if (report)
    *report = NULL;
  if (!p || !scratch || index >= p->n_tests)
    return STANCETAG_EINVAL;
  const stg_test *t = &p->tests[index];
  if (file)
    *file = p->str + t->file;
  if (line)
    *line = t->line;
  const char *text = p->str + t->text;
  seen got = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
              text};
  int rc = stancetag_scan(p, scratch, text, strlen(text),
                          STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, collect, &got, NULL);
  if (rc != STANCETAG_OK) {
    g_ptr_array_free(got.stances, TRUE);
    g_ptr_array_free(got.anns, TRUE);
    return rc;
  }
  GPtrArray *want_st = g_ptr_array_new_with_free_func(g_free);
  GPtrArray *want_ann = g_ptr_array_new_with_free_func(g_free);
  gboolean stance_checked = FALSE, ok = TRUE;
  for (uint32_t i = 0; i < t->n_expect; i++) {
    const stg_expect_rec *e = &p->expects[t->expect + i];
    if (e->kind == STG_EXP_NOTHING) {
      stance_checked = TRUE;
    } else if (e->kind == STG_EXP_STANCE) {
      stance_checked = TRUE;
      g_ptr_array_add(want_st, g_strdup_printf("%s|%s|%s", p->str + e->a, p->str + e->b,
                                               p->str + e->c));
    } else {
      g_ptr_array_add(want_ann, g_strdup_printf("%s|%s", p->str + e->a, p->str + e->b));
    }
  }
  /* Stances: the sets must be equal (duplicates in the output count once). */
  if (stance_checked) {
    for (guint i = 0; i < want_st->len; i++)
      ok &= has(got.stances, g_ptr_array_index(want_st, i));
    for (guint i = 0; i < got.stances->len; i++)
      ok &= has(want_st, g_ptr_array_index(got.stances, i));
  }
  for (guint i = 0; i < want_ann->len; i++)
    ok &= has(got.anns, g_ptr_array_index(want_ann, i));
  if (!ok && report) {
    GString *r = g_string_new(NULL);
    g_string_append_printf(r, "test \"%s\"\n", text);
    if (stance_checked) {
      list(r, "expected", want_st, TRUE);
      list(r, "actual  ", got.stances, TRUE);
    }
    if (want_ann->len) {
      list(r, "expected annotations", want_ann, FALSE);
      list(r, "actual annotations  ", got.anns, FALSE);
    }
    *report = strdup(r->str);
    g_string_free(r, TRUE);
  }
  g_ptr_array_free(want_st, TRUE);
  g_ptr_array_free(want_ann, TRUE);
  g_ptr_array_free(got.stances, TRUE);
  g_ptr_array_free(got.anns, TRUE);
  return ok ? 1 : 0;
}
