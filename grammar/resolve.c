/* resolve.c: name resolution and checks on the parsed tree.
 *
 * Binds every name to a symbol, expands word classes, checks captures, regexes and `!X`,
 * orders spans and rules into phases, and emits the warnings of doc/rules-language.md §5.
 * Pattern trees are at most a few hundred levels deep (the parser's limit), so the walks
 * below recurse. */
#include "resolve.h"
#include "ast-build.h"
#include "inflect.h"

#include <string.h>

typedef struct resolver {
  stg_ast *ast;
  stg_diags *d;
  GHashTable *first_loc; /* stg_symbol * -> stg_loc * (where it was first defined) */
  GPtrArray *sorted;     /* stg_symbol *, by name: deterministic suggestions */
} resolver;

#define ERR(loc, ...) stg_diag(r->d, r->ast, STANCETAG_SEVERITY_ERROR, (loc), __VA_ARGS__)
#define WARN(loc, ...) stg_diag(r->d, r->ast, STANCETAG_SEVERITY_WARNING, (loc), __VA_ARGS__)
#define NOTE(loc, ...) stg_diag(r->d, r->ast, STANCETAG_SEVERITY_NOTE, (loc), __VA_ARGS__)

static const char *kind_noun(stg_sym_kind k) {
  switch (k) {
  case STG_SYM_ENTITY:
    return "an entity label";
  case STG_SYM_WORDS:
    return "a word class";
  case STG_SYM_SPAN:
    return "a span";
  case STG_SYM_TAG:
    return "a tag label";
  default:
    return "a name";
  }
}

/* ---- suggestions ---- */

/* Optimal string alignment distance (Levenshtein with transpositions), ASCII case-insensitive.
 * Callers keep both strings short. */
guint stg_resolve_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  guint *prev2 = g_new0(guint, m + 1), *prev = g_new0(guint, m + 1), *cur = g_new0(guint, m + 1);
  for (size_t j = 0; j <= m; j++)
    prev[j] = (guint)j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = (guint)i;
    for (size_t j = 1; j <= m; j++) {
      char ca = g_ascii_tolower(a[i - 1]), cb = g_ascii_tolower(b[j - 1]);
      guint cost = ca != cb;
      guint v = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
      if (i > 1 && j > 1 && ca == g_ascii_tolower(b[j - 2]) && g_ascii_tolower(a[i - 2]) == cb)
        v = MIN(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    guint *t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  guint d = prev[m];
  g_free(prev2);
  g_free(prev);
  g_free(cur);
  return d;
}

/* The closest candidate: within distance max(2, len/3), and not a complete rewrite. Ties go to
 * the first candidate (callers pass them sorted). NULL if none is close. */
const char *stg_resolve_suggest(const char *name, const char *const *cands, guint n) {
  size_t len = strlen(name);
  if (len > 64)
    return NULL;
  guint limit = MAX(2u, (guint)len / 3), best_d = G_MAXUINT;
  const char *best = NULL;
  for (guint i = 0; i < n; i++) {
    size_t clen = strlen(cands[i]);
    if (clen > 64 || (clen > len ? clen - len : len - clen) > limit || strcmp(cands[i], name) == 0)
      continue;
    guint d = stg_resolve_distance(name, cands[i]);
    if (d <= limit && d < len && d < clen && d < best_d) {
      best_d = d;
      best = cands[i];
    }
  }
  return best;
}

static gint cmp_sym(gconstpointer a, gconstpointer b) {
  const stg_symbol *x = *(stg_symbol *const *)a, *y = *(stg_symbol *const *)b;
  return strcmp(x->name, y->name);
}

/* "; did you mean `X`?" or "", for names of the given kinds (mask of 1 << kind). */
static char *did_you_mean(resolver *r, const char *name, unsigned kinds) {
  GPtrArray *c = g_ptr_array_new();
  for (guint i = 0; i < r->sorted->len; i++) {
    stg_symbol *s = g_ptr_array_index(r->sorted, i);
    if (kinds & (1u << s->kind))
      g_ptr_array_add(c, s->name);
  }
  const char *best = stg_resolve_suggest(name, (const char *const *)c->pdata, c->len);
  char *out = best ? g_strdup_printf("; did you mean `%s`?", best) : g_strdup("");
  g_ptr_array_unref(c);
  return out;
}

#define ANY_KIND                                                                                   \
  ((1u << STG_SYM_ENTITY) | (1u << STG_SYM_WORDS) | (1u << STG_SYM_SPAN) | (1u << STG_SYM_TAG))
#define LABEL_KINDS ((1u << STG_SYM_ENTITY) | (1u << STG_SYM_SPAN) | (1u << STG_SYM_TAG))

static void undefined(resolver *r, stg_loc loc, const char *name, unsigned kinds) {
  char *hint = did_you_mean(r, name, kinds);
  ERR(loc, "undefined name `%s`%s", name, hint);
  g_free(hint);
}

/* ---- symbols ---- */

static stg_symbol *define(resolver *r, const char *name, stg_sym_kind kind, stg_def *def,
                          stg_loc loc) {
  stg_symbol *sym = g_hash_table_lookup(r->ast->symbols, name);
  if (!sym) {
    sym = g_new0(stg_symbol, 1);
    sym->name = g_strdup(name);
    sym->kind = kind;
    sym->defs = g_ptr_array_new();
    g_hash_table_insert(r->ast->symbols, sym->name, sym);
    stg_loc *first = g_new(stg_loc, 1);
    *first = loc;
    g_hash_table_insert(r->first_loc, sym, first);
  } else if (sym->kind == STG_SYM_ENTITY && kind == STG_SYM_TAG) {
    /* `tag PERSON(p)`: rules may add to an entity label (people found by patterns are
     * PERSON entities like the listed ones); the rule joins the label's definitions. */
  } else if (sym->kind != kind) {
    ERR(loc, "`%s` is defined both as %s and as %s", name, kind_noun(sym->kind), kind_noun(kind));
    NOTE(*(stg_loc *)g_hash_table_lookup(r->first_loc, sym), "`%s` is first defined here", name);
    return NULL;
  } else if (kind == STG_SYM_WORDS || kind == STG_SYM_SPAN) {
    ERR(loc, "%s `%s` is defined twice", kind == STG_SYM_WORDS ? "word class" : "span", name);
    NOTE(*(stg_loc *)g_hash_table_lookup(r->first_loc, sym), "`%s` is first defined here", name);
    return NULL;
  }
  if (def && (sym->defs->len == 0 || g_ptr_array_index(sym->defs, sym->defs->len - 1) != def))
    g_ptr_array_add(sym->defs, def);
  return sym;
}

static void define_all(resolver *r) {
  GHashTable *rules = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < r->ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(r->ast->defs, i);
    switch (def->kind) {
    case STG_DEF_ENTITY:
      def->sym = define(r, def->name, STG_SYM_ENTITY, def, def->name_loc);
      break;
    case STG_DEF_WORDS:
      def->sym = define(r, def->name, STG_SYM_WORDS, def, def->name_loc);
      break;
    case STG_DEF_SPAN:
      def->sym = define(r, def->name, STG_SYM_SPAN, def, def->name_loc);
      break;
    case STG_DEF_RULE: {
      stg_def *first = g_hash_table_lookup(rules, def->name);
      if (first) {
        ERR(def->name_loc, "rule `%s` is defined twice", def->name);
        NOTE(first->name_loc, "`%s` is first defined here", def->name);
      } else {
        g_hash_table_insert(rules, def->name, def);
      }
      break;
    }
    default:
      break;
    }
  }
  g_hash_table_unref(rules);
  /* Tag labels after the definitions, so a clash is reported at the `tag`. */
  for (guint i = 0; i < r->ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(r->ast->defs, i);
    if (def->kind != STG_DEF_RULE || !def->actions)
      continue;
    for (guint j = 0; j < def->actions->len; j++) {
      stg_action *a = g_ptr_array_index(def->actions, j);
      if (a->kind == STG_ACT_TAG)
        a->sym = define(r, a->label, STG_SYM_TAG, def, a->loc);
    }
  }
  GHashTableIter it;
  gpointer v;
  r->sorted = g_ptr_array_new();
  g_hash_table_iter_init(&it, r->ast->symbols);
  while (g_hash_table_iter_next(&it, NULL, &v))
    g_ptr_array_add(r->sorted, v);
  g_ptr_array_sort(r->sorted, cmp_sym);
  guint next[STG_SYM_TAG + 1] = {0};
  for (guint i = 0; i < r->sorted->len; i++) {
    stg_symbol *s = g_ptr_array_index(r->sorted, i);
    s->index = next[s->kind]++;
  }
}

/* ---- patterns ---- */

typedef struct walker {
  resolver *r;
  GHashTable *captures; /* name -> stg_pat * (first capture of that name) */
} walker;

static gboolean one_token(const stg_pat *p) {
  switch (p->kind) {
  case STG_PAT_LIT:
    return strpbrk(p->text, " \t\n") == NULL;
  case STG_PAT_REGEX:
  case STG_PAT_SHAPE:
  case STG_PAT_ANY:
  case STG_PAT_NOT:
    return TRUE;
  case STG_PAT_REF:
    return !p->sym || p->sym->kind == STG_SYM_WORDS;
  case STG_PAT_CAPTURE:
    return one_token(g_ptr_array_index(p->kids, 0));
  case STG_PAT_ALT:
  case STG_PAT_SEQ:
    if (p->kind == STG_PAT_SEQ && p->kids->len != 1)
      return FALSE;
    for (guint i = 0; i < p->kids->len; i++)
      if (!one_token(g_ptr_array_index(p->kids, i)))
        return FALSE;
    return TRUE;
  default:
    return FALSE;
  }
}

static void walk(walker *w, stg_pat *p) {
  resolver *r = w->r;
  switch (p->kind) {
  case STG_PAT_REF: {
    stg_symbol *sym = g_hash_table_lookup(r->ast->symbols, p->text);
    if (!sym) {
      undefined(r, p->loc, p->text, ANY_KIND);
      break;
    }
    p->sym = sym;
    sym->uses++;
    if (p->constraints && sym->kind == STG_SYM_WORDS)
      ERR(p->loc,
          "`%s` is a word class: attribute constraints apply to entity, span and tag "
          "labels",
          p->text);
    break;
  }
  case STG_PAT_REGEX: {
    GError *err = NULL;
    GRegex *re = g_regex_new(p->text, p->icase ? G_REGEX_CASELESS : 0, 0, &err);
    if (re) {
      g_regex_unref(re);
    } else {
      /* GRegex says "Error while compiling regular expression ‘...’ at char N: why"; point
       * at character N of the regex instead of repeating it. */
      const char *at = strstr(err->message, " at char ");
      const char *why = at ? strstr(at, ": ") : NULL;
      stg_loc loc = p->loc;
      if (why) {
        guint64 n = g_ascii_strtoull(at + 9, NULL, 10);
        if (n < (guint64)(p->loc.end - p->loc.start)) {
          loc.start = p->loc.start + 1 + (uint32_t)n;
          loc.end = loc.start + 1;
        }
        ERR(loc, "invalid regex: %s", why + 2);
      } else {
        ERR(loc, "invalid regex: %s", err->message);
      }
    }
    g_clear_error(&err);
    break;
  }
  case STG_PAT_CAPTURE:
    if (w->captures && !g_hash_table_contains(w->captures, p->text))
      g_hash_table_insert(w->captures, p->text, p);
    break;
  default:
    break;
  }
  for (guint i = 0; p->kids && i < p->kids->len; i++)
    walk(w, g_ptr_array_index(p->kids, i));
  if (p->kind == STG_PAT_NOT) {
    stg_pat *kid = g_ptr_array_index(p->kids, 0);
    if (kid->kind == STG_PAT_REF && kid->sym && !one_token(kid))
      ERR(p->loc,
          "`!` needs a one-token element, but `%s` is %s, which can cover several "
          "tokens",
          kid->text, kind_noun(kid->sym->kind));
    else if (!one_token(kid))
      ERR(p->loc, "`!` needs a one-token element (a word, word class, regex, shape or `_`)");
  }
}

/* Functions, not MIN/MAX: those macros evaluate a recursive call twice (exponential time). */
static guint max_u(guint a, guint b) {
  return a > b ? a : b;
}

static guint64 min_len(const stg_pat *p);

static guint64 min_len_of(const stg_pat *p, guint i) {
  return min_len(g_ptr_array_index(p->kids, i));
}

/* Fewest tokens a pattern can match (saturating). */
static guint64 min_len(const stg_pat *p) {
  guint64 n = 0;
  switch (p->kind) {
  case STG_PAT_BOS:
  case STG_PAT_EOS:
  case STG_PAT_LOOK:
    return 0;
  case STG_PAT_CAPTURE:
    return min_len(g_ptr_array_index(p->kids, 0));
  case STG_PAT_SEQ:
    for (guint i = 0; p->kids && i < p->kids->len; i++)
      n += min_len(g_ptr_array_index(p->kids, i));
    return MIN(n, G_MAXUINT32);
  case STG_PAT_ALT:
    n = G_MAXUINT32;
    for (guint i = 0; i < p->kids->len; i++)
      n = MIN(n, min_len_of(p, i));
    return n;
  case STG_PAT_REPEAT:
    n = p->min * min_len_of(p, 0);
    return MIN(n, G_MAXUINT32);
  default:
    return 1;
  }
}

/* Why a pattern can never match, or NULL. Looks at sequences only: `$` before a token, a token
 * before `^`, and `!_`. */
static const char *never_reason(const stg_pat *p, stg_loc *where) {
  if (p->kind == STG_PAT_NOT && ((stg_pat *)g_ptr_array_index(p->kids, 0))->kind == STG_PAT_ANY) {
    *where = p->loc;
    return "`!_` matches no token";
  }
  if (p->kind == STG_PAT_SEQ) {
    gboolean ended = FALSE, consumed = FALSE;
    for (guint i = 0; i < p->kids->len; i++) {
      const stg_pat *k = g_ptr_array_index(p->kids, i);
      guint64 n = min_len(k);
      if (ended && n > 0) {
        *where = k->loc;
        return "`$` (end of sentence) is followed by a token";
      }
      if (k->kind == STG_PAT_BOS && consumed) {
        *where = k->loc;
        return "`^` (start of sentence) comes after a token";
      }
      ended = ended || k->kind == STG_PAT_EOS;
      consumed = consumed || n > 0;
    }
  }
  if (p->kind == STG_PAT_ALT) {
    /* Every alternative must be impossible. */
    const char *why = NULL;
    for (guint i = 0; i < p->kids->len; i++)
      if (!(why = never_reason(g_ptr_array_index(p->kids, i), where)))
        return NULL;
    return why;
  }
  for (guint i = 0; p->kids && i < p->kids->len; i++) {
    const stg_pat *k = g_ptr_array_index(p->kids, i);
    if (p->kind == STG_PAT_REPEAT && p->min == 0)
      break; /* an optional impossible part does not make the whole impossible */
    if (p->kind == STG_PAT_LOOK && p->negated)
      break;
    const char *why = never_reason(k, where);
    if (why)
      return why;
  }
  return NULL;
}

static void gap_warnings(resolver *r, const stg_pat *p) {
  if (p->kind == STG_PAT_REPEAT && p->max == STG_REPEAT_INF &&
      ((stg_pat *)g_ptr_array_index(p->kids, 0))->kind == STG_PAT_ANY) {
    const stg_source *src = g_ptr_array_index(r->ast->sources, p->loc.file);
    WARN(p->loc,
         "unbounded gap `%.*s`: it can cover the whole sentence; give it a bound such "
         "as `_{0,10}`",
         (int)(p->loc.end - p->loc.start), src->text + p->loc.start);
  }
  for (guint i = 0; p->kids && i < p->kids->len; i++)
    gap_warnings(r, g_ptr_array_index(p->kids, i));
}

static void pattern_warnings(resolver *r, const stg_pat *p, const char *what, const char *name) {
  stg_loc where;
  const char *why = never_reason(p, &where);
  if (why)
    WARN(where, "%s `%s` can never match: %s", what, name, why);
  else if (min_len(p) == 0)
    WARN(p->loc, "%s `%s` can match the empty sequence", what, name);
  gap_warnings(r, p);
}

/* capture.attribute values are only meaningful where there are captures. */
static void no_capattr_n(resolver *r, const stg_attr *attrs, guint n) {
  for (guint i = 0; i < n; i++) {
    const stg_attr *a = &attrs[i];
    if (a->value.kind == STG_VAL_CAPATTR)
      ERR(a->value.loc, "`%s.%s`: capture attributes can only be used in rule actions",
          a->value.text, a->value.attr);
  }
}

static void no_capattr(resolver *r, GArray *attrs) {
  if (attrs)
    no_capattr_n(r, (const stg_attr *)(void *)attrs->data, attrs->len);
}

static void check_capture(resolver *r, walker *w, const char *name, stg_loc loc, const char *role) {
  if (!name || g_hash_table_contains(w->captures, name))
    return;
  GList *keys = g_hash_table_get_keys(w->captures);
  keys = g_list_sort(keys, (GCompareFunc)strcmp);
  GPtrArray *c = g_ptr_array_new();
  for (GList *l = keys; l; l = l->next)
    g_ptr_array_add(c, l->data);
  const char *best = stg_resolve_suggest(name, (const char *const *)c->pdata, c->len);
  if (best)
    ERR(loc, "unknown capture `%s`%s; did you mean `%s`?", name, role, best);
  else if (c->len == 0)
    ERR(loc, "unknown capture `%s`%s; the pattern has no captures (write `%s:ELEMENT`)", name, role,
        name);
  else
    ERR(loc, "unknown capture `%s`%s", name, role);
  g_ptr_array_unref(c);
  g_list_free(keys);
}

static void check_attr_captures(resolver *r, walker *w, GArray *attrs) {
  for (guint i = 0; attrs && i < attrs->len; i++) {
    stg_attr *a = &g_array_index(attrs, stg_attr, i);
    if (a->value.kind == STG_VAL_CAPATTR)
      check_capture(r, w, a->value.text, a->value.loc, "");
  }
}

/* The label of antecedent(capture, LABEL): an entity, span or tag label. */
static void check_antecedent(resolver *r, stg_antecedent *an) {
  if (!an)
    return;
  stg_symbol *sym = g_hash_table_lookup(r->ast->symbols, an->label);
  if (!sym) {
    undefined(r, an->label_loc, an->label, LABEL_KINDS);
  } else if (sym->kind == STG_SYM_WORDS) {
    ERR(an->label_loc, "`%s` is a word class: `antecedent` needs an entity, span or tag label",
        an->label);
  } else {
    an->sym = sym;
    sym->uses++;
  }
}

static void check_rule(resolver *r, stg_def *def) {
  walker w = {r, g_hash_table_new(g_str_hash, g_str_equal)};
  walk(&w, def->pat);
  for (guint i = 0; def->actions && i < def->actions->len; i++) {
    stg_action *a = g_ptr_array_index(def->actions, i);
    if (a->kind == STG_ACT_STANCE) {
      check_capture(r, &w, a->holder, a->holder_loc, " for the holder");
      check_capture(r, &w, a->polarity_capture, a->polarity_loc, " for the polarity");
      check_capture(r, &w, a->target, a->target_loc, " for the target");
      check_antecedent(r, a->holder_ante);
      check_antecedent(r, a->target_ante);
    } else {
      check_capture(r, &w, a->capture, a->capture_loc, "");
    }
    check_attr_captures(r, &w, a->attrs);
  }
  pattern_warnings(r, def->pat, "rule", def->name);
  g_hash_table_unref(w.captures);
}

static void check_span(resolver *r, stg_def *def) {
  for (guint i = 0; i < def->alts->len; i++) {
    stg_span_alt *alt = g_ptr_array_index(def->alts, i);
    walker w = {r, NULL};
    walk(&w, alt->pat);
    no_capattr(r, alt->attrs);
    pattern_warnings(r, alt->pat, "span", def->name);
  }
}

/* ---- word classes ---- */

static void add_member(stg_def *def, GHashTable *seen, const char *text, gboolean cs,
                       stg_loc loc) {
  char *key = g_strdup_printf("%c%s", cs ? 'c' : 'i', text);
  if (!g_hash_table_add(seen, key))
    return;
  g_ptr_array_add(def->expanded, g_strdup(text));
  g_array_append_val(def->expanded_cs, cs);
  g_array_append_val(def->expanded_loc, loc);
}

/* Expands def (and the classes it includes, first). `stack` holds the classes being expanded,
 * to report inclusion cycles. */
static void expand_words(resolver *r, stg_def *def, GPtrArray *stack) {
  if (def->expanded)
    return;
  for (guint i = 0; i < stack->len; i++)
    if (g_ptr_array_index(stack, i) == def) {
      GString *chain = g_string_new(NULL);
      for (guint j = i; j < stack->len; j++)
        g_string_append_printf(chain, "%s -> ", ((stg_def *)g_ptr_array_index(stack, j))->name);
      g_string_append(chain, def->name);
      ERR(def->name_loc, "word classes include each other in a cycle: %s", chain->str);
      g_string_free(chain, TRUE);
      return;
    }
  g_ptr_array_add(stack, def);
  GPtrArray *forms = g_ptr_array_new_with_free_func(g_free);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *expanded = g_ptr_array_new_with_free_func(g_free);
  GArray *expanded_cs = g_array_new(FALSE, FALSE, sizeof(gboolean));
  GArray *expanded_loc = g_array_new(FALSE, FALSE, sizeof(stg_loc));
  stg_def tmp = {0};
  tmp.expanded = expanded;
  tmp.expanded_cs = expanded_cs;
  tmp.expanded_loc = expanded_loc;
  for (guint i = 0; i < def->words->len; i++) {
    stg_word_item *w = &g_array_index(def->words, stg_word_item, i);
    switch (w->kind) {
    case STG_WORD_LIT:
      add_member(&tmp, seen, w->text, w->case_sensitive, w->loc);
      break;
    case STG_WORD_VERB:
    case STG_WORD_NOUN:
      g_ptr_array_set_size(forms, 0);
      if (w->kind == STG_WORD_VERB)
        stg_inflect_verb(w->text, forms);
      else
        stg_inflect_noun(w->text, forms);
      for (guint j = 0; j < forms->len; j++)
        add_member(&tmp, seen, g_ptr_array_index(forms, j), w->case_sensitive, w->loc);
      break;
    case STG_WORD_REF:
      if (w->sym && w->sym->kind == STG_SYM_WORDS && w->sym->defs->len > 0) {
        stg_def *inc = g_ptr_array_index(w->sym->defs, 0);
        expand_words(r, inc, stack);
        for (guint j = 0; inc->expanded && j < inc->expanded->len; j++)
          add_member(&tmp, seen, g_ptr_array_index(inc->expanded, j),
                     g_array_index(inc->expanded_cs, gboolean, j), w->loc);
      }
      break;
    }
  }
  g_ptr_array_set_size(stack, stack->len - 1);
  def->expanded = expanded;
  def->expanded_cs = expanded_cs;
  def->expanded_loc = expanded_loc;
  g_hash_table_unref(seen);
  g_ptr_array_unref(forms);
}

static void check_words(resolver *r, stg_def *def) {
  for (guint i = 0; i < def->words->len; i++) {
    stg_word_item *w = &g_array_index(def->words, stg_word_item, i);
    if (w->kind != STG_WORD_REF)
      continue;
    stg_symbol *sym = g_hash_table_lookup(r->ast->symbols, w->text);
    if (!sym) {
      undefined(r, w->loc, w->text, 1u << STG_SYM_WORDS);
    } else if (sym->kind != STG_SYM_WORDS) {
      ERR(w->loc, "`%s` is %s, but a word class can only include words and other word classes",
          w->text, kind_noun(sym->kind));
    } else {
      w->sym = sym;
      sym->uses++;
    }
  }
  no_capattr(r, def->word_attrs);
}

/* ---- gazetteers ---- */

static const char *entry_id(const stg_entry *e) {
  for (guint i = 0; i < e->n_attrs; i++) {
    const stg_attr *a = &e->attrs[i];
    if (!a->name || strcmp(a->name, "id") == 0)
      return a->value.text;
  }
  return e->n_phrases ? e->phrases[0].text : "";
}

/* The key of a phrase for duplicate_phrases: "c" + text, or "i" + its Unicode case folding
 * (g_utf8_casefold; ASCII text folds byte by byte, with the same result). */
static const char *phrase_key(GString *buf, const stg_phrase *ph) {
  g_string_truncate(buf, 0);
  g_string_append_c(buf, ph->case_sensitive ? 'c' : 'i');
  if (ph->case_sensitive) {
    g_string_append(buf, ph->text);
    return buf->str;
  }
  const unsigned char *t = (const unsigned char *)ph->text;
  size_t n = 0;
  while (t[n] && t[n] < 0x80)
    n++;
  if (t[n] == '\0') {
    g_string_set_size(buf, n + 1);
    for (size_t i = 0; i < n; i++)
      buf->str[i + 1] = g_ascii_tolower((char)t[i]);
  } else {
    char *folded = g_utf8_casefold(ph->text, -1);
    g_string_append(buf, folded);
    g_free(folded);
  }
  return buf->str;
}

/* The same phrase twice in one label with different ids: the match would be ambiguous. */
static void duplicate_phrases(resolver *r, stg_symbol *sym) {
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  GStringChunk *keys = g_string_chunk_new(4096);
  GString *buf = g_string_sized_new(64);
  for (guint i = 0; i < sym->defs->len; i++) {
    stg_def *def = g_ptr_array_index(sym->defs, i);
    for (guint j = 0; def->entries && j < def->entries->len; j++) {
      stg_entry *e = g_ptr_array_index(def->entries, j);
      const char *id = entry_id(e);
      no_capattr_n(r, e->attrs, e->n_attrs);
      for (guint k = 0; k < e->n_phrases; k++) {
        const stg_phrase *ph = &e->phrases[k];
        const char *key = phrase_key(buf, ph);
        const char *prev = g_hash_table_lookup(seen, key);
        if (prev && strcmp(prev, id) != 0)
          WARN(ph->loc,
               "phrase \"%s\" is listed twice in `%s` with different ids (`%s` and "
               "`%s`)",
               ph->text, sym->name, prev, id);
        if (!prev)
          g_hash_table_insert(seen, g_string_chunk_insert_len(keys, key, (gssize)buf->len),
                              (gpointer)id);
      }
    }
  }
  g_string_free(buf, TRUE);
  g_string_chunk_free(keys);
  g_hash_table_unref(seen);
}

/* ---- phases ---- */

typedef struct phaser {
  resolver *r;
  GHashTable *state; /* node (stg_symbol * or stg_def *) -> 1 visiting / 2 done */
  GPtrArray *stack;  /* names of the nodes being visited, for the cycle message */
  GPtrArray *stack_nodes;
  gboolean cycle;
} phaser;

static guint rule_phase(phaser *ph, stg_def *rule);
static guint span_phase(phaser *ph, stg_symbol *sym);

/* The phase after which annotations of `sym` exist. */
static guint level(phaser *ph, stg_symbol *sym) {
  switch (sym->kind) {
  case STG_SYM_SPAN:
    return span_phase(ph, sym);
  case STG_SYM_TAG: {
    guint lv = 0;
    for (guint i = 0; i < sym->defs->len; i++)
      lv = max_u(lv, rule_phase(ph, g_ptr_array_index(sym->defs, i)));
    sym->phase = lv;
    return lv;
  }
  case STG_SYM_ENTITY: {
    /* Gazetteer entries exist from the start; rules that tag into the label add to it in
     * their phase. A producing rule that itself refers to the label (`(?! PERSON)`: do not
     * re-tag a listed person) sees the annotations of earlier phases: no cycle. */
    guint lv = 0;
    for (guint i = 0; i < sym->defs->len; i++) {
      stg_def *d = g_ptr_array_index(sym->defs, i);
      if (d->kind == STG_DEF_RULE && GPOINTER_TO_INT(g_hash_table_lookup(ph->state, d)) != 1)
        lv = max_u(lv, rule_phase(ph, d));
    }
    return lv;
  }
  default:
    return 0;
  }
}

static guint refs_level(phaser *ph, const stg_pat *p) {
  guint lv = 0;
  if (p->kind == STG_PAT_REF && p->sym)
    lv = level(ph, p->sym);
  for (guint i = 0; p->kids && i < p->kids->len; i++)
    lv = max_u(lv, refs_level(ph, g_ptr_array_index(p->kids, i)));
  return lv;
}

/* Enters a node; FALSE (and reports the cycle once) if it is already being visited. */
static gboolean enter(phaser *ph, gpointer node, char *desc, stg_loc loc) {
  int st = GPOINTER_TO_INT(g_hash_table_lookup(ph->state, node));
  if (st == 1) {
    if (!ph->cycle) {
      resolver *r = ph->r;
      GString *chain = g_string_new(NULL);
      guint from = 0;
      for (guint i = 0; i < ph->stack_nodes->len; i++)
        if (g_ptr_array_index(ph->stack_nodes, i) == node)
          from = i;
      for (guint i = from; i < ph->stack->len; i++)
        g_string_append_printf(chain, "%s -> ", (char *)g_ptr_array_index(ph->stack, i));
      g_string_append(chain, desc);
      ERR(loc, "phase cycle: %s", chain->str);
      g_string_free(chain, TRUE);
    }
    ph->cycle = TRUE;
    g_free(desc);
    return FALSE;
  }
  g_hash_table_insert(ph->state, node, GINT_TO_POINTER(1));
  g_ptr_array_add(ph->stack, desc);
  g_ptr_array_add(ph->stack_nodes, node);
  return TRUE;
}

static void leave(phaser *ph, gpointer node) {
  g_hash_table_insert(ph->state, node, GINT_TO_POINTER(2));
  g_ptr_array_set_size(ph->stack, ph->stack->len - 1);
  g_ptr_array_set_size(ph->stack_nodes, ph->stack_nodes->len - 1);
}

static guint span_phase(phaser *ph, stg_symbol *sym) {
  if (GPOINTER_TO_INT(g_hash_table_lookup(ph->state, sym)) == 2)
    return sym->phase;
  stg_def *def = g_ptr_array_index(sym->defs, 0);
  if (!enter(ph, sym, g_strdup_printf("span `%s`", sym->name), def->name_loc))
    return 1;
  guint lv = 0;
  for (guint i = 0; i < def->alts->len; i++)
    lv = max_u(lv, refs_level(ph, ((stg_span_alt *)g_ptr_array_index(def->alts, i))->pat));
  sym->phase = def->phase = lv + 1;
  leave(ph, sym);
  return sym->phase;
}

static guint rule_phase(phaser *ph, stg_def *rule) {
  if (GPOINTER_TO_INT(g_hash_table_lookup(ph->state, rule)) == 2)
    return rule->phase;
  if (!enter(ph, rule, g_strdup_printf("rule `%s`", rule->name), rule->name_loc))
    return 1;
  guint lv = refs_level(ph, rule->pat);
  /* An antecedent is looked up when the rule's actions run: its label must exist by then. */
  for (guint i = 0; rule->actions && i < rule->actions->len; i++) {
    stg_action *a = g_ptr_array_index(rule->actions, i);
    if (a->holder_ante && a->holder_ante->sym)
      lv = max_u(lv, level(ph, a->holder_ante->sym));
    if (a->target_ante && a->target_ante->sym)
      lv = max_u(lv, level(ph, a->target_ante->sym));
  }
  rule->phase = lv + 1;
  leave(ph, rule);
  return rule->phase;
}

static void phases(resolver *r) {
  phaser ph = {r, g_hash_table_new(NULL, NULL), g_ptr_array_new_with_free_func(g_free),
               g_ptr_array_new(), FALSE};
  r->ast->n_phases = 0;
  for (guint i = 0; i < r->ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(r->ast->defs, i);
    guint p = 0;
    ph.cycle = FALSE;
    if (def->kind == STG_DEF_SPAN && def->sym && g_ptr_array_index(def->sym->defs, 0) == def)
      p = span_phase(&ph, def->sym);
    else if (def->kind == STG_DEF_RULE)
      p = rule_phase(&ph, def);
    r->ast->n_phases = MAX(r->ast->n_phases, p);
  }
  /* Tag labels: the phase of their last producer. */
  for (guint i = 0; i < r->sorted->len; i++) {
    stg_symbol *s = g_ptr_array_index(r->sorted, i);
    if (s->kind == STG_SYM_TAG)
      level(&ph, s);
  }
  g_hash_table_unref(ph.state);
  g_ptr_array_unref(ph.stack);
  g_ptr_array_unref(ph.stack_nodes);
}

/* ---- driver ---- */

static void check_tests(resolver *r, stg_def *def) {
  for (guint i = 0; i < def->expects->len; i++) {
    stg_expect *e = g_ptr_array_index(def->expects, i);
    if (e->kind != STG_EXPECT_ANNOTATION)
      continue;
    stg_symbol *sym = g_hash_table_lookup(r->ast->symbols, e->label);
    if (!sym)
      undefined(r, e->loc, e->label, LABEL_KINDS);
    else if (sym->kind == STG_SYM_WORDS)
      ERR(e->loc, "`%s` is a word class, not an annotation label", e->label);
    else
      sym->uses++;
  }
}

void stg_resolve(stg_ast *ast, stg_diags *d) {
  resolver rs = {ast, d, g_hash_table_new_full(NULL, NULL, NULL, g_free), NULL};
  resolver *r = &rs;
  define_all(r);
  for (guint i = 0; i < ast->defs->len && !stg_diags_full(d); i++) {
    stg_def *def = g_ptr_array_index(ast->defs, i);
    switch (def->kind) {
    case STG_DEF_WORDS:
      check_words(r, def);
      break;
    case STG_DEF_SPAN:
      check_span(r, def);
      break;
    case STG_DEF_RULE:
      check_rule(r, def);
      break;
    case STG_DEF_TEST:
      check_tests(r, def);
      break;
    default:
      break;
    }
  }
  GPtrArray *stack = g_ptr_array_new();
  for (guint i = 0; i < ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(ast->defs, i);
    if (def->kind == STG_DEF_WORDS)
      expand_words(r, def, stack);
  }
  g_ptr_array_unref(stack);
  for (guint i = 0; i < r->sorted->len; i++) {
    stg_symbol *s = g_ptr_array_index(r->sorted, i);
    if (s->kind == STG_SYM_ENTITY)
      duplicate_phrases(r, s);
  }
  phases(r);
  /* Unused word classes of the root file, in source order. Spans and entities are never
   * unused: their annotations are output. An imported lexicon offers classes to use, so its
   * unused ones are not warned about. */
  for (guint i = 0; i < ast->defs->len; i++) {
    stg_def *def = g_ptr_array_index(ast->defs, i);
    if (def->kind == STG_DEF_WORDS && def->sym && def->sym->uses == 0 && def->name_loc.file == 0 &&
        g_ptr_array_index(def->sym->defs, 0) == def)
      WARN(def->name_loc, "word class `%s` is never used", def->name);
  }
  g_ptr_array_unref(r->sorted);
  g_hash_table_unref(r->first_loc);
}
