/* compile.c: resolved syntax tree -> program (program.h).
 *
 * Literals become word ids (folded keys interned once), gazetteer phrases a trie over word
 * ids, word classes per-word membership lists, patterns Thompson NFA code for vm.c, and every
 * rule gets trigger entries (the words, classes or labels that can start a match) so the
 * scanner only tries rules where they can start.
 */
#include "compile.h"

#include <string.h>

#include "fold.h"
#include "program.h"
#include "tokenize.h"

#define MAX_CODE (4u * 1024 * 1024) /* instructions per program: bounds memory on huge repeats */

/* Open-addressing set of strings kept in the builder's string table: a slot holds a nonzero
 * value that leads to its string (see builder), with the string's hash beside it. */
typedef struct strtab {
  uint32_t *val, *hash;
  size_t cap, n; /* cap: a power of two */
} strtab;

typedef struct builder {
  const stg_ast *ast;
  stg_diags *d;
  GString *str;
  strtab strmap;       /* string -> offset + 1 (the key is str + offset) */
  strtab wordmap;      /* folded key -> word id (the key is str + word_key[id]) */
  GArray *word_key;    /* u32 per word id */
  GArray *mem_pairs;   /* (word, member) pairs, sorted later */
  GArray *classes, *labels, *attrs, *cons, *entities, *regexes, *code, *preds, *rules;
  GArray *capnames, *actions, *tests, *expects;
  GHashTable *class_of; /* stg_symbol * -> class index + 1 */
  GHashTable *label_of; /* stg_symbol * -> label index + 1 */
  GHashTable *regex_of; /* "i/source" -> regex index + 1 */
  /* gazetteer trie under construction */
  uint64_t *tkey;     /* open addressing: (node << 32 | word) per slot */
  uint32_t *tval;     /* child node per slot; 0 = empty (the root is never a child) */
  size_t tcap;        /* slots, a power of two */
  GArray *tparent;    /* (parent, word) per node (index = node; node 0 unused) */
  GArray *tpay;       /* (node, entity) pairs, entities ascending */
  uint32_t n_tnodes;
  /* per rule */
  GPtrArray *caps; /* capture names of the rule being compiled */
  stg_tokens toks;
  GString *fold;
  gboolean too_big;
} builder;

typedef stg_pair pair;

static void strtab_grow(strtab *t) {
  size_t cap = t->cap ? t->cap * 2 : 1024, mask = cap - 1;
  uint32_t *val = g_new0(uint32_t, cap), *hash = g_new(uint32_t, cap);
  for (size_t i = 0; i < t->cap; i++) {
    if (!t->val[i])
      continue;
    size_t j = t->hash[i] & mask;
    while (val[j])
      j = (j + 1) & mask;
    val[j] = t->val[i];
    hash[j] = t->hash[i];
  }
  g_free(t->val);
  g_free(t->hash);
  t->val = val;
  t->hash = hash;
  t->cap = cap;
}

/* The slot of s[0..len) in t (empty if absent, then filled by the caller with strtab_set).
 * `keys` maps a slot value to its string's offset (NULL: the value is offset + 1). */
static size_t strtab_find(const builder *b, strtab *t, const uint32_t *keys, const char *s,
                          size_t len, uint32_t h) {
  if ((t->n + 1) * 2 > t->cap)
    strtab_grow(t);
  size_t mask = t->cap - 1, j = h & mask;
  for (; t->val[j]; j = (j + 1) & mask) {
    if (t->hash[j] != h)
      continue;
    const char *k = b->str->str + (keys ? keys[t->val[j]] : t->val[j] - 1);
    if (memcmp(k, s, len) == 0 && k[len] == '\0')
      return j;
  }
  return j;
}

static void strtab_set(strtab *t, size_t j, uint32_t v, uint32_t h) {
  t->val[j] = v;
  t->hash[j] = h;
  t->n++;
}

static void strtab_clear(strtab *t) {
  g_free(t->val);
  g_free(t->hash);
}

static uint32_t intern_len(builder *b, const char *s, size_t len, uint32_t h) {
  size_t j = strtab_find(b, &b->strmap, NULL, s, len, h);
  if (b->strmap.val[j])
    return b->strmap.val[j] - 1;
  uint32_t off = (uint32_t)b->str->len;
  g_string_append_len(b->str, s, (gssize)len);
  g_string_append_c(b->str, '\0');
  strtab_set(&b->strmap, j, off + 1, h);
  return off;
}

static uint32_t intern(builder *b, const char *s) {
  size_t len = strlen(s);
  return intern_len(b, s, len, (uint32_t)stg_hash(s, len));
}

static uint32_t word_id_of_key(builder *b, const char *key) {
  size_t len = strlen(key);
  uint32_t h = (uint32_t)stg_hash(key, len);
  const uint32_t *keys = (const uint32_t *)(void *)b->word_key->data;
  size_t j = strtab_find(b, &b->wordmap, keys, key, len, h);
  if (b->wordmap.val[j])
    return b->wordmap.val[j];
  uint32_t off = intern_len(b, key, len, h);
  g_array_append_val(b->word_key, off);
  uint32_t id = b->word_key->len - 1;
  strtab_set(&b->wordmap, j, id, h);
  return id;
}

static const char *fold_token(builder *b, const char *text, size_t len) {
  int ascii = 1;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)text[i] >= 0x80)
      ascii = 0;
  size_t need = stg_fold(text, len, ascii, b->fold->str, b->fold->allocated_len);
  if (need >= b->fold->allocated_len) {
    g_string_set_size(b->fold, need + 1);
    need = stg_fold(text, len, ascii, b->fold->str, b->fold->allocated_len);
  }
  b->fold->str[need] = '\0';
  return b->fold->str;
}

/* Tokenizes a literal; returns the number of tokens (in b->toks). */
static size_t tokenize(builder *b, const char *text) {
  stg_tokenize_phrase(text, strlen(text), &b->toks);
  return b->toks.n;
}

static uint32_t token_word(builder *b, const char *text, size_t i) {
  const stg_token *t = &b->toks.tok[i];
  return word_id_of_key(b, fold_token(b, text + t->start, t->end - t->start));
}

static uint32_t token_exact(builder *b, const char *text, size_t i) {
  const stg_token *t = &b->toks.tok[i];
  char *s = g_strndup(text + t->start, t->end - t->start);
  uint32_t off = intern(b, s);
  g_free(s);
  return off;
}

static uint32_t attr_append(builder *b, const char *name, const char *value, uint32_t cap) {
  stg_attr_rec a = {intern(b, name), intern(b, value ? value : ""), cap};
  g_array_append_val(b->attrs, a);
  return b->attrs->len - 1;
}

static uint32_t label_index(builder *b, stg_symbol *sym) {
  gpointer v = g_hash_table_lookup(b->label_of, sym);
  if (v)
    return GPOINTER_TO_UINT(v) - 1;
  stg_label l = {intern(b, sym->name),
                 sym->kind == STG_SYM_ENTITY ? STG_LABEL_ENTITY
                 : sym->kind == STG_SYM_SPAN ? STG_LABEL_SPAN
                                             : STG_LABEL_TAG};
  g_array_append_val(b->labels, l);
  g_hash_table_insert(b->label_of, sym, GUINT_TO_POINTER(b->labels->len));
  return b->labels->len - 1;
}

static uint32_t class_index(builder *b, stg_symbol *sym) {
  gpointer v = g_hash_table_lookup(b->class_of, sym);
  return v ? GPOINTER_TO_UINT(v) - 1 : STG_NONE;
}

/* Attribute lists come as GArrays (spans, word classes) or as arena arrays (entries). */
#define ATTRS_OF(arr)                                                                              \
  ((arr) ? (const stg_attr *)(void *)(arr)->data : NULL), ((arr) ? (arr)->len : 0u)

/* id + attributes of an entry or span alternative: the id goes first, named "id". */
static const char *attrs_id(const stg_attr *attrs, guint count) {
  for (guint i = 0; i < count; i++) {
    const stg_attr *a = &attrs[i];
    if (!a->name || strcmp(a->name, "id") == 0)
      return a->value.text;
  }
  return NULL;
}

static void attrs_rest(builder *b, const stg_attr *attrs, guint count, uint32_t *first,
                       uint32_t *n) {
  *first = b->attrs->len;
  for (guint i = 0; i < count; i++) {
    const stg_attr *a = &attrs[i];
    if (!a->name || strcmp(a->name, "id") == 0)
      continue;
    attr_append(b, a->name, a->value.text, STG_NONE);
  }
  *n = b->attrs->len - *first;
}

/* ---- gazetteers ------------------------------------------------------------------------ */

static size_t trie_slot(uint64_t key, size_t mask) {
  return (size_t)((key * 0x9E3779B97F4A7C15u) >> 32) & mask;
}

static void trie_grow(builder *b) {
  size_t cap = b->tcap ? b->tcap * 2 : 1024, mask = cap - 1;
  uint64_t *keys = g_new(uint64_t, cap);
  uint32_t *vals = g_new0(uint32_t, cap);
  for (size_t i = 0; i < b->tcap; i++) {
    if (!b->tval[i])
      continue;
    size_t j = trie_slot(b->tkey[i], mask);
    while (vals[j])
      j = (j + 1) & mask;
    keys[j] = b->tkey[i];
    vals[j] = b->tval[i];
  }
  g_free(b->tkey);
  g_free(b->tval);
  b->tkey = keys;
  b->tval = vals;
  b->tcap = cap;
}

/* The child of `node` along `word`, created when missing. Every node but the root has one
 * parent edge, recorded in tparent for finish_trie. */
static uint32_t trie_step(builder *b, uint32_t node, uint32_t word) {
  if ((size_t)b->n_tnodes * 2 >= b->tcap)
    trie_grow(b);
  uint64_t key = ((uint64_t)node << 32) | word;
  size_t mask = b->tcap - 1, j = trie_slot(key, mask);
  for (; b->tval[j]; j = (j + 1) & mask)
    if (b->tkey[j] == key)
      return b->tval[j];
  uint32_t child = b->n_tnodes++;
  b->tkey[j] = key;
  b->tval[j] = child;
  pair up = {node, word};
  g_array_append_val(b->tparent, up);
  return child;
}

static void compile_entity(builder *b, const stg_def *def) {
  uint32_t label = label_index(b, def->sym);
  for (guint i = 0; def->entries && i < def->entries->len; i++) {
    const stg_entry *en = g_ptr_array_index(def->entries, i);
    if (en->n_phrases == 0)
      continue;
    const char *id = attrs_id(en->attrs, en->n_attrs);
    uint32_t id_off = intern(b, id ? id : en->phrases[0].text);
    uint32_t attr, n_attr;
    attrs_rest(b, en->attrs, en->n_attrs, &attr, &n_attr);
    for (guint k = 0; k < en->n_phrases; k++) {
      const stg_phrase *ph = &en->phrases[k];
      size_t n = tokenize(b, ph->text);
      if (n == 0) {
        stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, ph->loc,
                 "empty phrase in entity `%s`", def->name);
        continue;
      }
      uint32_t node = 0;
      for (size_t t = 0; t < n; t++)
        node = trie_step(b, node, token_word(b, ph->text, t));
      stg_entity e = {label, id_off, attr, n_attr, 0, (uint32_t)n};
      if (ph->case_sensitive)
        e.cs_text = intern(b, ph->text);
      g_array_append_val(b->entities, e);
      pair pay = {node, b->entities->len - 1};
      g_array_append_val(b->tpay, pay);
    }
  }
}


/* Sorts (word, child) pairs by word (words are distinct among one node's edges). */
static void sort_edges(pair *e, size_t n) {
  if (n > 16) {
    qsort(e, n, sizeof *e, stg_pair_cmp);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    pair x = e[i];
    size_t j = i;
    for (; j > 0 && e[j - 1].a > x.a; j--)
      e[j] = e[j - 1];
    e[j] = x;
  }
}

/* Flattens the trie: edges sorted by word per node; root edges also as a direct table. The
 * edges are bucketed by parent (a counting sort), then each node's few edges sorted by word. */
static void finish_trie(builder *b, stancetag_program *p) {
  uint32_t n_nodes = b->n_tnodes, n_edges = n_nodes - 1;
  const pair *up = (const pair *)(void *)b->tparent->data; /* up[child] = (parent, word) */
  p->n_gnodes = n_nodes;
  p->gnodes = g_new0(stg_gnode, n_nodes);
  for (uint32_t c = 1; c < n_nodes; c++)
    p->gnodes[up[c].a].n_edge++;
  uint32_t at = 0;
  for (uint32_t n = 0; n < n_nodes; n++) {
    p->gnodes[n].edge = at;
    at += p->gnodes[n].n_edge;
  }
  pair *ed = g_new(pair, n_edges + 1); /* (word, child) in edge order */
  uint32_t *fill = g_new0(uint32_t, n_nodes);
  for (uint32_t c = 1; c < n_nodes; c++) {
    uint32_t n = up[c].a;
    pair e = {up[c].b, c};
    ed[p->gnodes[n].edge + fill[n]++] = e;
  }
  g_free(fill);
  p->n_gedges = n_edges;
  p->gedges = g_new0(stg_gedge, n_edges + 1);
  p->n_groot = p->n_words + 1;
  p->groot = g_new0(uint32_t, p->n_groot);
  for (uint32_t n = 0; n < n_nodes; n++) {
    stg_gnode *g = &p->gnodes[n];
    if (g->n_edge == 0) {
      g->edge = 0;
      continue;
    }
    sort_edges(ed + g->edge, g->n_edge);
    for (uint32_t i = g->edge; i < g->edge + g->n_edge; i++) {
      p->gedges[i].word = ed[i].a;
      p->gedges[i].node = ed[i].b;
      if (n == 0)
        p->groot[ed[i].a] = ed[i].b;
    }
  }
  g_free(ed);
  /* Payloads: entities were appended in ascending order, so a stable bucketing by node keeps
   * them sorted by (node, entity). */
  uint32_t n_pays = b->tpay->len;
  const pair *pp = (const pair *)(void *)b->tpay->data;
  p->n_gpays = n_pays;
  p->gpays = g_new0(uint32_t, n_pays + 1);
  for (uint32_t i = 0; i < n_pays; i++)
    p->gnodes[pp[i].a].n_pay++;
  at = 0;
  for (uint32_t n = 0; n < n_nodes; n++) {
    p->gnodes[n].pay = p->gnodes[n].n_pay ? at : 0;
    at += p->gnodes[n].n_pay;
  }
  fill = g_new0(uint32_t, n_nodes);
  for (uint32_t i = 0; i < n_pays; i++) {
    uint32_t n = pp[i].a;
    p->gpays[p->gnodes[n].pay + fill[n]++] = pp[i].b;
  }
  g_free(fill);
}

/* ---- word classes ---------------------------------------------------------------------- */

static void compile_words(builder *b, const stg_def *def) {
  uint32_t cls = class_index(b, def->sym);
  for (guint i = 0; def->expanded && i < def->expanded->len; i++) {
    const char *w = g_ptr_array_index(def->expanded, i);
    gboolean cs = def->expanded_cs && i < def->expanded_cs->len &&
                  g_array_index(def->expanded_cs, gboolean, i);
    size_t n = tokenize(b, w);
    if (n != 1) {
      stg_loc at = def->expanded_loc && i < def->expanded_loc->len
                       ? g_array_index(def->expanded_loc, stg_loc, i)
                       : def->name_loc;
      stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, at,
               "word class `%s`: \"%s\" is %s; word classes hold single words (use a span for "
               "phrases)",
               def->name, w, n == 0 ? "empty" : "several tokens");
      continue;
    }
    /* mem_pairs: (word, 0) followed by the member as a (class, cs_text) pair. */
    pair key = {token_word(b, w, 0), 0};
    pair mem = {cls, cs ? token_exact(b, w, 0) : 0};
    g_array_append_val(b->mem_pairs, key);
    g_array_append_val(b->mem_pairs, mem);
  }
}

/* ---- patterns -------------------------------------------------------------------------- */

static uint32_t emit(builder *b, uint32_t op, uint32_t a, uint32_t bb, uint32_t c) {
  if (b->code->len >= MAX_CODE) {
    b->too_big = TRUE;
    return b->code->len ? b->code->len - 1 : 0;
  }
  stg_inst in = {op, a, bb, c};
  g_array_append_val(b->code, in);
  return b->code->len - 1;
}

static stg_inst *inst(builder *b, uint32_t pc) {
  return &g_array_index(b->code, stg_inst, pc);
}

/* ---- regex analysis -------------------------------------------------------------------- */

/* Index of the `)` closing the group opened at src[open], or `n` when unbalanced. */
static size_t group_end(const char *src, size_t open, size_t n) {
  int depth = 0, in_class = 0;
  for (size_t i = open; i < n; i++) {
    char c = src[i];
    if (c == '\\') {
      i++;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = 1;
      if (i + 1 < n && src[i + 1] == ']')
        i++; /* `[]...]`: a leading `]` is literal */
    } else if (c == '(') {
      depth++;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return n;
}

/* Can the atom ending before src[i] be repeated zero times (`?`, `*`, `{0`)? */
static gboolean optional_after(const char *src, size_t i, size_t n) {
  return i < n && (src[i] == '?' || src[i] == '*' || (src[i] == '{' && i + 1 < n && src[i + 1] == '0'));
}

/* Token flags every token matching (anchored) regex src[0..n) has, from how each top-level
 * alternative starts: an upper-case letter (`\p{Lu}`, `[A-Z]`, `A`) means STG_TF_CAP, any
 * letter STG_TF_WORD. 0 when nothing is known. Only ever too cautious: the scanner uses it to
 * skip tokens, so it must hold for every match. */
static uint32_t regex_need(const char *src, size_t n, gboolean icase) {
  uint32_t need = STG_TF_CAP | STG_TF_WORD; /* intersection over the alternatives */
  size_t alt = 0;
  for (size_t i = 0; i <= n; i++) {
    /* find the end of this top-level alternative */
    if (i < n && src[i] == '\\') {
      i++;
      continue;
    }
    if (i < n && src[i] == '[') {
      size_t j = i + 1;
      if (j < n && src[j] == ']')
        j++;
      while (j < n && src[j] != ']')
        j += src[j] == '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (i < n && src[i] == '(') {
      size_t j = group_end(src, i, n);
      if (j == n)
        return 0;
      i = j;
      continue;
    }
    if (i < n && src[i] != '|')
      continue;
    /* the alternative src[alt..i) */
    const char *a = src + alt;
    size_t len = i - alt, atom = 0;
    uint32_t f = 0;
    if (len >= 6 && strncmp(a, "\\p{Lu}", 6) == 0) {
      f = icase ? STG_TF_WORD : STG_TF_CAP | STG_TF_WORD, atom = 6;
    } else if (len >= 5 && (strncmp(a, "\\p{L}", 5) == 0)) {
      f = STG_TF_WORD, atom = 5;
    } else if (len >= 6 && strncmp(a, "\\p{Ll}", 6) == 0) {
      f = STG_TF_WORD, atom = 6;
    } else if (len >= 5 && strncmp(a, "[A-Z]", 5) == 0) {
      f = icase ? STG_TF_WORD : STG_TF_CAP | STG_TF_WORD, atom = 5;
    } else if (len >= 5 && (strncmp(a, "[a-z]", 5) == 0)) {
      f = STG_TF_WORD, atom = 5;
    } else if (len >= 8 && (strncmp(a, "[A-Za-z]", 8) == 0 || strncmp(a, "[a-zA-Z]", 8) == 0)) {
      f = STG_TF_WORD, atom = 8;
    } else if (len >= 1 && g_ascii_isalpha(a[0])) {
      f = g_ascii_isupper(a[0]) && !icase ? STG_TF_CAP | STG_TF_WORD : STG_TF_WORD, atom = 1;
    } else if (len >= 2 && a[0] == '(' && !(a[1] == '?' && (len < 3 || a[2] != ':'))) {
      size_t close = group_end(a, 0, len), inner = a[1] == '?' ? 3 : 1;
      if (close < len)
        f = regex_need(a + inner, close - inner, icase), atom = close + 1;
    }
    if (f && optional_after(a, atom, len))
      f = 0;
    need &= f;
    if (!need)
      return 0;
    alt = i + 1;
  }
  return need;
}

/* The words of a regex that is only an alternation of ASCII letters and digits
 * (`/(al|el|Al|El|ul|Abu)/`), as one NUL-separated string in *out; FALSE otherwise. Such a
 * regex becomes word predicates: found by the word index, triggers a rule like any word. */
static gboolean regex_literals(const char *src, GString *out) {
  size_t n = strlen(src);
  if (n >= 2 && src[0] == '(' && group_end(src, 0, n) == n - 1) {
    size_t inner = strncmp(src, "(?:", 3) == 0 ? 3 : 1;
    if (src[1] == '?' && inner == 1)
      return FALSE;
    src += inner;
    n -= inner + 1;
  }
  g_string_truncate(out, 0);
  size_t word = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || src[i] == '|') {
      if (word == 0)
        return FALSE;
      g_string_append_c(out, '\0');
      word = 0;
    } else if (g_ascii_isalnum(src[i])) {
      g_string_append_c(out, src[i]);
      word++;
    } else {
      return FALSE;
    }
  }
  return n > 0;
}

static uint32_t regex_index(builder *b, const stg_pat *pat) {
  char *key = g_strdup_printf("%c/%s", pat->icase ? 'i' : '-', pat->text);
  gpointer v = g_hash_table_lookup(b->regex_of, key);
  if (v) {
    g_free(key);
    return GPOINTER_TO_UINT(v) - 1;
  }
  stg_regex r = {intern(b, pat->text), (uint32_t)pat->icase,
                 regex_need(pat->text, strlen(pat->text), pat->icase)};
  g_array_append_val(b->regexes, r);
  g_hash_table_insert(b->regex_of, key, GUINT_TO_POINTER(b->regexes->len));
  return b->regexes->len - 1;
}

static uint32_t shape_mask(stg_shape s) {
  switch (s) {
  case STG_SHAPE_CAP: return STG_TF_CAP;
  case STG_SHAPE_UPPER: return STG_TF_UPPER;
  case STG_SHAPE_LOWER: return STG_TF_LOWER;
  case STG_SHAPE_NUM: return STG_TF_NUM;
  case STG_SHAPE_PUNCT: return STG_TF_PUNCT;
  case STG_SHAPE_WORD: return STG_TF_WORD;
  }
  return 0;
}

/* Appends the one-token predicates `pat` stands for; FALSE if it is not a one-token element. */
static gboolean one_token_preds(builder *b, const stg_pat *pat) {
  stg_pred d = {0, 0, 0};
  switch (pat->kind) {
  case STG_PAT_LIT:
    if (tokenize(b, pat->text) != 1)
      return FALSE;
    d.kind = STG_PRED_WORD;
    d.a = token_word(b, pat->text, 0);
    d.b = pat->case_sensitive ? token_exact(b, pat->text, 0) : 0;
    break;
  case STG_PAT_REF:
    if (!pat->sym || pat->sym->kind != STG_SYM_WORDS)
      return FALSE;
    d.kind = STG_PRED_CLASS;
    d.a = class_index(b, pat->sym);
    if (d.a == STG_NONE)
      return FALSE;
    break;
  case STG_PAT_REGEX: {
    GString *lits = g_string_new(NULL);
    gboolean words = regex_literals(pat->text, lits);
    for (size_t at = 0; words && at < lits->len; at += strlen(lits->str + at) + 1)
      words = tokenize(b, lits->str + at) == 1 && b->toks.tok[0].start == 0 &&
              b->toks.tok[0].end == strlen(lits->str + at);
    if (words) {
      for (size_t at = 0; at < lits->len; at += strlen(lits->str + at) + 1) {
        const char *w = lits->str + at;
        tokenize(b, w);
        d.kind = STG_PRED_WORD;
        d.a = token_word(b, w, 0);
        d.b = pat->icase ? 0 : token_exact(b, w, 0);
        g_array_append_val(b->preds, d);
      }
      g_string_free(lits, TRUE);
      return TRUE;
    }
    g_string_free(lits, TRUE);
    d.kind = STG_PRED_REGEX;
    d.a = regex_index(b, pat);
    break;
  }
  case STG_PAT_SHAPE:
    d.kind = STG_PRED_SHAPE;
    d.a = shape_mask(pat->shape);
    break;
  case STG_PAT_ANY:
    d.kind = STG_PRED_ANY;
    break;
  case STG_PAT_ALT:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++)
      if (!one_token_preds(b, g_ptr_array_index(pat->kids, i)))
        return FALSE;
    return TRUE;
  case STG_PAT_SEQ:
  case STG_PAT_CAPTURE:
    if (pat->kids && pat->kids->len == 1)
      return one_token_preds(b, g_ptr_array_index(pat->kids, 0));
    return FALSE;
  default:
    return FALSE;
  }
  g_array_append_val(b->preds, d);
  return TRUE;
}

/* No captures, look-arounds or annotations inside: what one_token_preds may flatten without
 * losing anything. */
static gboolean plain_tokens(const stg_pat *pat) {
  switch (pat->kind) {
  case STG_PAT_LIT:
  case STG_PAT_REGEX:
  case STG_PAT_SHAPE:
  case STG_PAT_ANY:
    return TRUE;
  case STG_PAT_REF:
    return pat->sym && pat->sym->kind == STG_SYM_WORDS;
  case STG_PAT_ALT:
  case STG_PAT_SEQ:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++)
      if (!plain_tokens(g_ptr_array_index(pat->kids, i)))
        return FALSE;
    return pat->kids && pat->kids->len > 0;
  default:
    return FALSE;
  }
}

static uint32_t capture_slot(builder *b, const char *name) {
  for (guint i = 0; i < b->caps->len; i++)
    if (strcmp(g_ptr_array_index(b->caps, i), name) == 0)
      return i;
  g_ptr_array_add(b->caps, g_strdup(name));
  return b->caps->len - 1;
}

static void emit_pat(builder *b, const stg_pat *pat, guint depth);

/* The most tokens `pat` can match, STG_NONE - 1 when unbounded (annotations, `*`). Bounds the
 * start positions a look-behind has to try. */
static uint32_t max_tokens(builder *b, const stg_pat *pat) {
  const uint32_t INF = STG_NONE - 1;
  uint64_t sum = 0, best = 0;
  switch (pat->kind) {
  case STG_PAT_LIT:
    return (uint32_t)tokenize(b, pat->text);
  case STG_PAT_REF:
    return pat->sym && pat->sym->kind == STG_SYM_WORDS ? 1 : INF;
  case STG_PAT_REGEX:
  case STG_PAT_SHAPE:
  case STG_PAT_ANY:
  case STG_PAT_NOT:
    return 1;
  case STG_PAT_BOS:
  case STG_PAT_EOS:
  case STG_PAT_LOOK:
    return 0;
  case STG_PAT_CAPTURE:
  case STG_PAT_SEQ:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++)
      sum += max_tokens(b, g_ptr_array_index(pat->kids, i));
    return sum >= INF ? INF : (uint32_t)sum;
  case STG_PAT_ALT:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++) {
      uint32_t m = max_tokens(b, g_ptr_array_index(pat->kids, i));
      best = m > best ? m : best;
    }
    return (uint32_t)best;
  case STG_PAT_REPEAT: {
    uint64_t m = max_tokens(b, g_ptr_array_index(pat->kids, 0));
    if (pat->max == STG_REPEAT_INF && m)
      return INF;
    m *= pat->max == STG_REPEAT_INF ? 0 : pat->max;
    return m >= INF ? INF : (uint32_t)m;
  }
  }
  return INF;
}

/* Collects the alternatives of a one-element look-around pattern as instructions (PRED for
 * one-token elements, ANNOT for entities and spans). FALSE when the pattern is anything else. */
static gboolean look1_alts(builder *b, const stg_pat *pat, GArray *alts) {
  switch (pat->kind) {
  case STG_PAT_SEQ:
  case STG_PAT_CAPTURE:
    return pat->kids && pat->kids->len == 1 &&
           look1_alts(b, g_ptr_array_index(pat->kids, 0), alts);
  case STG_PAT_ALT:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++)
      if (!look1_alts(b, g_ptr_array_index(pat->kids, i), alts))
        return FALSE;
    return pat->kids && pat->kids->len > 0;
  case STG_PAT_NOT:
  case STG_PAT_LIT:
  case STG_PAT_REGEX:
  case STG_PAT_SHAPE:
  case STG_PAT_ANY:
  case STG_PAT_REF: {
    if (pat->kind == STG_PAT_REF && pat->sym && pat->sym->kind != STG_SYM_WORDS) {
      uint32_t first = b->cons->len;
      for (guint i = 0; pat->constraints && i < pat->constraints->len; i++) {
        const stg_constraint *c = &g_array_index(pat->constraints, stg_constraint, i);
        stg_cons_rec r = {intern(b, c->name), intern(b, c->value.text), (uint32_t)c->negated};
        g_array_append_val(b->cons, r);
      }
      stg_inst in = {STG_OP_ANNOT, label_index(b, pat->sym), first, b->cons->len - first};
      g_array_append_val(alts, in);
      return TRUE;
    }
    const stg_pat *one = pat;
    if (pat->kind == STG_PAT_NOT)
      one = pat->kids && pat->kids->len ? g_ptr_array_index(pat->kids, 0) : NULL;
    uint32_t first = b->preds->len;
    if (!one || !one_token_preds(b, one))
      return FALSE;
    stg_inst in = {STG_OP_PRED, first, b->preds->len - first, pat->kind == STG_PAT_NOT};
    g_array_append_val(alts, in);
    return TRUE;
  }
  default:
    return FALSE;
  }
}

/* A look-around over a single element (`(?! ACTOR | NEG)`, `(?<! PREP)`) becomes one LOOK1
 * instruction tested in place: gaps like `((?! TARGET) _){0,6}` would otherwise start a
 * sub-run of the VM at every token. */
static gboolean emit_look1(builder *b, const stg_pat *pat) {
  if (!pat->kids || pat->kids->len != 1)
    return FALSE;
  uint32_t n_preds = b->preds->len, n_cons = b->cons->len;
  GArray *alts = g_array_new(FALSE, FALSE, sizeof(stg_inst));
  gboolean ok = look1_alts(b, g_ptr_array_index(pat->kids, 0), alts);
  if (ok) {
    uint32_t look = emit(b, STG_OP_LOOK1, 0, alts->len,
                         (uint32_t)pat->negated | (pat->behind ? 2u : 0u));
    uint32_t jmp = emit(b, STG_OP_JMP, 0, 0, 0);
    for (guint i = 0; i < alts->len; i++) {
      const stg_inst *in = &g_array_index(alts, stg_inst, i);
      emit(b, in->op, in->a, in->b, in->c);
    }
    if (!b->too_big) {
      inst(b, look)->a = jmp + 1;
      inst(b, jmp)->a = b->code->len;
    }
  } else {
    g_array_set_size(b->preds, n_preds);
    g_array_set_size(b->cons, n_cons);
  }
  g_array_free(alts, TRUE);
  return ok;
}

/* For a look-behind whose longest match is unbounded only because it holds annotations: the
 * number of annotation slots (*k) and of token slots (*f), so the scanner can bound the starts
 * it tries by the longest annotation of the document. FALSE when truly unbounded (`*`, `+`). */
static gboolean behind_shape(builder *b, const stg_pat *pat, uint64_t *k, uint64_t *f) {
  switch (pat->kind) {
  case STG_PAT_REF:
    if (pat->sym && pat->sym->kind == STG_SYM_WORDS)
      (*f)++;
    else
      (*k)++;
    return TRUE;
  case STG_PAT_ALT: {
    uint64_t bk = 0, bf = 0;
    for (guint i = 0; pat->kids && i < pat->kids->len; i++) {
      uint64_t kk = 0, ff = 0;
      if (!behind_shape(b, g_ptr_array_index(pat->kids, i), &kk, &ff))
        return FALSE;
      bk = MAX(bk, kk);
      bf = MAX(bf, ff);
    }
    *k += bk;
    *f += bf;
    return TRUE;
  }
  case STG_PAT_CAPTURE:
  case STG_PAT_SEQ:
    for (guint i = 0; pat->kids && i < pat->kids->len; i++)
      if (!behind_shape(b, g_ptr_array_index(pat->kids, i), k, f))
        return FALSE;
    return TRUE;
  case STG_PAT_REPEAT: {
    if (pat->max == STG_REPEAT_INF)
      return FALSE;
    uint64_t kk = 0, ff = 0;
    if (!behind_shape(b, g_ptr_array_index(pat->kids, 0), &kk, &ff))
      return FALSE;
    *k += kk * pat->max;
    *f += ff * pat->max;
    return TRUE;
  }
  default: {
    uint32_t m = max_tokens(b, pat);
    if (m >= STG_NONE - 1)
      return FALSE;
    *f += m;
    return TRUE;
  }
  }
}

static void emit_kids_seq(builder *b, const stg_pat *pat, guint depth) {
  for (guint i = 0; pat->kids && i < pat->kids->len; i++)
    emit_pat(b, g_ptr_array_index(pat->kids, i), depth + 1);
}

static void emit_pat(builder *b, const stg_pat *pat, guint depth) {
  if (b->too_big)
    return;
  switch (pat->kind) {
  case STG_PAT_LIT: {
    size_t n = tokenize(b, pat->text);
    if (n == 0) {
      stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, pat->loc, "empty literal");
      return;
    }
    /* Copy the words first: tokenize() reuses b->toks. */
    GArray *preds = g_array_new(FALSE, FALSE, sizeof(stg_pred));
    for (size_t i = 0; i < n; i++) {
      stg_pred d = {STG_PRED_WORD, token_word(b, pat->text, i),
                    pat->case_sensitive ? token_exact(b, pat->text, i) : 0};
      g_array_append_val(preds, d);
    }
    for (guint i = 0; i < preds->len; i++) {
      g_array_append_val(b->preds, g_array_index(preds, stg_pred, i));
      emit(b, STG_OP_PRED, b->preds->len - 1, 1, 0);
    }
    g_array_free(preds, TRUE);
    return;
  }
  case STG_PAT_REF: {
    if (!pat->sym)
      return; /* already reported by resolution */
    if (pat->sym->kind == STG_SYM_WORDS) {
      uint32_t first = b->preds->len;
      if (one_token_preds(b, pat))
        emit(b, STG_OP_PRED, first, b->preds->len - first, 0);
      return;
    }
    uint32_t first = b->cons->len;
    for (guint i = 0; pat->constraints && i < pat->constraints->len; i++) {
      const stg_constraint *c = &g_array_index(pat->constraints, stg_constraint, i);
      stg_cons_rec r = {intern(b, c->name), intern(b, c->value.text), (uint32_t)c->negated};
      g_array_append_val(b->cons, r);
    }
    emit(b, STG_OP_ANNOT, label_index(b, pat->sym), first, b->cons->len - first);
    return;
  }
  case STG_PAT_REGEX:
  case STG_PAT_SHAPE:
  case STG_PAT_ANY: {
    uint32_t first = b->preds->len;
    one_token_preds(b, pat);
    emit(b, STG_OP_PRED, first, b->preds->len - first, 0);
    return;
  }
  case STG_PAT_NOT: {
    uint32_t first = b->preds->len;
    const stg_pat *kid = pat->kids && pat->kids->len ? g_ptr_array_index(pat->kids, 0) : NULL;
    if (!kid || !one_token_preds(b, kid)) {
      g_array_set_size(b->preds, first);
      stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, pat->loc,
               "`!` applies to one-token elements only (a word, word class, regex or shape)");
      return;
    }
    emit(b, STG_OP_PRED, first, b->preds->len - first, 1);
    return;
  }
  case STG_PAT_BOS:
    emit(b, STG_OP_BOS, 0, 0, 0);
    return;
  case STG_PAT_EOS:
    emit(b, STG_OP_EOS, 0, 0, 0);
    return;
  case STG_PAT_LOOK: {
    if (emit_look1(b, pat))
      return;
    uint32_t behind = 0;
    if (pat->behind) {
      uint32_t m = 0;
      for (guint i = 0; pat->kids && i < pat->kids->len; i++) {
        uint32_t k = max_tokens(b, g_ptr_array_index(pat->kids, i));
        m = k >= STG_NONE - 1 - m ? STG_NONE - 1 : m + k;
      }
      behind = m + 1;
    }
    uint32_t flags = pat->negated;
    if (pat->behind && behind == STG_NONE) {
      uint64_t k = 0, f = 0;
      gboolean ok = TRUE;
      for (guint i = 0; ok && pat->kids && i < pat->kids->len; i++)
        ok = behind_shape(b, g_ptr_array_index(pat->kids, i), &k, &f);
      if (ok && k > 0 && k < 0x8000 && f < 0x10000) {
        behind = (uint32_t)(k << 16 | f);
        flags |= 2;
      }
    }
    uint32_t look = emit(b, STG_OP_LOOK, 0, behind, flags);
    uint32_t jmp = emit(b, STG_OP_JMP, 0, 0, 0);
    uint32_t sub = b->code->len;
    emit_kids_seq(b, pat, depth);
    emit(b, STG_OP_MATCH, 0, 0, 0);
    if (b->too_big)
      return;
    inst(b, look)->a = sub;
    inst(b, jmp)->a = b->code->len;
    return;
  }
  case STG_PAT_CAPTURE: {
    uint32_t slot = capture_slot(b, pat->text);
    emit(b, STG_OP_SAVE, 2 * slot, 0, 0);
    emit_kids_seq(b, pat, depth);
    emit(b, STG_OP_SAVE, 2 * slot + 1, 0, 0);
    return;
  }
  case STG_PAT_SEQ:
    emit_kids_seq(b, pat, depth);
    return;
  case STG_PAT_ALT: {
    /* Alternatives that are all single tokens become one PRED: a smaller NFA, and one
     * instruction a requirement test can use ("point" | "step"). */
    if (plain_tokens(pat)) {
      uint32_t first = b->preds->len;
      if (one_token_preds(b, pat)) {
        emit(b, STG_OP_PRED, first, b->preds->len - first, 0);
        return;
      }
      g_array_set_size(b->preds, first);
    }
    guint n = pat->kids ? pat->kids->len : 0;
    GArray *jumps = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (guint i = 0; i < n; i++) {
      uint32_t split = STG_NONE;
      if (i + 1 < n)
        split = emit(b, STG_OP_SPLIT, 0, 0, 0);
      if (split != STG_NONE)
        inst(b, split)->a = b->code->len;
      emit_pat(b, g_ptr_array_index(pat->kids, i), depth + 1);
      if (i + 1 < n) {
        uint32_t j = emit(b, STG_OP_JMP, 0, 0, 0);
        g_array_append_val(jumps, j);
        if (!b->too_big)
          inst(b, split)->b = b->code->len;
      }
      if (b->too_big)
        break;
    }
    if (!b->too_big)
      for (guint i = 0; i < jumps->len; i++)
        inst(b, g_array_index(jumps, uint32_t, i))->a = b->code->len;
    g_array_free(jumps, TRUE);
    return;
  }
  case STG_PAT_REPEAT: {
    const stg_pat *kid = g_ptr_array_index(pat->kids, 0);
    for (uint32_t i = 0; i < pat->min && !b->too_big; i++)
      emit_pat(b, kid, depth + 1);
    if (pat->max == STG_REPEAT_INF) {
      uint32_t split = emit(b, STG_OP_SPLIT, 0, 0, 0);
      emit_pat(b, kid, depth + 1);
      emit(b, STG_OP_JMP, split, 0, 0);
      if (!b->too_big) {
        inst(b, split)->a = split + 1;
        inst(b, split)->b = b->code->len;
      }
      return;
    }
    GArray *splits = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (uint32_t i = pat->min; i < pat->max && !b->too_big; i++) {
      uint32_t split = emit(b, STG_OP_SPLIT, 0, 0, 0);
      g_array_append_val(splits, split);
      if (!b->too_big)
        inst(b, split)->a = split + 1;
      emit_pat(b, kid, depth + 1);
    }
    if (!b->too_big)
      for (guint i = 0; i < splits->len; i++)
        inst(b, g_array_index(splits, uint32_t, i))->b = b->code->len;
    g_array_free(splits, TRUE);
    return;
  }
  }
}

/* ---- walks over pattern code ----------------------------------------------------------- */

/* What a walk does at an instruction: go on to its successors, stop on this path, or end. */
typedef enum walk_step { WALK_ON, WALK_STOP, WALK_END } walk_step;

/* Buffers reused by walks: `seen` is all zero between walks. */
typedef struct code_walk {
  const stancetag_program *p;
  GArray *stack, *visited;
  guint8 *seen;
} code_walk;

static void walk_init(code_walk *w, const stancetag_program *p) {
  w->p = p;
  w->stack = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  w->visited = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  w->seen = g_new0(guint8, p->n_code ? p->n_code : 1);
}

static void walk_clear(code_walk *w) {
  g_array_free(w->stack, TRUE);
  g_array_free(w->visited, TRUE);
  g_free(w->seen);
}

/* Visits the code reachable from `pc` depth first, each instruction once. `visit` decides at
 * each whether the walk goes on to its successors (a SPLIT's two branches, a JMP's target,
 * none after MATCH, else the next instruction: captures, anchors and look-arounds consume
 * nothing). Returns FALSE when `visit` ended the walk. */
static gboolean walk_code(code_walk *w, uint32_t pc,
                          walk_step (*visit)(void *ctx, uint32_t at, const stg_inst *in),
                          void *ctx) {
  gboolean ok = TRUE;
  g_array_set_size(w->stack, 0);
  g_array_append_val(w->stack, pc);
  while (w->stack->len && ok) {
    uint32_t at = g_array_index(w->stack, uint32_t, w->stack->len - 1);
    g_array_set_size(w->stack, w->stack->len - 1);
    if (at >= w->p->n_code || w->seen[at]) /* past the end: only in code cut short */
      continue;
    w->seen[at] = 1;
    g_array_append_val(w->visited, at);
    const stg_inst *in = &w->p->code[at];
    walk_step step = visit(ctx, at, in);
    if (step == WALK_END)
      ok = FALSE;
    if (step != WALK_ON || in->op == STG_OP_MATCH)
      continue;
    uint32_t next[2] = {in->op == STG_OP_SPLIT || in->op == STG_OP_JMP ? in->a : at + 1, in->b};
    g_array_append_vals(w->stack, next, in->op == STG_OP_SPLIT ? 2 : 1);
  }
  for (guint i = 0; i < w->visited->len; i++)
    w->seen[g_array_index(w->visited, uint32_t, i)] = 0;
  g_array_set_size(w->visited, 0);
  return ok;
}

/* ---- triggers -------------------------------------------------------------------------- */

typedef struct trig_sets {
  GArray *word, *cls, *label; /* pair (key, rule) */
  GArray *shape;              /* pair (mask, rule) */
} trig_sets;

typedef struct first_ctx {
  const stancetag_program *p;
  trig_sets *out;
  uint32_t rule;
} first_ctx;

static walk_step first_visit(void *data, uint32_t at, const stg_inst *in) {
  first_ctx *x = data;
  (void)at;
  if (in->op == STG_OP_MATCH || (in->op == STG_OP_PRED && in->c))
    return WALK_END;
  if (in->op == STG_OP_ANNOT) {
    pair e = {in->a, x->rule};
    g_array_append_val(x->out->label, e);
    return WALK_STOP;
  }
  if (in->op != STG_OP_PRED)
    return WALK_ON;
  for (uint32_t k = 0; k < in->b; k++) {
    const stg_pred *d = &x->p->preds[in->a + k];
    pair e = {d->a, x->rule};
    if (d->kind == STG_PRED_WORD) {
      g_array_append_val(x->out->word, e);
    } else if (d->kind == STG_PRED_CLASS) {
      g_array_append_val(x->out->cls, e);
    } else {
      e.a = d->kind == STG_PRED_REGEX   ? x->p->regexes[d->a].need
            : d->kind == STG_PRED_SHAPE ? d->a
                                        : 0;
      if (!e.a)
        return WALK_END;
      g_array_append_val(x->out->shape, e);
    }
  }
  return WALK_STOP;
}

/* Records what can consume the first token of rule `rule` (code from `pc`): words, classes,
 * labels and token shapes (a regex's known flags). Returns FALSE if the rule may start
 * anywhere (a wildcard, a regex or shape of unknown flags, a negation, an empty match). */
static gboolean first_set(code_walk *w, uint32_t pc, trig_sets *out, uint32_t rule) {
  first_ctx x = {w->p, out, rule};
  return walk_code(w, pc, first_visit, &x);
}

static int cmp_rule_order(gconstpointer x, gconstpointer y, gpointer data) {
  const stancetag_program *p = data;
  uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
  if (p->rules[a].phase != p->rules[c].phase)
    return p->rules[a].phase < p->rules[c].phase ? -1 : 1;
  return a < c ? -1 : a > c;
}

static walk_step anchored_visit(void *data, uint32_t at, const stg_inst *in) {
  (void)data;
  (void)at;
  if (in->op == STG_OP_BOS)
    return WALK_STOP;
  return in->op == STG_OP_PRED || in->op == STG_OP_ANNOT || in->op == STG_OP_MATCH ? WALK_END
                                                                                   : WALK_ON;
}

/* Does every path from `pc` pass a sentence-start anchor before consuming anything? */
static gboolean starts_anchored(code_walk *w, uint32_t pc) {
  return walk_code(w, pc, anchored_visit, NULL);
}

static void build_triggers(stancetag_program *p) {
  trig_sets t = {g_array_new(FALSE, FALSE, sizeof(pair)), g_array_new(FALSE, FALSE, sizeof(pair)),
                 g_array_new(FALSE, FALSE, sizeof(pair)), g_array_new(FALSE, FALSE, sizeof(pair))};
  GArray *trig = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *anyw = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  uint32_t *order = g_new(uint32_t, p->n_rules + 1);
  code_walk w;
  walk_init(&w, p);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    order[r] = r;
    p->rules[r].anchored = starts_anchored(&w, p->rules[r].pc);
    guint w0 = t.word->len, c0 = t.cls->len, l0 = t.label->len, s0 = t.shape->len;
    if (!first_set(&w, p->rules[r].pc, &t, r)) {
      g_array_set_size(t.word, w0);
      g_array_set_size(t.cls, c0);
      g_array_set_size(t.label, l0);
      g_array_set_size(t.shape, s0);
      p->rules[r].anywhere = 1;
    }
  }
  walk_clear(&w);
  /* shape triggers by mask, then rule, without repeats: the scanner tests each mask once */
  g_array_sort(t.shape, stg_pair_cmp);
  GArray *shape = g_array_new(FALSE, FALSE, sizeof(stg_shape_trig));
  for (guint i = 0; i < t.shape->len; i++) {
    const pair *e = &g_array_index(t.shape, pair, i);
    if (i && memcmp(e, &g_array_index(t.shape, pair, i - 1), sizeof *e) == 0)
      continue;
    stg_shape_trig st = {e->a, e->b};
    g_array_append_val(shape, st);
  }
  p->n_shape_trig = shape->len;
  p->shape_trig = (stg_shape_trig *)(void *)g_array_free(shape, FALSE);
  p->word_trig_off = stg_pairs_to_lists(t.word, p->n_words + 1, trig);
  p->n_word_trig_off = p->n_words + 2;
  p->class_trig_off = stg_pairs_to_lists(t.cls, p->n_classes, trig);
  p->n_class_trig_off = p->n_classes + 1;
  p->label_trig_off = stg_pairs_to_lists(t.label, p->n_labels, trig);
  p->n_label_trig_off = p->n_labels + 1;
  g_qsort_with_data(order, (gint)p->n_rules, sizeof(uint32_t), cmp_rule_order, p);
  p->n_phase_off = p->n_phases + 2;
  p->phase_off = g_new0(uint32_t, p->n_phase_off);
  p->n_anywhere = p->n_phases + 2;
  p->anywhere = g_new0(uint32_t, p->n_anywhere);
  uint32_t i = 0;
  for (uint32_t ph = 0; ph <= p->n_phases; ph++) {
    p->phase_off[ph] = i;
    p->anywhere[ph] = anyw->len;
    for (; i < p->n_rules && p->rules[order[i]].phase == ph; i++)
      if (p->rules[order[i]].anywhere)
        g_array_append_val(anyw, order[i]);
  }
  p->phase_off[p->n_phases + 1] = p->n_rules;
  p->anywhere[p->n_phases + 1] = anyw->len;
  p->n_phase_rules = p->n_rules;
  p->phase_rules = order;
  p->n_trig = trig->len;
  p->trig = (uint32_t *)(void *)g_array_free(trig, FALSE);
  p->n_anyw = anyw->len;
  p->anyw = (uint32_t *)(void *)g_array_free(anyw, FALSE);
  g_array_free(t.word, TRUE);
  g_array_free(t.cls, TRUE);
  g_array_free(t.label, TRUE);
  g_array_free(t.shape, TRUE);
}

/* ---- predicate sets -------------------------------------------------------------------- */

static int cmp_pred(const void *x, const void *y) {
  const stg_pred *a = x, *b = y;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return a->b < b->b ? -1 : a->b > b->b;
}

/* Sorts the predicates of each PRED instruction by (kind, word): the VM finds a word among a
 * large alternation ("is" | "are" | "was" | ...) by binary search. */
static void sort_pred_sets(stancetag_program *p) {
  for (uint32_t i = 0; i < p->n_code; i++)
    if (p->code[i].op == STG_OP_PRED && p->code[i].b > 1)
      qsort(p->preds + p->code[i].a, p->code[i].b, sizeof(stg_pred), cmp_pred);
}

/* ---- requirements ---------------------------------------------------------------------- */

typedef struct reach_ctx {
  uint32_t avoid;
  const guint8 *avoid_set;
  GArray *out;
  int match;
} reach_ctx;

static walk_step reach_visit(void *data, uint32_t at, const stg_inst *in) {
  reach_ctx *x = data;
  if (at == x->avoid || (x->avoid_set && x->avoid_set[at]))
    return WALK_STOP;
  if (x->out)
    g_array_append_val(x->out, at);
  x->match |= in->op == STG_OP_MATCH;
  return WALK_ON;
}

/* The instructions of a pattern's code reachable from `pc` without passing `avoid` or an
 * instruction marked in `avoid_set` (look-around sub-programs are not entered) go into `out`
 * (unless NULL). Returns 1 if MATCH is reachable. */
static int reach(code_walk *w, uint32_t pc, uint32_t avoid, const guint8 *avoid_set,
                 GArray *out) {
  reach_ctx x = {avoid, avoid_set, out, 0};
  walk_code(w, pc, reach_visit, &x);
  return x.match;
}

/* Can a sentence-level presence test decide this instruction? PRED over words and classes
 * (not negated), or ANNOT. */
static gboolean presence_testable(const stancetag_program *p, const stg_inst *in) {
  if (in->op == STG_OP_ANNOT)
    return TRUE;
  if (in->op != STG_OP_PRED || in->c)
    return FALSE;
  for (uint32_t k = 0; k < in->b; k++) {
    uint32_t kind = p->preds[in->a + k].kind;
    if (kind != STG_PRED_WORD && kind != STG_PRED_CLASS)
      return FALSE;
  }
  return TRUE;
}

typedef struct consumers_ctx {
  const stancetag_program *p;
  gboolean testable;
  GArray *out;
} consumers_ctx;

static walk_step consumers_visit(void *data, uint32_t at, const stg_inst *in) {
  consumers_ctx *x = data;
  if (in->op == STG_OP_MATCH)
    return WALK_END;
  if (in->op != STG_OP_PRED && in->op != STG_OP_ANNOT)
    return WALK_ON;
  g_array_append_val(x->out, at);
  return x->testable && !presence_testable(x->p, in) ? WALK_END : WALK_STOP;
}

/* The consuming instructions that can come first from `pc` (through jumps, splits, captures,
 * anchors and look-arounds, which consume nothing) go into `out`; FALSE when MATCH is
 * reachable without consuming anything or, with `testable`, when one of them cannot be
 * presence-tested. */
static gboolean first_consumers(code_walk *w, uint32_t pc, gboolean testable, GArray *out) {
  consumers_ctx x = {w->p, testable, out};
  return walk_code(w, pc, consumers_visit, &x);
}

/* Testing cost of a requirement group: annotation labels are one lookup, words and classes
 * one per predicate. */
static uint32_t group_cost(const stancetag_program *p, const uint32_t *g, guint n) {
  uint32_t cost = 0;
  for (guint i = 0; i < n; i++)
    cost += p->code[g[i]].op == STG_OP_ANNOT ? 1 : 1 + p->code[g[i]].b;
  return cost;
}

/* Reorders the groups in req[from..] cheapest first: a sentence without a TARGET annotation
 * rules a stance rule out with one lookup. Stable, so the order stays deterministic. */
static void order_groups(const stancetag_program *p, GArray *req, guint from) {
  const uint32_t *v = (const uint32_t *)(void *)req->data;
  GArray *sorted = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  guint n = req->len - from;
  guint8 *done = g_new0(guint8, n + 1);
  for (;;) {
    guint best = G_MAXUINT, best_len = 0;
    uint32_t best_cost = UINT32_MAX;
    for (guint i = from; i < req->len;) {
      guint j = i;
      while (v[j] < STG_REQ_END_ANYWHERE)
        j++;
      uint32_t cost = group_cost(p, v + i, j - i);
      if (!done[i - from] && cost < best_cost) {
        best = i;
        best_len = j - i;
        best_cost = cost;
      }
      i = j + 1;
    }
    if (best == G_MAXUINT)
      break;
    done[best - from] = 1;
    g_array_append_vals(sorted, v + best, best_len + 1);
  }
  if (n) /* memcpy from NULL is undefined even for 0 bytes (UBSan) */
    memcpy(req->data + (gsize)from * sizeof(uint32_t), sorted->data, n * sizeof(uint32_t));
  g_array_free(sorted, TRUE);
  g_free(done);
}

/* Is group `g` already among the groups req[from..]? */
static gboolean group_known(const GArray *req, guint from, const GArray *g) {
  const uint32_t *v = (const uint32_t *)(void *)req->data;
  for (guint i = from; i < req->len;) {
    guint j = i;
    while (v[j] < STG_REQ_END_ANYWHERE)
      j++;
    if (j - i == g->len && memcmp(v + i, g->data, g->len * sizeof(uint32_t)) == 0)
      return TRUE;
    i = j + 1;
  }
  return FALSE;
}

/* Each rule's requirements: groups of consuming instructions, one of which every match must
 * use. A sentence in which no instruction of some group can match (no such word, class member
 * or annotation) cannot match the rule, so the scanner skips it without running the VM: a
 * sentence with a cue but no target costs the stance rules nothing. Groups come from:
 *  - a label L whose annotations every match consumes: MATCH cannot be reached around all the
 *    ANNOT instructions of L (`PREP ACTOR | ACTOR /'s/` needs an ACTOR); the group is one of
 *    them, as the scanner tests labels only;
 *  - an instruction X that every path to MATCH passes through: X itself when it consumes
 *    ("opposes"), else the instructions that can come first after it (the alternatives of
 *    `cue:(SUPPORT_V | OPPOSE_V | STANCE_CUE)`). Consumers are tried before branch points, so
 *    a long repetition (`_{1,40}`) does not use up the tries before the words after it;
 *  - a positive look-around every path passes: what its pattern can start with (`(?<= TITLE)`
 *    needs a TITLE in the sentence, `(?= GIVEN_NAME NAME_LINK)` a given name).
 * Stored in req[] as instruction indexes, each group ended by STG_REQ_END, or by
 * STG_REQ_END_ANYWHERE when it comes from a look-behind (it may be met before the match's
 * start). Very large rules get no requirements (compile time bound). */
typedef struct req_ctx {
  const stancetag_program *p;
  code_walk w;
  GArray *req;
  guint8 *avoid;
  guint from;         /* the rule's first entry in req */
  guint groups, tries; /* of the rule so far */
} req_ctx;

enum { REQ_MAX_REACH = 4096, REQ_MAX_TRIES = 256, REQ_MAX_GROUPS = 8, REQ_MAX_GROUP = 64 };

/* Is instruction `x` on every path of the fragment from `pc`? */
static gboolean on_every_path(req_ctx *x, uint32_t pc, uint32_t at) {
  return !reach(&x->w, pc, at, NULL, NULL);
}

static void add_group(req_ctx *x, const GArray *group, uint32_t ends) {
  if (group->len == 0 || group->len > REQ_MAX_GROUP || group_known(x->req, x->from, group))
    return;
  g_array_append_vals(x->req, group->data, group->len);
  g_array_append_val(x->req, ends);
  x->groups++;
}

/* The groups of the code fragment from `pc` to its MATCH: a rule's pattern, or the pattern of
 * a positive look-around that every path of one passes (depth > 0). `ends` ends each group:
 * STG_REQ_END, or STG_REQ_END_ANYWHERE within a look-behind. */
static void fragment_groups(req_ctx *x, uint32_t pc, uint32_t ends, int depth) {
  const stancetag_program *p = x->p;
  GArray *all = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *labels = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  GArray *group = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  reach(&x->w, pc, STG_NONE, NULL, all);
  const uint32_t *v = (const uint32_t *)(void *)all->data;
  if (all->len > REQ_MAX_REACH)
    goto done;
  /* Labels every match needs. */
  for (guint i = 0; i < all->len && x->groups < REQ_MAX_GROUPS && x->tries < REQ_MAX_TRIES; i++) {
    const stg_inst *in = &p->code[v[i]];
    gboolean known = in->op != STG_OP_ANNOT;
    for (guint k = 0; k < labels->len && !known; k++)
      known = g_array_index(labels, uint32_t, k) == in->a;
    if (known)
      continue;
    g_array_append_val(labels, in->a);
    x->tries++;
    for (guint k = 0; k < all->len; k++)
      x->avoid[v[k]] = p->code[v[k]].op == STG_OP_ANNOT && p->code[v[k]].a == in->a;
    int around = reach(&x->w, pc, STG_NONE, x->avoid, NULL);
    for (guint k = 0; k < all->len; k++)
      x->avoid[v[k]] = 0;
    if (!around) {
      g_array_set_size(group, 0);
      g_array_append_val(group, v[i]);
      add_group(x, group, ends);
    }
  }
  /* Instructions every match passes: consumers first (pass 0), then positive look-arounds
   * (pass 1), then branch points (pass 2). */
  for (int pass = 0; pass < 3; pass++) {
    for (guint i = 0; i < all->len && x->tries < REQ_MAX_TRIES && x->groups < REQ_MAX_GROUPS;
         i++) {
      uint32_t at = v[i];
      const stg_inst *in = &p->code[at];
      gboolean look = (in->op == STG_OP_LOOK || in->op == STG_OP_LOOK1) && !(in->c & 1);
      gboolean branch = in->op == STG_OP_SPLIT || in->op == STG_OP_JMP;
      if (pass == 0 ? in->op != STG_OP_PRED || !presence_testable(p, in)
          : pass == 1 ? !look
                      : !branch)
        continue;
      x->tries++;
      if (!on_every_path(x, pc, at))
        continue;
      g_array_set_size(group, 0);
      if (in->op == STG_OP_LOOK) { /* its own groups: behind, met anywhere */
        if (depth < 2)
          fragment_groups(x, in->a, in->b ? STG_REQ_END_ANYWHERE : ends, depth + 1);
        continue;
      }
      gboolean ok = TRUE;
      if (in->op == STG_OP_LOOK1) { /* its alternatives */
        for (uint32_t k = 0; k < in->b && ok; k++) {
          uint32_t alt = in->a + k;
          ok = presence_testable(p, &p->code[alt]);
          g_array_append_val(group, alt);
        }
      } else {
        ok = first_consumers(&x->w, at, TRUE, group);
      }
      if (ok)
        add_group(x, group, in->op == STG_OP_LOOK1 && (in->c & 2) ? STG_REQ_END_ANYWHERE : ends);
    }
  }
done:
  g_array_free(all, TRUE);
  g_array_free(labels, TRUE);
  g_array_free(group, TRUE);
}

static void build_requirements(stancetag_program *p) {
  req_ctx x = {p, {0}, g_array_new(FALSE, FALSE, sizeof(uint32_t)),
               g_new0(guint8, p->n_code ? p->n_code : 1), 0, 0, 0};
  walk_init(&x.w, p);
  p->n_req_off = p->n_rules + 1;
  p->req_off = g_new0(uint32_t, p->n_req_off);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    p->req_off[r] = x.from = x.req->len;
    x.groups = x.tries = 0;
    fragment_groups(&x, p->rules[r].pc, STG_REQ_END, 0);
    order_groups(p, x.req, p->req_off[r]);
  }
  p->req_off[p->n_rules] = x.req->len;
  p->n_req = x.req->len;
  p->req = (uint32_t *)(void *)g_array_free(x.req, FALSE);
  walk_clear(&x.w);
  g_free(x.avoid);
}

/* ---- first consumers ------------------------------------------------------------------- */

/* Each rule's first consuming instructions (first_consumers), which the scanner tests before
 * starting the VM (stg_vm_first_step). A list holding STG_NONE means "cannot tell" (an empty
 * match, too many alternatives, or only the unconstrained annotations that triggered the rule):
 * the VM always runs. */
static void build_first(stancetag_program *p) {
  enum { MAX_FIRST = 64 };
  GArray *out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  code_walk w;
  walk_init(&w, p);
  const uint32_t unknown = STG_NONE;
  p->n_first_off = p->n_rules + 1;
  p->first_off = g_new0(uint32_t, p->n_first_off);
  for (uint32_t r = 0; r < p->n_rules; r++) {
    guint from = out->len;
    p->first_off[r] = from;
    gboolean ok = first_consumers(&w, p->rules[r].pc, FALSE, out);
    /* Annotations without constraints are what triggered the rule: nothing to test. */
    gboolean trivial = TRUE;
    for (guint k = from; k < out->len && trivial; k++) {
      const stg_inst *in = &p->code[g_array_index(out, uint32_t, k)];
      trivial = in->op == STG_OP_ANNOT && in->c == 0;
    }
    if (!ok || trivial || out->len - from > MAX_FIRST) {
      g_array_set_size(out, from);
      g_array_append_val(out, unknown);
    }
  }
  p->first_off[p->n_rules] = out->len;
  p->n_first = out->len;
  p->first = (uint32_t *)(void *)g_array_free(out, FALSE);
  walk_clear(&w);
}

/* ---- rules ----------------------------------------------------------------------------- */

static uint32_t cap_or_none(builder *b, const char *name, stg_loc loc, const char *rule) {
  if (!name)
    return STG_NONE;
  for (guint i = 0; i < b->caps->len; i++)
    if (strcmp(g_ptr_array_index(b->caps, i), name) == 0)
      return i;
  stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, loc, "rule `%s` has no capture `%s`", rule,
           name);
  return STG_NONE;
}

static void finish_rule(builder *b, stg_rule *r, stg_loc loc) {
  emit(b, STG_OP_MATCH, 0, 0, 0);
  if (b->too_big) {
    stg_diag(b->d, b->ast, STANCETAG_SEVERITY_ERROR, loc,
             "pattern too large: more than %u instructions after expanding repetitions",
             MAX_CODE);
  }
  r->n_caps = b->caps->len;
  r->cap_names = b->capnames->len;
  for (guint i = 0; i < b->caps->len; i++) {
    uint32_t off = intern(b, g_ptr_array_index(b->caps, i));
    g_array_append_val(b->capnames, off);
  }
}

static guint def_phase(const stg_def *def) {
  if (def->phase)
    return def->phase;
  if (def->sym && def->sym->phase)
    return def->sym->phase;
  return 1;
}

static void compile_span(builder *b, const stg_def *def) {
  uint32_t label = label_index(b, def->sym);
  for (guint i = 0; def->alts && i < def->alts->len; i++) {
    const stg_span_alt *alt = g_ptr_array_index(def->alts, i);
    g_ptr_array_set_size(b->caps, 0);
    stg_rule r = {0};
    r.name = intern(b, def->name);
    r.kind = STG_RULE_SPAN;
    r.label = label;
    r.phase = def_phase(def);
    r.pc = b->code->len;
    r.group = label;
    const char *id = attrs_id(ATTRS_OF(alt->attrs));
    r.attr = b->attrs->len;
    attr_append(b, "id", id ? id : def->name, STG_NONE);
    uint32_t first, n;
    attrs_rest(b, ATTRS_OF(alt->attrs), &first, &n);
    r.n_attr = b->attrs->len - r.attr;
    if (alt->pat)
      emit_pat(b, alt->pat, 0);
    finish_rule(b, &r, alt->loc);
    r.act = b->actions->len;
    g_array_append_val(b->rules, r);
  }
}

static void compile_action_attrs(builder *b, const stg_action *a, stg_pact *out,
                                 const char *rule) {
  out->attr = b->attrs->len;
  for (guint i = 0; a->attrs && i < a->attrs->len; i++) {
    const stg_attr *at = &g_array_index(a->attrs, stg_attr, i);
    const char *name = at->name ? at->name : "id";
    if (a->kind == STG_ACT_STANCE && at->value.kind == STG_VAL_NAME &&
        (strcmp(name, "negated") == 0 || strcmp(name, "hedged") == 0)) {
      gboolean on = strcmp(at->value.text, "true") == 0;
      if (on)
        out->flags |= strcmp(name, "negated") == 0 ? STANCETAG_STANCE_NEGATED
                                                   : STANCETAG_STANCE_HEDGED;
      continue;
    }
    if (at->value.kind == STG_VAL_CAPATTR)
      attr_append(b, name, at->value.attr, cap_or_none(b, at->value.text, at->value.loc, rule));
    else
      attr_append(b, name, at->value.text, STG_NONE);
  }
  out->n_attr = b->attrs->len - out->attr;
}

/* antecedent(capture, LABEL[cons], window) as role `k` (0 holder, 1 target) of a stance. */
static void compile_antecedent(builder *b, const stg_antecedent *an, stg_pact *out, int k) {
  out->ante_label[k] = STG_NONE;
  if (!an || !an->sym)
    return;
  out->ante_label[k] = label_index(b, an->sym);
  out->ante_cons[k] = b->cons->len;
  for (guint i = 0; an->constraints && i < an->constraints->len; i++) {
    const stg_constraint *c = &g_array_index(an->constraints, stg_constraint, i);
    stg_cons_rec r = {intern(b, c->name), intern(b, c->value.text), (uint32_t)c->negated};
    g_array_append_val(b->cons, r);
  }
  out->ante_n_cons[k] = b->cons->len - out->ante_cons[k];
  out->ante_window[k] = an->window | (an->sole ? STG_ANTE_SOLE : 0);
}

static void compile_rule(builder *b, const stg_def *def) {
  g_ptr_array_set_size(b->caps, 0);
  stg_rule r = {0};
  r.name = intern(b, def->name);
  r.kind = STG_RULE_RULE;
  r.phase = def_phase(def);
  r.priority = def->priority;
  r.all = (uint32_t)def->all;
  r.pc = b->code->len;
  r.label = STG_NONE;
  if (def->pat)
    emit_pat(b, def->pat, 0);
  finish_rule(b, &r, def->loc);
  r.group = STG_NONE; /* set in stg_compile: unique per rule */
  r.act = b->actions->len;
  for (guint i = 0; def->actions && i < def->actions->len; i++) {
    const stg_action *a = g_ptr_array_index(def->actions, i);
    stg_pact out = {0};
    out.cue = STG_NONE;
    out.cap = STG_NONE;
    out.pcap = STG_NONE;
    out.ante_label[0] = out.ante_label[1] = STG_NONE;
    if (a->kind == STG_ACT_STANCE) {
      compile_antecedent(b, a->holder_ante, &out, 0);
      compile_antecedent(b, a->target_ante, &out, 1);
      out.kind = STG_PA_STANCE;
      out.holder = cap_or_none(b, a->holder, a->holder_loc, def->name);
      out.target = cap_or_none(b, a->target, a->target_loc, def->name);
      switch (a->polarity) {
      case STG_POL_SUPPORT: out.pol = STG_P_SUPPORT; break;
      case STG_POL_OPPOSE: out.pol = STG_P_OPPOSE; break;
      case STG_POL_OF_CAPTURE: out.pol = STG_P_OF; break;
      case STG_POL_FLIP_OF_CAPTURE: out.pol = STG_P_FLIP; break;
      }
      if (out.pol == STG_P_OF || out.pol == STG_P_FLIP)
        out.pcap = cap_or_none(b, a->polarity_capture, a->polarity_loc, def->name);
      /* The cue is the capture named `cue`, else the one polarity() reads. */
      for (guint k = 0; k < b->caps->len; k++)
        if (strcmp(g_ptr_array_index(b->caps, k), "cue") == 0)
          out.cue = k;
      if (out.cue == STG_NONE)
        out.cue = out.pcap;
    } else {
      out.kind = STG_PA_TAG;
      out.label = a->sym ? label_index(b, a->sym) : 0;
      out.cap = a->capture ? cap_or_none(b, a->capture, a->capture_loc, def->name) : STG_NONE;
    }
    compile_action_attrs(b, a, &out, def->name);
    g_array_append_val(b->actions, out);
  }
  r.n_act = b->actions->len - r.act;
  g_array_append_val(b->rules, r);
}

static void compile_test(builder *b, const stg_def *def) {
  const stg_source *src = g_ptr_array_index(b->ast->sources, def->loc.file);
  uint32_t line = 1;
  for (uint32_t i = 0; i < def->loc.start && i < src->len; i++)
    line += src->text[i] == '\n';
  stg_test t = {intern(b, src->name), line, intern(b, def->test_text ? def->test_text : ""),
                b->expects->len, 0};
  for (guint i = 0; def->expects && i < def->expects->len; i++) {
    const stg_expect *e = g_ptr_array_index(def->expects, i);
    stg_expect_rec r = {0, 0, 0, 0};
    switch (e->kind) {
    case STG_EXPECT_NOTHING: r.kind = STG_EXP_NOTHING; break;
    case STG_EXPECT_STANCE:
      r.kind = STG_EXP_STANCE;
      r.a = intern(b, e->holder);
      r.b = intern(b, e->stance);
      r.c = intern(b, e->target);
      break;
    case STG_EXPECT_ANNOTATION:
      r.kind = STG_EXP_ANNOT;
      r.a = intern(b, e->label);
      r.b = intern(b, e->text);
      break;
    }
    g_array_append_val(b->expects, r);
  }
  t.n_expect = b->expects->len - t.expect;
  g_array_append_val(b->tests, t);
}

/* ---- driver ---------------------------------------------------------------------------- */

static void finish_members(builder *b, stancetag_program *p) {
  /* mem_pairs holds, per member, a (word, index) pair followed by the member itself. */
  guint n = b->mem_pairs->len / 2;
  pair *keys = g_new(pair, n + 1);
  const pair *mp = (const pair *)(void *)b->mem_pairs->data;
  for (guint i = 0; i < n; i++)
    keys[i] = (pair){mp[2 * i].a, 2 * i + 1};
  if (n > 1)
    qsort(keys, n, sizeof(pair), stg_pair_cmp);
  p->n_word_mem_off = p->n_words + 2;
  p->word_mem_off = g_new0(uint32_t, p->n_word_mem_off);
  p->members = g_new0(stg_member, n + 1);
  p->n_members = 0;
  guint j = 0;
  for (uint32_t w = 0; w <= p->n_words; w++) {
    p->word_mem_off[w] = p->n_members;
    for (; j < n && keys[j].a == w; j++) {
      const stg_member mv = {mp[keys[j].b].a, mp[keys[j].b].b}, *m = &mv;
      /* One membership per (class, case) is enough. */
      gboolean dup = FALSE;
      for (uint32_t k = p->word_mem_off[w]; k < p->n_members; k++)
        if (p->members[k].cls == m->cls && p->members[k].cs_text == m->cs_text)
          dup = TRUE;
      if (!dup)
        p->members[p->n_members++] = *m;
    }
  }
  p->word_mem_off[p->n_words + 1] = p->n_members;
  g_free(keys);
}

#define TAKE(p, f, arr, type)                                                                    \
  do {                                                                                           \
    (p)->n_##f = (arr)->len;                                                                     \
    (p)->f = (type *)(void *)g_array_free((arr), FALSE);                                         \
    (arr) = NULL;                                                                                \
  } while (0)

int stg_compile(const stg_ast *ast, stg_diags *d, stancetag_program **out) {
  *out = NULL;
  builder b = {0};
  b.ast = ast;
  b.d = d;
  b.str = g_string_new(NULL);
  g_string_append_c(b.str, '\0'); /* offset 0 is "" */
  size_t empty = strtab_find(&b, &b.strmap, NULL, "", 0, (uint32_t)stg_hash("", 0));
  strtab_set(&b.strmap, empty, 1, (uint32_t)stg_hash("", 0));
  b.word_key = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  uint32_t zero = 0;
  g_array_append_val(b.word_key, zero); /* word id 0: unknown */
  b.mem_pairs = g_array_new(FALSE, FALSE, sizeof(pair));
#define NEWARR(f, t) b.f = g_array_new(FALSE, FALSE, sizeof(t))
  NEWARR(classes, stg_class);
  NEWARR(labels, stg_label);
  NEWARR(attrs, stg_attr_rec);
  NEWARR(cons, stg_cons_rec);
  NEWARR(entities, stg_entity);
  NEWARR(regexes, stg_regex);
  NEWARR(code, stg_inst);
  NEWARR(preds, stg_pred);
  NEWARR(rules, stg_rule);
  NEWARR(capnames, uint32_t);
  NEWARR(actions, stg_pact);
  NEWARR(tests, stg_test);
  NEWARR(expects, stg_expect_rec);
  NEWARR(tpay, pair);
#undef NEWARR
  b.class_of = g_hash_table_new(NULL, NULL);
  b.label_of = g_hash_table_new(NULL, NULL);
  b.regex_of = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  b.tparent = g_array_new(FALSE, FALSE, sizeof(pair));
  pair no_parent = {0, 0};
  g_array_append_val(b.tparent, no_parent); /* the root */
  b.n_tnodes = 1;
  b.caps = g_ptr_array_new_with_free_func(g_free);
  b.fold = g_string_sized_new(256);
  stg_tokens_init(&b.toks);

  /* Word classes get indexes first so patterns can refer to them in any order. */
  for (guint i = 0; i < ast->defs->len; i++) {
    const stg_def *def = g_ptr_array_index(ast->defs, i);
    if (def->kind != STG_DEF_WORDS || !def->sym || g_hash_table_contains(b.class_of, def->sym))
      continue;
    stg_class c = {intern(&b, def->name), b.attrs->len, 0};
    attrs_rest(&b, ATTRS_OF(def->word_attrs), &c.attr, &c.n_attr);
    g_array_append_val(b.classes, c);
    g_hash_table_insert(b.class_of, def->sym, GUINT_TO_POINTER(b.classes->len));
  }
  for (guint i = 0; i < ast->defs->len; i++) {
    const stg_def *def = g_ptr_array_index(ast->defs, i);
    if (!def->sym && (def->kind == STG_DEF_ENTITY || def->kind == STG_DEF_WORDS ||
                      def->kind == STG_DEF_SPAN))
      continue;
    switch (def->kind) {
    case STG_DEF_ENTITY: compile_entity(&b, def); break;
    case STG_DEF_WORDS: compile_words(&b, def); break;
    case STG_DEF_SPAN: compile_span(&b, def); break;
    case STG_DEF_RULE: compile_rule(&b, def); break;
    case STG_DEF_TEST: compile_test(&b, def); break;
    case STG_DEF_IMPORT: break;
    }
  }

  stancetag_program *p = g_new0(stancetag_program, 1);
  p->n_words = b.word_key->len - 1;
  uint32_t max_phase = 0, max_caps = 1;
  for (guint i = 0; i < b.rules->len; i++) {
    stg_rule *r = &g_array_index(b.rules, stg_rule, i);
    if (r->kind == STG_RULE_RULE)
      r->group = b.labels->len + i;
    if (r->phase > max_phase)
      max_phase = r->phase;
    if (r->n_caps > max_caps)
      max_caps = r->n_caps;
  }
  p->n_phases = max_phase;
  p->max_caps = max_caps;
  p->max_code = b.code->len;
  TAKE(p, word_key, b.word_key, uint32_t);
  finish_members(&b, p);
  finish_trie(&b, p);
  TAKE(p, classes, b.classes, stg_class);
  TAKE(p, labels, b.labels, stg_label);
  TAKE(p, attrs, b.attrs, stg_attr_rec);
  TAKE(p, cons, b.cons, stg_cons_rec);
  TAKE(p, entities, b.entities, stg_entity);
  TAKE(p, regexes, b.regexes, stg_regex);
  TAKE(p, code, b.code, stg_inst);
  TAKE(p, preds, b.preds, stg_pred);
  TAKE(p, rules, b.rules, stg_rule);
  TAKE(p, capnames, b.capnames, uint32_t);
  TAKE(p, actions, b.actions, stg_pact);
  TAKE(p, tests, b.tests, stg_test);
  TAKE(p, expects, b.expects, stg_expect_rec);
  p->n_str = (uint32_t)b.str->len;
  p->str = g_string_free(b.str, FALSE);
  /* A pattern cut short at MAX_CODE ("pattern too large") has jumps past the end of its code
   * and no MATCH: the analyses below would walk off it. The program is discarded anyway. */
  if (!b.too_big) {
    sort_pred_sets(p);
    build_triggers(p);
    build_requirements(p);
    build_first(p);
  }

  g_array_free(b.mem_pairs, TRUE);
  g_array_free(b.tpay, TRUE);
  strtab_clear(&b.strmap);
  strtab_clear(&b.wordmap);
  g_hash_table_destroy(b.class_of);
  g_hash_table_destroy(b.label_of);
  g_hash_table_destroy(b.regex_of);
  g_free(b.tkey);
  g_free(b.tval);
  g_array_free(b.tparent, TRUE);
  g_ptr_array_free(b.caps, TRUE);
  g_string_free(b.fold, TRUE);
  stg_tokens_clear(&b.toks);

  char *why = NULL;
  if (d->n_errors == 0 && stg_prog_finish(p, &why) != 0) {
    stg_diag_plain(d, STANCETAG_ECOMPILE, STANCETAG_SEVERITY_ERROR, NULL, "invalid regex: %s",
                   why);
    g_free(why);
  }
  if (d->n_errors) {
    stg_prog_free(p);
    return STANCETAG_ECOMPILE;
  }
  *out = p;
  return STANCETAG_OK;
}
