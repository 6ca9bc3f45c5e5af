/* parser.y: the grammar of the rule language (Bison, pure, LALR(1) with LAC).
 *
 * Builds stg_def / stg_pat nodes (ast.h) for one source file. Errors are recovered at the
 * statement level: after a syntax error the parser skips to the next statement keyword, so
 * one run reports several errors. Every semantic value has a %destructor, so recovery never
 * leaks (except <entry>: entries are the AST's arena's, freed with it). Names are not resolved
 * here (resolve.c does that). */

%code requires {
#include "ast.h"
#include "diag.h"

typedef struct stg_parser stg_parser;
typedef struct stg_term stg_term;

/* Pattern under construction with its tree depth (limits recursion in later passes). */
typedef struct stg_pv {
  stg_pat *pat;
  unsigned depth;
} stg_pv;

typedef struct stg_quant {
  uint32_t min, max;
  gboolean ok;
} stg_quant;

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                                          \
  do {                                                                                       \
    if (N) {                                                                                 \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                                                  \
      (Cur).end = YYRHSLOC(Rhs, N).end;                                                      \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                                                    \
    } else {                                                                                 \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                                        \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                                                    \
    }                                                                                        \
  } while (0)
}

%code provides {
/* Parses source `file` of `ast`; appends the statements to `defs` (stg_def *, in order). */
void stg_parse_source(stg_ast *ast, guint file, stg_diags *d, GPtrArray *defs);
}

%code {
#include "ast-build.h"
#include "lexer.h"

#include <string.h>

/* Tree depth limit: parentheses are limited to STG_MAX_NESTING by the lexer; chains of
 * quantifiers, `!` and captures add levels without parentheses. */
#define MAX_TREE_DEPTH (4 * STG_MAX_NESTING)

struct stg_parser {
  stg_lexer lx;
  stg_ast *ast;
  stg_diags *d;
  GPtrArray *defs;
  GArray *phrases; /* stg_phrase: the phrases of the entry being parsed (texts in the arena) */
  gboolean alt_limit_reported;
  gboolean depth_limit_reported;
};

/* Arguments of stance(...), calls in tests and `name = value` pairs, before they are checked
 * and turned into actions or expectations. */
typedef enum {
  TERM_NAME,
  TERM_STRING,
  TERM_NUMBER,
  TERM_DOT,
  TERM_CALL,
  TERM_ASSIGN,
  TERM_REF /* LABEL[constraints] */
} term_kind;

struct stg_term {
  term_kind kind;
  char *text; /* NAME/STRING/NUMBER text, DOT capture, CALL function, ASSIGN name */
  char *attr; /* DOT attribute */
  GPtrArray *args; /* CALL: stg_term * (owned) */
  stg_term *rhs;   /* ASSIGN */
  GArray *cons;    /* REF: stg_constraint (owned) */
  stg_loc loc;
};

static void term_free(stg_term *t);

static int stg_yylex(STG_YYSTYPE *val, stg_loc *loc, stg_parser *p) {
  return stg_lex_next(&p->lx, val, loc);
}

static void stg_yyerror(const stg_loc *loc, stg_parser *p, const char *msg) {
  /* Only "memory exhausted" reaches here: the parser stack hit YYMAXDEPTH. */
  stg_diag_code(p->d, p->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, *loc,
                "nested too deeply (%s)", msg);
}

#define ERR(loc, ...) stg_diag(p->d, p->ast, STANCETAG_SEVERITY_ERROR, (loc), __VA_ARGS__)

static void value_clear(stg_value *v) {
  g_free(v->text);
  g_free(v->attr);
}

static void attr_clear(stg_attr *a) {
  g_free(a->name);
  value_clear(&a->value);
}

static stg_pat *pat_text(stg_pat_kind kind, stg_loc loc, char *text) {
  stg_pat *pat = stg_ast_pat_new(kind, loc);
  pat->text = text;
  return pat;
}

static stg_pv leaf(stg_pat *pat) {
  stg_pv pv = {pat, 1};
  return pv;
}

/* Wraps `kid` in `node` (a one-kid node), enforcing the depth limit. */
static stg_pv wrap(stg_parser *p, stg_pat *node, stg_pv kid) {
  stg_pv pv = {node, kid.depth + 1};
  if (pv.depth > MAX_TREE_DEPTH) {
    if (!p->depth_limit_reported)
      stg_diag_code(p->d, p->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, node->loc,
                    "pattern nested deeper than %d levels", MAX_TREE_DEPTH);
    p->depth_limit_reported = TRUE;
    stg_ast_pat_free(node);
    return kid;
  }
  stg_ast_pat_add(node, kid.pat);
  return pv;
}

/* a | b | c and a b c are built as flat ALT / SEQ nodes. */
static stg_pv join(stg_parser *p, stg_pat_kind kind, stg_pv left, stg_pv right, stg_loc loc) {
  stg_pv pv = left;
  if (left.pat->kind != kind) {
    pv.pat = stg_ast_pat_new(kind, loc);
    stg_ast_pat_add(pv.pat, left.pat);
    pv.depth = left.depth + 1;
  }
  pv.pat->loc = loc;
  if (kind == STG_PAT_ALT && pv.pat->kids->len >= STG_MAX_ALTERNATIVES) {
    if (!p->alt_limit_reported)
      stg_diag_code(p->d, p->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR, right.pat->loc,
                    "more than %u alternatives in one pattern", STG_MAX_ALTERNATIVES);
    p->alt_limit_reported = TRUE;
    stg_ast_pat_free(right.pat);
    return pv;
  }
  stg_ast_pat_add(pv.pat, right.pat);
  pv.depth = MAX(pv.depth, right.depth + 1);
  return pv;
}

static GPtrArray *own(GPtrArray *a) {
  g_ptr_array_set_free_func(a, NULL);
  return a;
}

/* Entries do not nest, so one list serves them all; it restarts at each entry's first
 * phrase (after an error it may hold a dropped entry's phrases, whose texts the arena owns). */
static void phrase_add(stg_parser *p, char *text, gboolean case_sensitive, stg_loc loc,
                       gboolean first) {
  if (first)
    g_array_set_size(p->phrases, 0);
  stg_phrase ph = {stg_arena_strdup(&p->ast->arena, text), case_sensitive, loc};
  g_free(text);
  g_array_append_val(p->phrases, ph);
}
static void free_alt(gpointer a) { stg_ast_span_alt_free(a); }
static void free_action(gpointer a) { stg_ast_action_free(a); }
static void free_expect(gpointer e) { stg_ast_expect_free(e); }
static void free_term(gpointer t) { term_free(t); }

static stg_term *term_new(term_kind kind, stg_loc loc, char *text) {
  stg_term *t = g_new0(stg_term, 1);
  t->kind = kind;
  t->loc = loc;
  t->text = text;
  return t;
}

static void term_free(stg_term *t) {
  if (!t)
    return;
  g_free(t->text);
  g_free(t->attr);
  if (t->args)
    g_ptr_array_unref(t->args);
  term_free(t->rhs);
  if (t->cons)
    g_array_unref(t->cons);
  g_free(t);
}

static const char *value_names[] = {"a name",  "a string",      "a number",
                                    "capture.attribute", "a call", "an assignment",
                                    "a label with constraints"};

/* A term used as an attribute value: name, string, number or capture.attribute. */
static gboolean term_value(stg_parser *p, stg_term *t, stg_value *out) {
  memset(out, 0, sizeof *out);
  out->loc = t->loc;
  switch (t->kind) {
  case TERM_NAME: out->kind = STG_VAL_NAME; break;
  case TERM_STRING: out->kind = STG_VAL_STRING; break;
  case TERM_NUMBER: out->kind = STG_VAL_NUMBER; break;
  case TERM_DOT:
    out->kind = STG_VAL_CAPATTR;
    out->attr = g_strdup(t->attr);
    break;
  default:
    ERR(t->loc, "expected an attribute value (a name, string, number or capture.attribute), "
                "found %s", value_names[t->kind]);
    return FALSE;
  }
  out->text = g_strdup(t->text);
  return TRUE;
}

/* A holder or target of stance(): a capture name, or
 * antecedent(CAPTURE, LABEL[cons] [, N] [, sole]). Sets *cap (the capture, owned) and *ante
 * (NULL for a plain capture). */
static gboolean make_role(stg_parser *p, stg_term *t, const char *role, char **cap,
                          stg_antecedent **ante) {
  *cap = NULL;
  *ante = NULL;
  if (t->kind == TERM_NAME) {
    *cap = g_strdup(t->text);
    return TRUE;
  }
  if (t->kind != TERM_CALL || strcmp(t->text, "antecedent") != 0) {
    ERR(t->loc, "the %s of `stance` must be a capture name or `antecedent(capture, LABEL)`",
        role);
    return FALSE;
  }
  guint n = t->args->len;
  stg_term *c = n >= 1 ? g_ptr_array_index(t->args, 0) : NULL;
  stg_term *l = n >= 2 ? g_ptr_array_index(t->args, 1) : NULL;
  stg_term *w = n >= 3 ? g_ptr_array_index(t->args, 2) : NULL;
  stg_term *so = n >= 3 ? g_ptr_array_index(t->args, n - 1) : NULL;
  gboolean sole = so && so->kind == TERM_NAME && strcmp(so->text, "sole") == 0;
  if (w == so && sole)
    w = NULL; /* antecedent(pron, LABEL, sole) */
  if (n < 2 || n > 4 || c->kind != TERM_NAME || (l->kind != TERM_NAME && l->kind != TERM_REF) ||
      (w && w->kind != TERM_NUMBER) || (n == 4 && !sole)) {
    ERR(t->loc, "`antecedent` takes a capture, a label (with optional `[constraints]`), "
                "optionally the number of earlier sentences to search, and optionally `sole`: "
                "`antecedent(pron, ACTOR)`, `antecedent(pron, ACTOR[kind = country], 2)`, "
                "`antecedent(pron, PERSON, 1, sole)`");
    return FALSE;
  }
  guint64 window = 1;
  if (w) {
    window = g_ascii_strtoull(w->text, NULL, 10);
    if (window > STG_MAX_ANTECEDENT_WINDOW) {
      ERR(w->loc, "`antecedent` searches at most %d earlier sentences, not %s",
          STG_MAX_ANTECEDENT_WINDOW, w->text);
      return FALSE;
    }
  }
  stg_antecedent *an = g_new0(stg_antecedent, 1);
  an->label = g_strdup(l->text);
  an->label_loc = l->loc;
  if (l->kind == TERM_REF) {
    an->label_loc.end = an->label_loc.start + (uint32_t)strlen(l->text);
    an->constraints = l->cons;
    l->cons = NULL;
  }
  an->window = (uint32_t)window;
  an->sole = sole;
  *cap = g_strdup(c->text);
  *ante = an;
  return TRUE;
}

/* stance(HOLDER, POLARITY, TARGET [, name = value ...]) */
static stg_action *make_stance(stg_parser *p, GPtrArray *args, stg_loc loc) {
  guint npos = 0;
  gboolean order_ok = TRUE;
  for (guint i = 0; i < args->len; i++) {
    stg_term *t = g_ptr_array_index(args, i);
    if (t->kind != TERM_ASSIGN) {
      npos++;
      order_ok = order_ok && npos == i + 1;
    }
  }
  if (npos != 3 || !order_ok) {
    ERR(loc, "`stance` takes a holder capture, a polarity and a target capture, then optional "
             "`name = value` attributes");
    return NULL;
  }
  stg_term *h = g_ptr_array_index(args, 0), *pol = g_ptr_array_index(args, 1),
           *tg = g_ptr_array_index(args, 2);
  char *hcap, *tcap;
  stg_antecedent *hante, *tante;
  gboolean ok = make_role(p, h, "holder", &hcap, &hante);
  ok = make_role(p, tg, "target", &tcap, &tante) && ok;
  stg_polarity_kind pk = STG_POL_SUPPORT;
  stg_term *cap = NULL;
  if (pol->kind == TERM_NAME && strcmp(pol->text, "support") == 0) {
    pk = STG_POL_SUPPORT;
  } else if (pol->kind == TERM_NAME && strcmp(pol->text, "oppose") == 0) {
    pk = STG_POL_OPPOSE;
  } else if (pol->kind == TERM_CALL && strcmp(pol->text, "polarity") == 0 &&
             pol->args->len == 1 &&
             ((stg_term *)g_ptr_array_index(pol->args, 0))->kind == TERM_NAME) {
    pk = STG_POL_OF_CAPTURE;
    cap = g_ptr_array_index(pol->args, 0);
  } else if (pol->kind == TERM_CALL && strcmp(pol->text, "flip") == 0 && pol->args->len == 1) {
    stg_term *in = g_ptr_array_index(pol->args, 0);
    if (in->kind == TERM_CALL && strcmp(in->text, "polarity") == 0 && in->args->len == 1 &&
        ((stg_term *)g_ptr_array_index(in->args, 0))->kind == TERM_NAME) {
      pk = STG_POL_FLIP_OF_CAPTURE;
      cap = g_ptr_array_index(in->args, 0);
    }
  }
  if (pk == STG_POL_SUPPORT && !(pol->kind == TERM_NAME && strcmp(pol->text, "support") == 0)) {
    ERR(pol->loc, "expected a polarity: `support`, `oppose`, `polarity(capture)` or "
                  "`flip(polarity(capture))`");
    ok = FALSE;
  }
  GArray *attrs = stg_ast_attrs_new();
  for (guint i = 3; i < args->len; i++) {
    stg_term *t = g_ptr_array_index(args, i);
    stg_attr a = {0};
    if (!term_value(p, t->rhs, &a.value)) {
      ok = FALSE;
      continue;
    }
    a.name = g_strdup(t->text);
    a.loc = t->loc;
    g_array_append_val(attrs, a);
  }
  if (!ok) {
    g_array_unref(attrs);
    g_free(hcap);
    g_free(tcap);
    stg_ast_antecedent_free(hante);
    stg_ast_antecedent_free(tante);
    return NULL;
  }
  stg_action *act = g_new0(stg_action, 1);
  act->kind = STG_ACT_STANCE;
  act->loc = loc;
  act->holder = hcap;
  act->holder_loc = hante ? ((stg_term *)g_ptr_array_index(h->args, 0))->loc : h->loc;
  act->holder_ante = hante;
  act->target = tcap;
  act->target_loc = tante ? ((stg_term *)g_ptr_array_index(tg->args, 0))->loc : tg->loc;
  act->target_ante = tante;
  act->polarity = pk;
  if (cap) {
    act->polarity_capture = g_strdup(cap->text);
    act->polarity_loc = cap->loc;
  } else {
    act->polarity_loc = pol->loc;
  }
  act->attrs = attrs;
  return act;
}

/* Test expectations: stance(HOLDER_ID, support|oppose, TARGET_ID) or LABEL("text"). */
static stg_expect *make_expect(stg_parser *p, char *fn, GPtrArray *args, stg_loc loc) {
  stg_expect *e = NULL;
  if (!fn) {
    if (args->len == 3) {
      stg_term *h = g_ptr_array_index(args, 0), *s = g_ptr_array_index(args, 1),
               *t = g_ptr_array_index(args, 2);
      gboolean ids = (h->kind == TERM_NAME || h->kind == TERM_STRING) &&
                     (t->kind == TERM_NAME || t->kind == TERM_STRING);
      gboolean pol = s->kind == TERM_NAME &&
                     (strcmp(s->text, "support") == 0 || strcmp(s->text, "oppose") == 0);
      if (ids && pol) {
        e = g_new0(stg_expect, 1);
        e->kind = STG_EXPECT_STANCE;
        e->holder = g_strdup(h->text);
        e->stance = g_strdup(s->text);
        e->target = g_strdup(t->text);
      }
    }
    if (!e)
      ERR(loc, "expected `stance(HOLDER_ID, support|oppose, TARGET_ID)`");
  } else {
    stg_term *t = args->len == 1 ? g_ptr_array_index(args, 0) : NULL;
    if (t && t->kind == TERM_STRING) {
      e = g_new0(stg_expect, 1);
      e->kind = STG_EXPECT_ANNOTATION;
      e->label = g_strdup(fn);
      e->text = g_strdup(t->text);
    } else {
      ERR(loc, "expected `%s(\"text\")`: one string, the text the annotation covers", fn);
    }
  }
  if (e)
    e->loc = loc;
  return e;
}

static stg_pat *look(stg_loc loc, gboolean behind, gboolean negated);
static stg_quant make_quant(stg_parser *p, long min, stg_loc min_loc, long max, stg_loc max_loc,
                            stg_loc loc);

static stg_loc loc_join(stg_loc a, stg_loc b) {
  stg_loc l = {a.start, b.end, a.file};
  return l;
}
}

%define api.pure full
%define api.prefix {stg_yy}
%define api.token.prefix {TOK_}
%define api.location.type {stg_loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%parse-param {stg_parser *p}
%lex-param {stg_parser *p}
%initial-action {
  @$.start = @$.end = 0;
  @$.file = p->lx.file;
}

%union {
  char *str;
  struct { char *text; gboolean flag; } lit;
  long num;
  stg_pv pv;
  stg_quant quant;
  stg_def *def;
  stg_value value;
  stg_attr attr;
  GArray *array;      /* stg_attr, stg_constraint or stg_word_item (elements cleared on free) */
  GPtrArray *ptrs;    /* with a free function until moved into a node */
  stg_entry *entry;
  stg_action *action;
  stg_expect *expect;
  stg_term *term;
  stg_constraint constraint;
}

%token <str> NAME "a name"
%token <str> ATTRNAME "an attribute name"
%token <lit> STRING "a string"
%token <lit> REGEX "a regex"
%token <num> NUMBER "a number"
%token <num> SHAPE "a shape"
%token <str> IMPORT "`import`" ENTITY "`entity`" WORDS "`words`" SPAN "`span`" RULE "`rule`"
%token <str> TEST "`test`" FROM "`from`" VERB "`verb`" NOUN "`noun`" STANCE "`stance`"
%token <str> TAG "`tag`" NOTHING "`nothing`"
%token ARROW "`->`" FATARROW "`=>`" NE "`!=`" ATTR_COMMA "`,` "
%token LOOK_AHEAD "`(?=`" LOOK_NAHEAD "`(?!`" LOOK_BEHIND "`(?<=`" LOOK_NBEHIND "`(?<!`"

%type <def> stmt import entity words span rule test
%type <pv> pattern alt seq item postfix primary
%type <quant> quant
%type <value> value cvalue
%type <attr> attr rule_opt
%type <array> attrs_opt attr_list word_items word_item wordargs rule_opts rule_opts_opt constraints
%type <ptrs> entries colnames span_alts actions terms expects
%type <entry> entry
%type <action> action
%type <expect> expect
%type <term> term
%type <str> anyname tag_capture
%type <lit> wordarg
%type <constraint> constraint

%destructor { g_free($$); } <str>
%destructor { g_free($$.text); } <lit>
%destructor { stg_ast_pat_free($$.pat); } <pv>
%destructor { stg_ast_def_free($$); } <def>
%destructor { value_clear(&$$); } <value>
%destructor { attr_clear(&$$); } <attr>
%destructor { if ($$) g_array_unref($$); } <array>
%destructor { g_ptr_array_unref($$); } <ptrs>
%destructor { stg_ast_action_free($$); } <action>
%destructor { stg_ast_expect_free($$); } <expect>
%destructor { term_free($$); } <term>
%destructor { g_free($$.name); value_clear(&$$.value); } <constraint>

%%

file:
  %empty
| file stmt {
    if ($2)
      g_ptr_array_add(p->defs, $2);
    /* A whole statement parsed after an error: report the next error at once. */
    yyerrok;
  }
| file error
;

stmt: import | entity | words | span | rule | test ;

import:
  IMPORT STRING {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_IMPORT, @$);
    $$->name = $2.text;
    $$->name_loc = @2;
  }
;

/* ---- entity ---- */

entity:
  ENTITY NAME '{' entries '}' {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_ENTITY, @$);
    $$->name = $2;
    $$->name_loc = @2;
    $$->entries = $4;
  }
| ENTITY NAME FROM STRING '(' colnames ')' {
    g_free($1);
    g_free($3);
    $$ = stg_ast_def_new(STG_DEF_ENTITY, @$);
    $$->name = $2;
    $$->name_loc = @2;
    $$->entries = g_ptr_array_new();
    $$->tsv_path = $4.text;
    $$->tsv_columns = $6;
    /* Where the TSV path is written: the front end reports read errors there. */
    $$->loc = @4;
  }
;

entries:
  %empty        { $$ = g_ptr_array_new(); /* the entries live in the arena */ }
| entries entry { $$ = $1; g_ptr_array_add($$, $2); }
;

entry:
  phrases attrs_opt {
    GArray *attrs = $2;
    if (attrs) {
      for (guint i = 0; i < attrs->len; i++)
        stg_ast_attr_to_arena(p->ast, &g_array_index(attrs, stg_attr, i));
      g_array_set_clear_func(attrs, NULL); /* the strings are the arena's now */
    }
    $$ = stg_ast_entry_new(p->ast, @$, (const stg_phrase *)(void *)p->phrases->data,
                           p->phrases->len, attrs ? (const stg_attr *)(void *)attrs->data : NULL,
                           attrs ? attrs->len : 0);
    if (attrs)
      g_array_unref(attrs);
  }
;

phrases:
  STRING             { phrase_add(p, $1.text, $1.flag, @1, TRUE); }
| phrases '|' STRING { phrase_add(p, $3.text, $3.flag, @3, FALSE); }
;

colnames:
  NAME              { $$ = g_ptr_array_new_with_free_func(g_free); g_ptr_array_add($$, $1); }
| colnames ',' NAME { $$ = $1; g_ptr_array_add($$, $3); }
;

/* ---- attributes ---- */

attrs_opt:
  %empty          { $$ = NULL; }
| ARROW attr_list { $$ = $2; }
;

attr_list:
  attr                      { $$ = stg_ast_attrs_new(); g_array_append_val($$, $1); }
| attr_list ATTR_COMMA attr {
    $$ = $1;
    if (!$3.name)
      ERR(@3, "a value without a name is the id and must come first");
    for (guint i = 0; $3.name && i < $$->len; i++) {
      const char *n = g_array_index($$, stg_attr, i).name;
      const char *a = n ? n : "id", *b = $3.name ? $3.name : "id";
      if (strcmp(a, b) == 0) {
        ERR(@3, "attribute `%s` is given twice", b);
        break;
      }
    }
    g_array_append_val($$, $3);
  }
;

attr:
  ATTRNAME cvalue { memset(&$$, 0, sizeof $$); $$.name = $1; $$.value = $2; $$.loc = @$; }
| cvalue          { memset(&$$, 0, sizeof $$); $$.value = $1; $$.loc = @$; }
;

value:
  NAME   { memset(&$$, 0, sizeof $$); $$.kind = STG_VAL_NAME; $$.text = $1; $$.loc = @$; }
| STRING { memset(&$$, 0, sizeof $$); $$.kind = STG_VAL_STRING; $$.text = $1.text; $$.loc = @$; }
| NUMBER {
    memset(&$$, 0, sizeof $$);
    $$.kind = STG_VAL_NUMBER;
    $$.text = g_strdup_printf("%ld", $1);
    $$.loc = @$;
  }
;

/* A value that may also be capture.attribute (checked by resolution). */
cvalue:
  value
| NAME '.' NAME {
    memset(&$$, 0, sizeof $$);
    $$.kind = STG_VAL_CAPATTR;
    $$.text = $1;
    $$.attr = $3;
    $$.loc = @$;
  }
;

/* ---- words ---- */

words:
  WORDS NAME '=' word_items attrs_opt {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_WORDS, @$);
    $$->name = $2;
    $$->name_loc = @2;
    $$->words = $4;
    $$->word_attrs = $5 ? $5 : stg_ast_attrs_new();
  }
;

word_items:
  word_item
| word_items '|' word_item {
    $$ = $1;
    g_array_append_vals($$, $3->data, $3->len);
    g_array_set_clear_func($3, NULL); /* the strings moved to $$ */
    g_array_unref($3);
  }
;

word_item:
  STRING {
    stg_word_item w = {STG_WORD_LIT, $1.text, $1.flag, @1, NULL};
    $$ = stg_ast_words_new();
    g_array_append_val($$, w);
  }
| NAME {
    stg_word_item w = {STG_WORD_REF, $1, FALSE, @1, NULL};
    $$ = stg_ast_words_new();
    g_array_append_val($$, w);
  }
| VERB '(' wordargs ')' {
    g_free($1);
    $$ = $3;
    for (guint i = 0; i < $$->len; i++)
      g_array_index($$, stg_word_item, i).kind = STG_WORD_VERB;
  }
| NOUN '(' wordargs ')' {
    g_free($1);
    $$ = $3;
    for (guint i = 0; i < $$->len; i++)
      g_array_index($$, stg_word_item, i).kind = STG_WORD_NOUN;
  }
;

wordargs:
  wordarg {
    stg_word_item w = {STG_WORD_LIT, $1.text, $1.flag, @1, NULL};
    $$ = stg_ast_words_new();
    g_array_append_val($$, w);
  }
| wordargs ',' wordarg {
    stg_word_item w = {STG_WORD_LIT, $3.text, $3.flag, @3, NULL};
    $$ = $1;
    g_array_append_val($$, w);
  }
;

/* verb(from), noun(tag): keywords that cannot start a statement are fine as words here;
 * statement keywords must be quoted (verb("test")), so error recovery can resync on them. */
wordarg:
  anyname { $$.text = $1; $$.flag = FALSE; }
| STRING
;

anyname:
  NAME | FROM | VERB | NOUN | STANCE | TAG | NOTHING
;

/* ---- span ---- */

span:
  SPAN NAME '{' span_alts pattern attrs_opt '}' {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_SPAN, @$);
    $$->name = $2;
    $$->name_loc = @2;
    stg_span_alt *alt = g_new0(stg_span_alt, 1);
    alt->pat = $5.pat;
    alt->attrs = $6 ? $6 : stg_ast_attrs_new();
    alt->loc = $6 ? loc_join(@5, @6) : @5;
    g_ptr_array_add($4, alt);
    $$->alts = own($4);
  }
| SPAN NAME '=' pattern attrs_opt {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_SPAN, @$);
    $$->name = $2;
    $$->name_loc = @2;
    stg_span_alt *alt = g_new0(stg_span_alt, 1);
    alt->pat = $4.pat;
    alt->attrs = $5 ? $5 : stg_ast_attrs_new();
    alt->loc = $5 ? loc_join(@4, @5) : @4;
    $$->alts = g_ptr_array_new();
    g_ptr_array_add($$->alts, alt);
  }
;

/* Alternatives of a block are told apart by their `-> attributes`; only the last one may
 * leave them out. */
span_alts:
  %empty { $$ = g_ptr_array_new_with_free_func(free_alt); }
| span_alts pattern ARROW attr_list {
    stg_span_alt *alt = g_new0(stg_span_alt, 1);
    alt->pat = $2.pat;
    alt->attrs = $4;
    alt->loc = loc_join(@2, @4);
    $$ = $1;
    g_ptr_array_add($$, alt);
  }
;

/* ---- rule ---- */

rule:
  RULE NAME rule_opts_opt ':' pattern FATARROW actions {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_RULE, @$);
    $$->name = $2;
    $$->name_loc = @2;
    $$->pat = $5.pat;
    $$->actions = own($7);
    for (guint i = 0; $3 && i < $3->len; i++) {
      stg_attr *o = &g_array_index($3, stg_attr, i);
      if (strcmp(o->name, "priority") == 0 && o->value.text)
        $$->priority = (int)strtol(o->value.text, NULL, 10);
      else if (strcmp(o->name, "priority") == 0)
        ERR(o->loc, "rule option `priority` needs a number: `priority N`");
      else if (strcmp(o->name, "all") == 0 && !o->value.text)
        $$->all = TRUE;
      else if (strcmp(o->name, "all") == 0)
        ERR(o->loc, "rule option `all` takes no value");
      else
        ERR(o->loc, "unknown rule option `%s`; the options are `priority N` and `all`",
            o->name);
    }
    if ($3)
      g_array_unref($3);
  }
;

rule_opts_opt:
  %empty              { $$ = NULL; }
| '[' rule_opts ']'   { $$ = $2; }
;

rule_opts:
  rule_opt               { $$ = stg_ast_attrs_new(); g_array_append_val($$, $1); }
| rule_opts ',' rule_opt { $$ = $1; g_array_append_val($$, $3); }
;

rule_opt:
  NAME        { memset(&$$, 0, sizeof $$); $$.name = $1; $$.loc = @$; }
| NAME NUMBER {
    memset(&$$, 0, sizeof $$);
    $$.name = $1;
    $$.value.kind = STG_VAL_NUMBER;
    $$.value.text = g_strdup_printf("%ld", $2);
    $$.loc = @$;
  }
;

actions:
  action {
    $$ = g_ptr_array_new_with_free_func(free_action);
    if ($1)
      g_ptr_array_add($$, $1);
  }
| actions ',' action {
    $$ = $1;
    if ($3)
      g_ptr_array_add($$, $3);
  }
;

action:
  STANCE '(' terms ')' {
    g_free($1);
    $$ = make_stance(p, $3, @$);
    g_ptr_array_unref($3);
  }
| TAG NAME tag_capture attrs_opt {
    g_free($1);
    $$ = g_new0(stg_action, 1);
    $$->kind = STG_ACT_TAG;
    $$->loc = @$;
    $$->label = $2;
    $$->capture = $3;
    $$->capture_loc = @2;
    if ($3) { /* the name inside the parentheses */
      $$->capture_loc.start = @3.start + 1;
      $$->capture_loc.end = @3.end - 1;
    }
    $$->attrs = $4 ? $4 : stg_ast_attrs_new();
  }
;

tag_capture:
  %empty       { $$ = NULL; }
| '(' NAME ')' { $$ = $2; }
;

terms:
  term           { $$ = g_ptr_array_new_with_free_func(free_term); g_ptr_array_add($$, $1); }
| terms ',' term { $$ = $1; g_ptr_array_add($$, $3); }
;

term:
  NAME              { $$ = term_new(TERM_NAME, @$, $1); }
| STRING            { $$ = term_new(TERM_STRING, @$, $1.text); }
| NUMBER            { $$ = term_new(TERM_NUMBER, @$, g_strdup_printf("%ld", $1)); }
| NAME '.' NAME     { $$ = term_new(TERM_DOT, @$, $1); $$->attr = $3; }
| NAME '(' terms ')' { $$ = term_new(TERM_CALL, @$, $1); $$->args = $3; }
| NAME '[' constraints ']' { $$ = term_new(TERM_REF, @$, $1); $$->cons = $3; }
| NAME '=' term     { $$ = term_new(TERM_ASSIGN, @$, $1); $$->rhs = $3; }
;

/* ---- test ---- */

test:
  TEST STRING FATARROW expects {
    g_free($1);
    $$ = stg_ast_def_new(STG_DEF_TEST, @$);
    $$->test_text = $2.text;
    $$->name_loc = @2;
    $$->expects = own($4);
  }
;

expects:
  NOTHING {
    g_free($1);
    stg_expect *e = g_new0(stg_expect, 1);
    e->kind = STG_EXPECT_NOTHING;
    e->loc = @1;
    $$ = g_ptr_array_new_with_free_func(free_expect);
    g_ptr_array_add($$, e);
  }
| expect {
    $$ = g_ptr_array_new_with_free_func(free_expect);
    if ($1)
      g_ptr_array_add($$, $1);
  }
| expects ',' expect {
    $$ = $1;
    if ($3)
      g_ptr_array_add($$, $3);
  }
;

expect:
  STANCE '(' terms ')' {
    g_free($1);
    $$ = make_expect(p, NULL, $3, @$);
    g_ptr_array_unref($3);
  }
| NAME '(' terms ')' {
    $$ = make_expect(p, $1, $3, @$);
    g_free($1);
    g_ptr_array_unref($3);
  }
;

/* ---- patterns ---- */

pattern: alt ;

alt:
  seq
| alt '|' seq { $$ = join(p, STG_PAT_ALT, $1, $3, @$); }
;

seq:
  item
| seq item { $$ = join(p, STG_PAT_SEQ, $1, $2, @$); }
;

item:
  postfix
| NAME ':' postfix { $$ = wrap(p, pat_text(STG_PAT_CAPTURE, @$, $1), $3); }
;

postfix:
  primary
| postfix quant {
    if ($2.ok) {
      stg_pat *r = stg_ast_pat_new(STG_PAT_REPEAT, @$);
      r->min = $2.min;
      r->max = $2.max;
      $$ = wrap(p, r, $1);
    } else {
      $$ = $1;
    }
  }
;

quant:
  '?' { $$.min = 0; $$.max = 1; $$.ok = TRUE; }
| '*' { $$.min = 0; $$.max = STG_REPEAT_INF; $$.ok = TRUE; }
| '+' { $$.min = 1; $$.max = STG_REPEAT_INF; $$.ok = TRUE; }
| '{' NUMBER '}' { $$ = make_quant(p, $2, @2, $2, @2, @$); }
| '{' NUMBER ',' NUMBER '}' { $$ = make_quant(p, $2, @2, $4, @4, @$); }
| '{' NUMBER ',' '}' { $$ = make_quant(p, $2, @2, -1, @2, @$); }
;

primary:
  STRING {
    $$ = leaf(pat_text(STG_PAT_LIT, @$, $1.text));
    $$.pat->case_sensitive = $1.flag;
  }
| NAME { $$ = leaf(pat_text(STG_PAT_REF, @$, $1)); }
| NAME '[' constraints ']' {
    $$ = leaf(pat_text(STG_PAT_REF, @$, $1));
    $$.pat->constraints = $3;
  }
| REGEX {
    $$ = leaf(pat_text(STG_PAT_REGEX, @$, $1.text));
    $$.pat->icase = $1.flag;
  }
| SHAPE { $$ = leaf(stg_ast_pat_new(STG_PAT_SHAPE, @$)); $$.pat->shape = (stg_shape)$1; }
| '_'   { $$ = leaf(stg_ast_pat_new(STG_PAT_ANY, @$)); }
| '^'   { $$ = leaf(stg_ast_pat_new(STG_PAT_BOS, @$)); }
| '$'   { $$ = leaf(stg_ast_pat_new(STG_PAT_EOS, @$)); }
| '!' primary { $$ = wrap(p, stg_ast_pat_new(STG_PAT_NOT, @$), $2); }
| '(' pattern ')' { $$ = $2; }
| LOOK_AHEAD pattern ')'   { $$ = wrap(p, look(@$, FALSE, FALSE), $2); }
| LOOK_NAHEAD pattern ')'  { $$ = wrap(p, look(@$, FALSE, TRUE), $2); }
| LOOK_BEHIND pattern ')'  { $$ = wrap(p, look(@$, TRUE, FALSE), $2); }
| LOOK_NBEHIND pattern ')' { $$ = wrap(p, look(@$, TRUE, TRUE), $2); }
;

constraints:
  constraint                 { $$ = stg_ast_constraints_new(); g_array_append_val($$, $1); }
| constraints ',' constraint { $$ = $1; g_array_append_val($$, $3); }
;

constraint:
  NAME '=' value { $$.name = $1; $$.negated = FALSE; $$.value = $3; $$.loc = @$; }
| NAME NE value  { $$.name = $1; $$.negated = TRUE; $$.value = $3; $$.loc = @$; }
;

%%

static stg_pat *look(stg_loc loc, gboolean behind, gboolean negated) {
  stg_pat *pat = stg_ast_pat_new(STG_PAT_LOOK, loc);
  pat->behind = behind;
  pat->negated = negated;
  return pat;
}

static stg_quant make_quant(stg_parser *p, long min, stg_loc min_loc, long max, stg_loc max_loc,
                            stg_loc loc) {
  stg_quant q = {(uint32_t)min, max < 0 ? STG_REPEAT_INF : (uint32_t)max, TRUE};
  if (min > (long)STG_MAX_REPEAT || max > (long)STG_MAX_REPEAT) {
    stg_diag_code(p->d, p->ast, STANCETAG_ELIMIT, STANCETAG_SEVERITY_ERROR,
                  min > (long)STG_MAX_REPEAT ? min_loc : max_loc,
                  "repeat bound %ld is above the limit of %u", MAX(min, max), STG_MAX_REPEAT);
    q.ok = FALSE;
  } else if (max >= 0 && min > max) {
    ERR(loc, "bad repeat bounds `{%ld,%ld}`: the minimum is greater than the maximum", min, max);
    q.ok = FALSE;
  }
  return q;
}

/* ---- syntax error messages ---- */

/* The character of a single-character token ('?' for '?'), or 0. */
static char sym_char(yysymbol_kind_t sym) {
  const char *name = yysymbol_name(sym);
  return name[0] == '\'' && name[1] && name[2] == '\'' ? name[1] : 0;
}

/* How a token is named in "expected ..." lists: its alias without quotes. */
static void append_sym(GString *s, yysymbol_kind_t sym) {
  const char *name = yysymbol_name(sym);
  size_t n = strlen(name);
  if (sym == YYSYMBOL_YYEOF) {
    g_string_append(s, "end of file");
  } else if (n >= 2 && name[0] == '"') {
    g_string_append_len(s, name + 1, (gssize)n - 2);
    /* ATTR_COMMA's alias ends with a space to keep it distinct from ','. */
    while (s->len && s->str[s->len - 1] == ' ')
      g_string_truncate(s, s->len - 1);
  } else if (sym_char(sym)) {
    g_string_append_printf(s, "`%c`", sym_char(sym));
  } else {
    g_string_append(s, name);
  }
}

static gboolean is_pattern_start(yysymbol_kind_t k) {
  char c = sym_char(k);
  return k == YYSYMBOL_STRING || k == YYSYMBOL_NAME || k == YYSYMBOL_REGEX ||
         k == YYSYMBOL_SHAPE || k == YYSYMBOL_LOOK_AHEAD || k == YYSYMBOL_LOOK_NAHEAD ||
         k == YYSYMBOL_LOOK_BEHIND || k == YYSYMBOL_LOOK_NBEHIND || (c && strchr("(_^$!", c));
}

/* Tokens that may continue a pattern after an element: another element, a quantifier, `|`,
 * or `:` / `[` after a name. */
static gboolean is_pattern_continuation(yysymbol_kind_t k) {
  char c = sym_char(k);
  return is_pattern_start(k) || (c && strchr("?*+{|:[", c));
}

static gboolean is_stmt_start(yysymbol_kind_t k) {
  return k == YYSYMBOL_IMPORT || k == YYSYMBOL_ENTITY || k == YYSYMBOL_WORDS ||
         k == YYSYMBOL_SPAN || k == YYSYMBOL_RULE || k == YYSYMBOL_TEST;
}

/* "expected `=>` after the pattern, found `rule`": the expected set (exact, thanks to LAC) with
 * the pattern and statement tokens folded into one phrase each. */
static int yyreport_syntax_error(const yypcontext_t *ctx, stg_parser *p) {
  if (p->lx.fatal)
    return 0;
  yysymbol_kind_t exp[YYNTOKENS];
  int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
  gboolean pat_start = FALSE, pat_cont = FALSE, stmt = FALSE, other = FALSE;
  for (int i = 0; i < n; i++) {
    if (exp[i] == YYSYMBOL_REGEX)
      pat_start = TRUE;
    if (sym_char(exp[i]) == '?') /* a quantifier may follow: we are after an element */
      pat_cont = TRUE;
    if (is_stmt_start(exp[i]))
      stmt = TRUE;
  }
  for (int i = 0; i < n; i++)
    if (!is_pattern_continuation(exp[i]) && !is_stmt_start(exp[i]) && exp[i] != YYSYMBOL_YYEOF)
      other = TRUE;
  gboolean after_pattern = pat_start && pat_cont && other;

  GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
  if (stmt)
    g_ptr_array_add(items, g_strdup("a statement"));
  if (pat_start && !after_pattern)
    g_ptr_array_add(items, g_strdup("a pattern element"));
  for (int i = 0; i < n; i++) {
    yysymbol_kind_t k = exp[i];
    if ((stmt && (is_stmt_start(k) || k == YYSYMBOL_YYEOF)) ||
        (pat_start && !after_pattern && is_pattern_start(k)) ||
        (after_pattern && is_pattern_continuation(k)))
      continue;
    if (k == YYSYMBOL_ATTRNAME)
      k = YYSYMBOL_NAME;
    GString *s = g_string_new(NULL);
    append_sym(s, k);
    gboolean dup = FALSE;
    for (guint j = 0; j < items->len; j++)
      dup = dup || strcmp(g_ptr_array_index(items, j), s->str) == 0;
    if (dup)
      g_string_free(s, TRUE);
    else
      g_ptr_array_add(items, g_string_free(s, FALSE));
  }

  GString *msg = g_string_new(NULL);
  if (items->len > 0)
    g_string_append(msg, "expected ");
  for (guint i = 0; i < items->len; i++) {
    if (i > 0)
      g_string_append(msg, i + 1 == items->len ? " or " : ", ");
    g_string_append(msg, g_ptr_array_index(items, i));
  }
  if (after_pattern)
    g_string_append(msg, " after the pattern");
  g_string_append(msg, items->len > 0 ? ", found " : "unexpected ");

  yysymbol_kind_t found = yypcontext_token(ctx);
  const stg_loc *loc = yypcontext_location(ctx);
  const stg_source *src = g_ptr_array_index(p->ast->sources, loc->file);
  size_t len = loc->end - loc->start;
  if (found == YYSYMBOL_YYEOF)
    g_string_append(msg, "end of file");
  else if (len > 0 && len <= 32 && !memchr(src->text + loc->start, '\n', len))
    g_string_append_printf(msg, "`%.*s`", (int)len, src->text + loc->start);
  else
    append_sym(msg, found);
  stg_diag(p->d, p->ast, STANCETAG_SEVERITY_ERROR, *loc, "%s", msg->str);
  g_string_free(msg, TRUE);
  g_ptr_array_unref(items);
  return 0;
}

void stg_parse_source(stg_ast *ast, guint file, stg_diags *d, GPtrArray *defs) {
  stg_parser p = {0};
  stg_lex_init(&p.lx, ast, d, (uint16_t)file);
  p.ast = ast;
  p.d = d;
  p.defs = defs;
  p.phrases = g_array_new(FALSE, FALSE, sizeof(stg_phrase));
  stg_yyparse(&p);
  g_array_unref(p.phrases);
}
