/* ast.c: constructors and destructors of the syntax tree (see ast.h for ownership). */
#include "ast.h"

#include <string.h>

static void symbol_free(gpointer data) {
  stg_symbol *sym = data;
  g_free(sym->name);
  if (sym->defs)
    g_ptr_array_unref(sym->defs);
  g_free(sym);
}

static void source_free(gpointer data) {
  stg_source *src = data;
  g_free(src->name);
  g_free(src->text);
  g_free(src);
}

static void def_free_cb(gpointer data) {
  stg_ast_def_free(data);
}

stg_ast *stg_ast_new(void) {
  stg_ast *ast = g_new0(stg_ast, 1);
  ast->sources = g_ptr_array_new_with_free_func(source_free);
  ast->defs = g_ptr_array_new_with_free_func(def_free_cb);
  ast->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, symbol_free);
  stg_arena_init(&ast->arena);
  return ast;
}

void stg_ast_free(stg_ast *ast) {
  if (!ast)
    return;
  g_ptr_array_unref(ast->defs);
  g_hash_table_unref(ast->symbols);
  g_ptr_array_unref(ast->sources);
  stg_arena_free(&ast->arena);
  g_free(ast);
}

static void value_clear(stg_value *v) {
  g_free(v->text);
  g_free(v->attr);
  v->text = v->attr = NULL;
}

static void attr_clear(gpointer data) {
  stg_attr *a = data;
  g_free(a->name);
  value_clear(&a->value);
}

static void constraint_clear(gpointer data) {
  stg_constraint *c = data;
  g_free(c->name);
  value_clear(&c->value);
}

GArray *stg_ast_attrs_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(stg_attr));
  g_array_set_clear_func(a, attr_clear);
  return a;
}

GArray *stg_ast_constraints_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(stg_constraint));
  g_array_set_clear_func(a, constraint_clear);
  return a;
}

static void word_item_clear(gpointer data) {
  stg_word_item *w = data;
  g_free(w->text);
}

GArray *stg_ast_words_new(void) {
  GArray *a = g_array_new(FALSE, TRUE, sizeof(stg_word_item));
  g_array_set_clear_func(a, word_item_clear);
  return a;
}

stg_pat *stg_ast_pat_new(stg_pat_kind kind, stg_loc loc) {
  stg_pat *p = g_new0(stg_pat, 1);
  p->kind = kind;
  p->loc = loc;
  return p;
}

/* Trees are at most STG_MAX_NESTING deep (the parser enforces it), so recursion is bounded. */
void stg_ast_pat_free(stg_pat *pat) {
  if (!pat)
    return;
  g_free(pat->text);
  if (pat->kids) {
    for (guint i = 0; i < pat->kids->len; i++)
      stg_ast_pat_free(g_ptr_array_index(pat->kids, i));
    g_ptr_array_unref(pat->kids);
  }
  if (pat->constraints)
    g_array_unref(pat->constraints);
  g_free(pat);
}

void stg_ast_pat_add(stg_pat *pat, stg_pat *kid) {
  if (!pat->kids)
    pat->kids = g_ptr_array_new();
  g_ptr_array_add(pat->kids, kid);
}

stg_entry *stg_ast_entry_new(stg_ast *ast, stg_loc loc, const stg_phrase *phrases, guint n_phrases,
                             const stg_attr *attrs, guint n_attrs) {
  stg_entry *e = stg_arena_alloc(&ast->arena, sizeof *e);
  e->phrases = stg_arena_alloc(&ast->arena, n_phrases * sizeof *phrases);
  if (n_phrases)
    memcpy(e->phrases, phrases, n_phrases * sizeof *phrases);
  e->attrs = n_attrs ? stg_arena_alloc(&ast->arena, n_attrs * sizeof *attrs) : NULL;
  if (n_attrs)
    memcpy(e->attrs, attrs, n_attrs * sizeof *attrs);
  e->n_phrases = n_phrases;
  e->n_attrs = n_attrs;
  e->loc = loc;
  return e;
}

static char *arena_take_str(stg_arena *a, char *s) {
  char *copy = stg_arena_strdup(a, s);
  g_free(s);
  return copy;
}

void stg_ast_attr_to_arena(stg_ast *ast, stg_attr *a) {
  a->name = arena_take_str(&ast->arena, a->name);
  a->value.text = arena_take_str(&ast->arena, a->value.text);
  a->value.attr = arena_take_str(&ast->arena, a->value.attr);
}

void stg_ast_span_alt_free(stg_span_alt *alt) {
  if (!alt)
    return;
  stg_ast_pat_free(alt->pat);
  if (alt->attrs)
    g_array_unref(alt->attrs);
  g_free(alt);
}

void stg_ast_antecedent_free(stg_antecedent *an) {
  if (!an)
    return;
  g_free(an->label);
  if (an->constraints)
    g_array_unref(an->constraints);
  g_free(an);
}

void stg_ast_action_free(stg_action *a) {
  if (!a)
    return;
  stg_ast_antecedent_free(a->holder_ante);
  stg_ast_antecedent_free(a->target_ante);
  g_free(a->holder);
  g_free(a->target);
  g_free(a->polarity_capture);
  g_free(a->label);
  g_free(a->capture);
  if (a->attrs)
    g_array_unref(a->attrs);
  g_free(a);
}

void stg_ast_expect_free(stg_expect *e) {
  if (!e)
    return;
  g_free(e->holder);
  g_free(e->stance);
  g_free(e->target);
  g_free(e->label);
  g_free(e->text);
  g_free(e);
}

stg_def *stg_ast_def_new(stg_def_kind kind, stg_loc loc) {
  stg_def *d = g_new0(stg_def, 1);
  d->kind = kind;
  d->loc = loc;
  return d;
}

void stg_ast_def_free(stg_def *def) {
  if (!def)
    return;
  g_free(def->name);
  if (def->entries) /* the entries themselves are the arena's */
    g_ptr_array_unref(def->entries);
  g_free(def->tsv_path);
  if (def->tsv_columns)
    g_ptr_array_unref(def->tsv_columns);
  if (def->words)
    g_array_unref(def->words);
  if (def->word_attrs)
    g_array_unref(def->word_attrs);
  if (def->expanded)
    g_ptr_array_unref(def->expanded);
  if (def->expanded_cs)
    g_array_unref(def->expanded_cs);
  if (def->expanded_loc)
    g_array_unref(def->expanded_loc);
  if (def->alts) {
    for (guint i = 0; i < def->alts->len; i++)
      stg_ast_span_alt_free(g_ptr_array_index(def->alts, i));
    g_ptr_array_unref(def->alts);
  }
  stg_ast_pat_free(def->pat);
  if (def->actions) {
    for (guint i = 0; i < def->actions->len; i++)
      stg_ast_action_free(g_ptr_array_index(def->actions, i));
    g_ptr_array_unref(def->actions);
  }
  g_free(def->test_text);
  if (def->expects) {
    for (guint i = 0; i < def->expects->len; i++)
      stg_ast_expect_free(g_ptr_array_index(def->expects, i));
    g_ptr_array_unref(def->expects);
  }
  g_free(def);
}

guint stg_ast_add_source(stg_ast *ast, const char *name, char *text, size_t len) {
  stg_source *src = g_new0(stg_source, 1);
  src->name = g_strdup(name);
  src->text = text;
  src->len = len;
  g_ptr_array_add(ast->sources, src);
  return ast->sources->len - 1;
}
