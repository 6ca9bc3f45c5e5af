/* eval-gold.c: reading gold files and scan output into eval records (see eval-gold.h). */
#include "eval-gold.h"
#include "cli-json.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void entity_free(eval_entity *e) {
  g_free(e->doc);
  g_free(e->text);
  g_free(e->label);
  g_free(e->id);
  g_free(e->where);
  g_free(e);
}

static void gold_stance_free(eval_gold_stance *s) {
  g_free(s->doc);
  g_free(s->stance);
  g_free(s->evidence);
  if (s->holders)
    g_ptr_array_free(s->holders, TRUE);
  if (s->targets)
    g_ptr_array_free(s->targets, TRUE);
  g_free(s->where);
  g_free(s);
}

static void stance_free(eval_stance *s) {
  g_free(s->doc);
  g_free(s->holder);
  g_free(s->stance);
  g_free(s->target);
  g_free(s->rule);
  g_free(s->sentence);
  g_free(s);
}

static eval_set *set_new(GDestroyNotify free_stance) {
  eval_set *set = g_new0(eval_set, 1);
  set->entities = g_ptr_array_new_with_free_func((GDestroyNotify)entity_free);
  set->stances = g_ptr_array_new_with_free_func(free_stance);
  return set;
}

eval_set *eval_set_new_gold(void) {
  return set_new((GDestroyNotify)gold_stance_free);
}

eval_set *eval_set_new_predicted(void) {
  return set_new((GDestroyNotify)stance_free);
}

void eval_set_free(eval_set *set) {
  if (!set)
    return;
  g_ptr_array_free(set->entities, TRUE);
  g_ptr_array_free(set->stances, TRUE);
  g_free(set);
}

/* ---- Members ----------------------------------------------------------------------------- */

/* Sets *error (unless already set) and returns FALSE. */
static gboolean bad(char **error, const char *name, const char *what) {
  if (!*error)
    *error = g_strdup_printf("\"%s\": %s", name, what);
  return FALSE;
}

/* A string member into *out (NULL when absent or null and `required` is FALSE). */
static gboolean get_string(const cli_json *obj, const char *name, gboolean required, char **out,
                           char **error) {
  const cli_json *v = cli_json_member(obj, name);
  *out = NULL;
  if (!v || v->type == CLI_JSON_NULL)
    return !required || bad(error, name, "missing (a string expected)");
  if (v->type != CLI_JSON_STRING)
    return bad(error, name, "a string expected");
  if (strlen(v->text->str) != v->text->len)
    return bad(error, name, "contains a NUL character");
  if (required && v->text->len == 0)
    return bad(error, name, "must not be empty");
  *out = g_strdup(v->text->str);
  return TRUE;
}

static gboolean get_offset(const cli_json *obj, const char *name, guint64 *out, char **error) {
  const cli_json *v = cli_json_member(obj, name);
  if (!v)
    return bad(error, name, "missing (a byte offset expected)");
  if (v->type != CLI_JSON_NUMBER ||
      !g_ascii_string_to_unsigned(v->text->str, 10, 0, G_MAXINT64, out, NULL))
    return bad(error, name, "a non-negative whole number expected");
  return TRUE;
}

/* A non-empty array of non-empty strings. */
static gboolean get_ids(const cli_json *obj, const char *name, GPtrArray **out, char **error) {
  const cli_json *v = cli_json_member(obj, name);
  *out = NULL;
  if (!v || v->type != CLI_JSON_ARRAY || v->items->len == 0)
    return bad(error, name, "a non-empty array of ids expected");
  *out = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < v->items->len; i++) {
    const cli_json *id = v->items->pdata[i];
    if (id->type != CLI_JSON_STRING || id->text->len == 0 || strlen(id->text->str) != id->text->len)
      return bad(error, name, "every id must be a non-empty string");
    g_ptr_array_add(*out, g_strdup(id->text->str));
  }
  return TRUE;
}

/* One of `words` (NULL-terminated); returns its index or -1 after setting *error. */
static int get_word(const cli_json *obj, const char *name, const char *const *words,
                    const char *expected, char **error) {
  char *s = NULL;
  int found = -1;
  if (get_string(obj, name, TRUE, &s, error)) {
    for (int i = 0; words[i] && found < 0; i++)
      if (strcmp(words[i], s) == 0)
        found = i;
    if (found < 0)
      bad(error, name, expected);
  }
  g_free(s);
  return found;
}

/* ---- Gold -------------------------------------------------------------------------------- */

static const char *const stances[] = {"support", "oppose", NULL};
static const char *const kinds[] = {"explicit", "implicit", "optional", NULL};

const char *eval_kind_name(eval_kind kind) {
  return kinds[kind];
}

static gboolean gold_entity(eval_set *gold, const cli_json *obj, const char *where, char **error) {
  eval_entity *e = g_new0(eval_entity, 1);
  gboolean ok = get_string(obj, "doc", TRUE, &e->doc, error) &&
                get_offset(obj, "start", &e->start, error) &&
                get_offset(obj, "end", &e->end, error) &&
                (e->end > e->start || bad(error, "end", "must be greater than \"start\"")) &&
                get_string(obj, "label", TRUE, &e->label, error) &&
                get_string(obj, "text", FALSE, &e->text, error) &&
                get_string(obj, "id", FALSE, &e->id, error);
  if (!ok) {
    entity_free(e);
    return FALSE;
  }
  e->where = g_strdup(where);
  g_ptr_array_add(gold->entities, e);
  return TRUE;
}

static gboolean gold_stance(eval_set *gold, const cli_json *obj, const char *where, char **error) {
  eval_gold_stance *s = g_new0(eval_gold_stance, 1);
  int stance = -1, kind = -1;
  gboolean ok =
      get_string(obj, "doc", TRUE, &s->doc, error) && get_ids(obj, "holder", &s->holders, error) &&
      (stance = get_word(obj, "stance", stances, "support or oppose expected", error)) >= 0 &&
      get_ids(obj, "target", &s->targets, error) &&
      (kind = get_word(obj, "kind", kinds, "explicit, implicit or optional expected", error)) >=
          0 &&
      get_string(obj, "evidence", FALSE, &s->evidence, error);
  if (!ok) {
    gold_stance_free(s);
    return FALSE;
  }
  s->stance = g_strdup(stances[stance]);
  s->kind = (eval_kind)kind;
  s->where = g_strdup(where);
  g_ptr_array_add(gold->stances, s);
  return TRUE;
}

static gboolean gold_line(eval_set *gold, const char *line, size_t len, const char *where,
                          char **error) {
  cli_json *obj = NULL;
  gboolean ok = FALSE;
  if (!cli_json_parse(line, len, &obj, error))
    return FALSE;
  if (obj->type != CLI_JSON_OBJECT)
    *error = g_strdup("a JSON object expected");
  else if (cli_json_member(obj, "holder"))
    ok = gold_stance(gold, obj, where, error);
  else if (cli_json_member(obj, "label"))
    ok = gold_entity(gold, obj, where, error);
  else
    *error = g_strdup("neither an entity (no \"label\") nor a stance record (no \"holder\")");
  cli_json_free(obj);
  return ok;
}

static gboolean blank(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (!g_ascii_isspace(s[i]))
      return FALSE;
  return TRUE;
}

/* Reads a whole file; prints "PATH: error: why" on failure. */
static gboolean read_all(const char *path, GString *out) {
  FILE *f = fopen(path, "rb");
  char buf[1 << 14];
  size_t n;
  if (f) {
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
      g_string_append_len(out, buf, n);
    if (ferror(f)) {
      int saved = errno;
      fclose(f);
      errno = saved;
      f = NULL;
    } else {
      fclose(f);
      return TRUE;
    }
  }
  fprintf(stderr, "%s: error: %s\n", path, g_strerror(errno));
  return FALSE;
}

static gboolean gold_file(eval_set *gold, const char *path) {
  GString *data = g_string_new(NULL);
  gboolean ok = read_all(path, data);
  const char *p = data->str, *end = data->str + data->len;
  for (guint64 line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    size_t len = (size_t)(stop - p);
    if (len > 0 && p[len - 1] == '\r')
      len--;
    if (!blank(p, len)) {
      char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, path, line);
      char *error = NULL;
      if (!gold_line(gold, p, len, where, &error)) {
        fprintf(stderr, "%s: error: %s\n", where, error);
        ok = FALSE;
      }
      g_free(error);
      g_free(where);
    }
    p = nl ? nl + 1 : end;
  }
  g_string_free(data, TRUE);
  return ok;
}

static gint compare_names(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

gboolean eval_gold_load(eval_set *gold, const char *path) {
  if (!g_file_test(path, G_FILE_TEST_IS_DIR))
    return gold_file(gold, path);
  DIR *dir = opendir(path);
  if (!dir) {
    fprintf(stderr, "%s: error: %s\n", path, g_strerror(errno));
    return FALSE;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (struct dirent *d; (d = readdir(dir));)
    if (d->d_name[0] != '.' && g_str_has_suffix(d->d_name, ".jsonl"))
      g_ptr_array_add(names, g_build_filename(path, d->d_name, NULL));
  closedir(dir);
  g_ptr_array_sort(names, compare_names);
  gboolean ok = names->len > 0;
  if (!ok)
    fprintf(stderr, "%s: error: no *.jsonl gold files in this directory\n", path);
  for (guint i = 0; i < names->len; i++)
    ok = gold_file(gold, names->pdata[i]) && ok;
  g_ptr_array_free(names, TRUE);
  return ok;
}

/* ---- Predictions ------------------------------------------------------------------------- */

static gboolean pred_entity(eval_set *pred, const cli_json *obj, char **error) {
  eval_entity *e = g_new0(eval_entity, 1);
  if (!(get_string(obj, "doc", TRUE, &e->doc, error) &&
        get_offset(obj, "start", &e->start, error) && get_offset(obj, "end", &e->end, error) &&
        get_string(obj, "text", FALSE, &e->text, error) &&
        get_string(obj, "label", FALSE, &e->label, error) &&
        get_string(obj, "id", FALSE, &e->id, error))) {
    entity_free(e);
    return FALSE;
  }
  g_ptr_array_add(pred->entities, e);
  return TRUE;
}

/* The id of the holder or target object. */
static gboolean part_id(const cli_json *obj, const char *name, char **id, char **error) {
  const cli_json *part = cli_json_member(obj, name);
  if (!part || part->type != CLI_JSON_OBJECT)
    return bad(error, name, "an object expected");
  return get_string(part, "id", FALSE, id, error);
}

static gboolean pred_stance(eval_set *pred, const cli_json *obj, char **error) {
  eval_stance *s = g_new0(eval_stance, 1);
  const cli_json *sentence = cli_json_member(obj, "sentence");
  if (!(get_string(obj, "doc", TRUE, &s->doc, error) && part_id(obj, "holder", &s->holder, error) &&
        get_string(obj, "stance", TRUE, &s->stance, error) &&
        part_id(obj, "target", &s->target, error) &&
        get_string(obj, "rule", FALSE, &s->rule, error) &&
        get_offset(sentence, "start", &s->sentence_start, error) &&
        get_offset(sentence, "end", &s->sentence_end, error))) {
    stance_free(s);
    return FALSE;
  }
  g_ptr_array_add(pred->stances, s);
  return TRUE;
}

gboolean eval_predictions_parse(eval_set *pred, const char *jsonl, size_t len, char **error) {
  const char *p = jsonl, *end = jsonl + len;
  *error = NULL;
  for (guint64 line = 1; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    cli_json *obj = NULL;
    char *why = NULL, *type = NULL;
    gboolean ok = cli_json_parse(p, (size_t)(stop - p), &obj, &why) &&
                  get_string(obj, "type", TRUE, &type, &why) &&
                  (strcmp(type, "entity") == 0   ? pred_entity(pred, obj, &why)
                   : strcmp(type, "stance") == 0 ? pred_stance(pred, obj, &why)
                                                 : TRUE);
    g_free(type);
    cli_json_free(obj);
    if (!ok) {
      *error = g_strdup_printf("line %" G_GUINT64_FORMAT ": %s", line, why);
      g_free(why);
      return FALSE;
    }
    p = nl ? nl + 1 : end;
  }
  return TRUE;
}
