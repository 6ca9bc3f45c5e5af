/* selftest.c: runs the inline `test "text" => expectation` blocks compiled into a program. */
#include <string.h>

#include "scan.h"

typedef struct seen {
  GPtrArray *stances;  /* "holder|stance|target" */
  GPtrArray *anns;     /* "LABEL|text" */
  GPtrArray *records;  /* stances and entities of entity labels in full (offsets, labels,
                          attributes): what must not depend on span records */
  const char *text;
  const stancetag_program *p;
} seen;

static seen seen_new(const stancetag_program *p, const char *text) {
  seen s = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
            g_ptr_array_new_with_free_func(g_free), text, p};
  return s;
}

static void seen_clear(seen *s) {
  g_ptr_array_free(s->stances, TRUE);
  g_ptr_array_free(s->anns, TRUE);
  g_ptr_array_free(s->records, TRUE);
}

/* An annotation of a record in full: " id label start end name=value ...". */
static void put_ann(GString *out, const stancetag_annotation *a) {
  g_string_append_printf(out, " %s %s %zu %zu", a->id ? a->id : "", a->label ? a->label : "",
                         (size_t)a->start, (size_t)a->end);
  for (size_t i = 0; i < a->n_attrs; i++)
    g_string_append_printf(out, " %s=%s", a->attrs[i].name, a->attrs[i].value);
}

static int is_entity_label(const stancetag_program *p, const char *name) {
  for (uint32_t l = 0; name && l < p->n_labels; l++)
    if (p->str + p->labels[l].name == name) /* records point into the string pool */
      return p->labels[l].kind == STG_LABEL_ENTITY;
  return 0;
}

static int collect(const stancetag_record *r, void *ctx) {
  seen *s = ctx;
  GString *full = g_string_new(r->rule);
  if (r->kind == STANCETAG_RECORD_STANCE) {
    g_ptr_array_add(s->stances,
                    g_strdup_printf("%s|%s|%s", r->holder.id, r->stance, r->target.id));
    g_string_append_printf(full, " %s %zu %zu %zu %zu %u", r->stance, (size_t)r->start,
                           (size_t)r->end, (size_t)r->cue_start, (size_t)r->cue_end, r->flags);
    put_ann(full, &r->holder);
    put_ann(full, &r->target);
    for (size_t i = 0; i < r->n_attrs; i++)
      g_string_append_printf(full, " %s=%s", r->attrs[i].name, r->attrs[i].value);
    g_ptr_array_add(s->records, g_string_free(full, FALSE));
  } else {
    char *a = g_strdup_printf("%s|%.*s", r->annotation.label ? r->annotation.label : "",
                              (int)(r->end - r->start), s->text + r->start);
    if (is_entity_label(s->p, r->annotation.label)) {
      put_ann(full, &r->annotation);
      g_ptr_array_add(s->records, g_string_free(full, FALSE));
    } else
      g_string_free(full, TRUE);
    g_ptr_array_add(s->anns, a);
  }
  return 0;
}

static gboolean same_list(GPtrArray *a, GPtrArray *b) {
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (strcmp(g_ptr_array_index(a, i), g_ptr_array_index(b, i)) != 0)
      return FALSE;
  return TRUE;
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
  seen got = seen_new(p, text), plain = seen_new(p, text);
  int rc = stancetag_scan(p, scratch, text, strlen(text),
                          STANCETAG_SCAN_ENTITIES | STANCETAG_SCAN_SPANS, collect, &got, NULL);
  /* Without span records, spans no rule can use in a sentence are skipped (demand.c): the
   * entities and stances must not change. */
  if (rc == STANCETAG_OK)
    rc = stancetag_scan(p, scratch, text, strlen(text), STANCETAG_SCAN_ENTITIES, collect, &plain,
                        NULL);
  if (rc != STANCETAG_OK) {
    seen_clear(&got);
    seen_clear(&plain);
    return rc;
  }
  const gboolean same = same_list(got.records, plain.records);
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
  ok &= same;
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
    if (!same) {
      g_string_append(r, "  records differ without span records (a span was skipped that a rule "
                         "needed: engine/demand.c)\n");
      for (int k = 0; k < 2; k++) {
        const seen *v = k ? &plain : &got;
        g_string_append_printf(r, "  %s:\n", k ? "without spans" : "with spans");
        for (guint i = 0; i < v->records->len; i++)
          g_string_append_printf(r, "    %s\n", (const char *)g_ptr_array_index(v->records, i));
      }
    }
    *report = strdup(r->str);
    g_string_free(r, TRUE);
  }
  g_ptr_array_free(want_st, TRUE);
  g_ptr_array_free(want_ann, TRUE);
  seen_clear(&got);
  seen_clear(&plain);
  return ok ? 1 : 0;
}
