/* reascii.c: token regexes as DFAs over ASCII text (see reascii.h).
 *
 * The source is parsed into a small tree, the tree into a Glushkov automaton (one state per
 * character set, at most 63, as 64-bit sets) and that into a DFA by subset construction over
 * byte classes (bytes that every set treats alike). Anything outside the supported syntax
 * makes the parser give up: PCRE2 stays the reference. */
#include "reascii.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#define MAX_NODES 256
#define MAX_POS 63 /* Glushkov positions; bit 0 is the start */
#define MAX_STATES 255

typedef struct {
  uint64_t lo, hi; /* bytes 0..63 and 64..127 */
} reascii_set;

enum { N_EMPTY, N_SET, N_CAT, N_ALT, N_REP };

typedef struct {
  uint8_t kind;
  int a, b;        /* children (CAT, ALT: both; REP: a) */
  int min, max;    /* REP; max -1: unbounded */
  reascii_set set; /* SET */
} reascii_node;

typedef struct {
  const unsigned char *s;
  int icase, failed;
  reascii_node node[MAX_NODES];
  int n_nodes;
} reascii_parser;

struct stg_reascii {
  uint8_t cls[128]; /* byte -> class */
  uint8_t n_cls;
  uint8_t *next;   /* [state * n_cls + class] -> state; state 0 is dead, 1 the start */
  uint8_t *accept; /* [state] */
};

static void set_add(reascii_set *x, unsigned c) {
  if (c < 64)
    x->lo |= (uint64_t)1 << c;
  else
    x->hi |= (uint64_t)1 << (c - 64);
}

static int set_has(const reascii_set *x, unsigned c) {
  return c < 64 ? (int)((x->lo >> c) & 1) : (int)((x->hi >> (c - 64)) & 1);
}

static void set_range(reascii_set *x, unsigned from, unsigned to) {
  for (unsigned c = from; c <= to; c++)
    set_add(x, c);
}

static void set_union(reascii_set *x, const reascii_set *y) {
  x->lo |= y->lo;
  x->hi |= y->hi;
}

static void set_negate(reascii_set *x) {
  x->lo = ~x->lo;
  x->hi = ~x->hi;
}

static void set_fold_case(reascii_set *x) {
  for (unsigned c = 'A'; c <= 'Z'; c++)
    if (set_has(x, c) || set_has(x, c + 32)) {
      set_add(x, c);
      set_add(x, c + 32);
    }
}

static int new_node(reascii_parser *p, int kind) {
  if (p->n_nodes == MAX_NODES) {
    p->failed = 1;
    return 0;
  }
  reascii_node *n = &p->node[p->n_nodes];
  memset(n, 0, sizeof *n);
  n->kind = (uint8_t)kind;
  return p->n_nodes++;
}

static int pair(reascii_parser *p, int kind, int a, int b) {
  int n = new_node(p, kind);
  p->node[n].a = a;
  p->node[n].b = b;
  return n;
}

/* Skips one non-ASCII UTF-8 character: it never equals an ASCII byte (in a caseless regex it
 * might, K for U+212A KELVIN SIGN, so the parser gives up there). */
static void skip_utf8(reascii_parser *p) {
  if (p->icase)
    p->failed = 1;
  p->s++;
  while ((*p->s & 0xC0) == 0x80)
    p->s++;
}

/* \p{..} or \P{..} after the backslash and letter; the ASCII members of the property. */
static void property(reascii_parser *p, int negated, reascii_set *out) {
  char name[8];
  size_t n = 0;
  if (*p->s == '{') {
    p->s++;
    while (*p->s && *p->s != '}' && n < sizeof name - 1)
      name[n++] = (char)*p->s++;
    if (*p->s != '}') {
      p->failed = 1;
      return;
    }
    p->s++;
  } else if (*p->s) {
    name[n++] = (char)*p->s++;
  }
  name[n] = '\0';
  memset(out, 0, sizeof *out);
  if (strcmp(name, "L") == 0) {
    set_range(out, 'A', 'Z');
    set_range(out, 'a', 'z');
  } else if (strcmp(name, "Lu") == 0 && !p->icase) {
    set_range(out, 'A', 'Z');
  } else if (strcmp(name, "Ll") == 0 && !p->icase) {
    set_range(out, 'a', 'z');
  } else if (strcmp(name, "N") == 0 || strcmp(name, "Nd") == 0) {
    set_range(out, '0', '9');
  } else {
    p->failed = 1; /* other properties, and case-folded Lu / Ll (PCRE2 versions differ) */
    return;
  }
  if (negated)
    set_negate(out);
}

/* One escape after the backslash: a set (class escapes) or a single byte. */
static void escape(reascii_parser *p, reascii_set *out) {
  unsigned char c = *p->s;
  memset(out, 0, sizeof *out);
  if (!c) {
    p->failed = 1;
    return;
  }
  p->s++;
  switch (c) {
  case 'd':
  case 'D':
    set_range(out, '0', '9');
    break;
  case 'w':
  case 'W':
    set_range(out, '0', '9');
    set_range(out, 'A', 'Z');
    set_range(out, 'a', 'z');
    set_add(out, '_');
    break;
  case 's':
  case 'S':
    set_range(out, '\t', '\r'); /* tab, LF, VT, FF, CR */
    set_add(out, ' ');
    break;
  case 'p':
  case 'P':
    property(p, c == 'P', out);
    return;
  case 'n':
    set_add(out, '\n');
    return;
  case 't':
    set_add(out, '\t');
    return;
  case 'r':
    set_add(out, '\r');
    return;
  case 'f':
    set_add(out, '\f');
    return;
  case 'e':
    set_add(out, 0x1B);
    return;
  case 'a':
    set_add(out, 0x07);
    return;
  default:
    if (c < 0x80 && !g_ascii_isalnum(c)) {
      set_add(out, c); /* an escaped punctuation character is itself (it has no case) */
      return;
    }
    p->failed = 1; /* anchors, back-references, \x, \Q, \R, \X, ... */
    return;
  }
  if (g_ascii_isupper(c))
    set_negate(out);
}

/* A class after '['. */
static void char_class(reascii_parser *p, reascii_set *out) {
  int negated = 0;
  memset(out, 0, sizeof *out);
  if (*p->s == '^') {
    negated = 1;
    p->s++;
  }
  int first = 1;
  while (!p->failed) {
    unsigned char c = *p->s;
    if (!c) {
      p->failed = 1;
      return;
    }
    if (c == ']' && !first) {
      p->s++;
      break;
    }
    first = 0;
    if (c == '[') { /* POSIX classes [:alpha:] */
      p->failed = 1;
      return;
    }
    if (c >= 0x80) {
      skip_utf8(p);
      if (*p->s == '-' && p->s[1] != ']')
        p->failed = 1; /* a range from a non-ASCII character */
      continue;
    }
    unsigned lo = c;
    p->s++;
    if (c == '\\') {
      reascii_set e;
      escape(p, &e);
      if (*p->s == '-' && p->s[1] != ']')
        p->failed = 1; /* a range from an escape: rare, and PCRE2 versions differ */
      set_union(out, &e);
      continue;
    }
    if (*p->s == '-' && p->s[1] && p->s[1] != ']') {
      unsigned char hi = p->s[1];
      if (hi >= 0x80 || hi == '\\' || hi == '[' || hi < lo) {
        p->failed = 1;
        return;
      }
      p->s += 2;
      set_range(out, lo, hi);
    } else {
      set_add(out, lo);
    }
  }
  if (p->icase)
    set_fold_case(out);
  if (negated)
    set_negate(out);
}

static int parse_alt(reascii_parser *p);

static int number(reascii_parser *p) {
  if (!g_ascii_isdigit(*p->s))
    return -1;
  int v = 0;
  while (g_ascii_isdigit(*p->s)) {
    v = v * 10 + (*p->s++ - '0');
    if (v > 1000)
      return -1;
  }
  return v;
}

/* A quantifier after an atom, if any: 1 with min, max set, 0 none. */
static int quantifier(reascii_parser *p, int *min, int *max) {
  switch (*p->s) {
  case '*':
    *min = 0, *max = -1;
    break;
  case '+':
    *min = 1, *max = -1;
    break;
  case '?':
    *min = 0, *max = 1;
    break;
  case '{': {
    p->s++;
    int lo = number(p), hi = lo;
    if (*p->s == ',') {
      p->s++;
      if (*p->s == '}')
        hi = -1;
      else if ((hi = number(p)) < 0)
        lo = -1;
    }
    if (lo < 0 || *p->s != '}' || (hi >= 0 && hi < lo)) {
      p->failed = 1; /* not a quantifier: a literal brace in PCRE2; not worth the care */
      return 0;
    }
    *min = lo;
    *max = hi;
    break;
  }
  default:
    return 0;
  }
  p->s++;
  if (*p->s == '?') /* lazy: the same language for a whole-token match */
    p->s++;
  else if (*p->s == '+') /* possessive: a different language */
    p->failed = 1;
  return 1;
}

static int parse_atom(reascii_parser *p) {
  unsigned char c = *p->s;
  int n;
  switch (c) {
  case '(':
    p->s++;
    if (*p->s == '?') {
      if (p->s[1] != ':') {
        p->failed = 1; /* look-arounds, named groups, inline options */
        return 0;
      }
      p->s += 2;
    }
    n = parse_alt(p);
    if (*p->s != ')') {
      p->failed = 1;
      return 0;
    }
    p->s++;
    return n;
  case '[':
    p->s++;
    n = new_node(p, N_SET);
    char_class(p, &p->node[n].set);
    return n;
  case '.':
    p->s++;
    n = new_node(p, N_SET);
    set_negate(&p->node[n].set); /* all but the newlines of NEWLINE_ANY */
    p->node[n].set.lo &=
        ~((uint64_t)1 << '\n' | (uint64_t)1 << '\v' | (uint64_t)1 << '\f' | (uint64_t)1 << '\r');
    return n;
  case '\\':
    p->s++;
    n = new_node(p, N_SET);
    escape(p, &p->node[n].set);
    return n;
  case '^':
  case '$':
  case '*':
  case '+':
  case '?':
  case '{':
  case ')':
  case '|':
    p->failed = 1; /* anchors, and quantifiers with nothing to repeat */
    return 0;
  default:
    n = new_node(p, N_SET);
    if (c >= 0x80) {
      skip_utf8(p); /* an empty set: no ASCII byte matches */
      return n;
    }
    p->s++;
    set_add(&p->node[n].set, c);
    if (p->icase)
      set_fold_case(&p->node[n].set);
    return n;
  }
}

static int parse_cat(reascii_parser *p) {
  int r = new_node(p, N_EMPTY);
  while (!p->failed && *p->s && *p->s != '|' && *p->s != ')') {
    int a = parse_atom(p);
    int min, max;
    if (!p->failed && quantifier(p, &min, &max)) {
      int q = new_node(p, N_REP);
      p->node[q].a = a;
      p->node[q].min = min;
      p->node[q].max = max;
      a = q;
    }
    r = pair(p, N_CAT, r, a);
  }
  return r;
}

static int parse_alt(reascii_parser *p) {
  int r = parse_cat(p);
  while (!p->failed && *p->s == '|') {
    p->s++;
    r = pair(p, N_ALT, r, parse_cat(p));
  }
  return r;
}

/* Glushkov construction: positions are numbered as the tree is walked, so walking a repeated
 * subtree again makes fresh positions for each copy. */
typedef struct {
  reascii_set set[MAX_POS + 1];
  uint64_t follow[MAX_POS + 1];
  int n_pos, failed;
} reascii_glushkov;

typedef struct {
  uint64_t first, last;
  int nullable;
} reascii_part;

static void link(reascii_glushkov *g, uint64_t from, uint64_t to) {
  for (; from; from &= from - 1)
    g->follow[__builtin_ctzll(from)] |= to;
}

static reascii_part cat(reascii_glushkov *g, reascii_part x, reascii_part y) {
  link(g, x.last, y.first);
  reascii_part r = {x.nullable ? x.first | y.first : x.first, y.nullable ? x.last | y.last : y.last,
                    x.nullable && y.nullable};
  return r;
}

static reascii_part walk(reascii_glushkov *g, const reascii_parser *p, int i) {
  const reascii_node *n = &p->node[i];
  reascii_part r = {0, 0, 1}, x;
  if (g->failed)
    return r;
  switch (n->kind) {
  case N_SET:
    if (g->n_pos == MAX_POS) {
      g->failed = 1;
      return r;
    }
    g->n_pos++;
    g->set[g->n_pos] = n->set;
    r.first = r.last = (uint64_t)1 << g->n_pos;
    r.nullable = 0;
    return r;
  case N_CAT:
    return cat(g, walk(g, p, n->a), walk(g, p, n->b));
  case N_ALT:
    r = walk(g, p, n->a);
    x = walk(g, p, n->b);
    r.first |= x.first;
    r.last |= x.last;
    r.nullable |= x.nullable;
    return r;
  case N_REP:
    for (int k = 0; k < n->min && !g->failed; k++)
      r = cat(g, r, walk(g, p, n->a));
    if (n->max < 0) {
      x = walk(g, p, n->a);
      link(g, x.last, x.first); /* the star */
      x.nullable = 1;
      r = cat(g, r, x);
    }
    for (int k = n->min; k < n->max && !g->failed; k++) {
      x = walk(g, p, n->a); /* a{0,k} is (a?)^k */
      x.nullable = 1;
      r = cat(g, r, x);
    }
    return r;
  default:
    return r;
  }
}

/* Subset construction; states are sets of positions, bit 0 the start. */
static stg_reascii *determinize(reascii_glushkov *g, uint64_t last) {
  /* Byte classes: bytes with the same positions behave alike. */
  uint64_t sig[128];
  uint64_t cls_sig[128];
  stg_reascii *a = g_new0(stg_reascii, 1);
  for (unsigned c = 0; c < 128; c++) {
    sig[c] = 0;
    for (int q = 1; q <= g->n_pos; q++)
      if (set_has(&g->set[q], c))
        sig[c] |= (uint64_t)1 << q;
    unsigned k = 0;
    while (k < a->n_cls && cls_sig[k] != sig[c])
      k++;
    if (k == a->n_cls)
      cls_sig[a->n_cls++] = sig[c];
    a->cls[c] = (uint8_t)k;
  }
  uint64_t *state = g_new(uint64_t, MAX_STATES + 1);
  GArray *next = g_array_new(FALSE, TRUE, 1);
  GArray *accept = g_array_new(FALSE, TRUE, 1);
  uint32_t n_states = 2;
  state[0] = 0; /* dead */
  state[1] = 1; /* start */
  g_array_set_size(next, 2 * (size_t)a->n_cls);
  g_array_set_size(accept, 2);
  for (uint32_t s = 1; s < n_states; s++) {
    uint64_t reach = 0;
    for (uint64_t q = state[s]; q; q &= q - 1)
      reach |= g->follow[__builtin_ctzll(q)];
    accept->data[s] = (state[s] & last) != 0;
    for (unsigned k = 0; k < a->n_cls; k++) {
      uint64_t to = reach & cls_sig[k];
      uint32_t t = 0;
      while (t < n_states && state[t] != to)
        t++;
      if (t == n_states) {
        if (n_states == MAX_STATES) {
          g_free(state);
          g_array_free(next, TRUE);
          g_array_free(accept, TRUE);
          g_free(a);
          return NULL;
        }
        state[n_states++] = to;
        g_array_set_size(next, n_states * (size_t)a->n_cls);
        g_array_set_size(accept, n_states);
      }
      next->data[s * a->n_cls + k] = (uint8_t)t;
    }
  }
  g_free(state);
  a->next = (uint8_t *)g_array_free(next, FALSE);
  a->accept = (uint8_t *)g_array_free(accept, FALSE);
  return a;
}

stg_reascii *stg_reascii_new(const char *source, int icase) {
  reascii_parser *p = g_new0(reascii_parser, 1);
  p->s = (const unsigned char *)source;
  p->icase = icase;
  int root = parse_alt(p);
  if (p->failed || *p->s) { /* an unbalanced ')' */
    g_free(p);
    return NULL;
  }
  reascii_glushkov *g = g_new0(reascii_glushkov, 1);
  reascii_part r = walk(g, p, root);
  stg_reascii *a = NULL;
  if (!g->failed) {
    g->follow[0] = r.first; /* the start position leads to the first ones */
    a = determinize(g, r.last | (r.nullable ? 1 : 0));
  }
  g_free(g);
  g_free(p);
  return a;
}

void stg_reascii_free(stg_reascii *a) {
  if (!a)
    return;
  g_free(a->next);
  g_free(a->accept);
  g_free(a);
}

static int run(const stg_reascii *a, const unsigned char *t, size_t len) {
  unsigned s = 1;
  for (size_t i = 0; i < len && s; i++)
    s = a->next[s * a->n_cls + a->cls[t[i]]];
  return a->accept[s];
}

static int is_newline(unsigned char c) {
  return c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int stg_reascii_match(const stg_reascii *a, const char *text, size_t len) {
  const unsigned char *t = (const unsigned char *)text;
  if (run(a, t, len))
    return 1;
  /* `$` also matches before a newline that ends the text (a CR LF pair is one newline). */
  if (len && is_newline(t[len - 1]) && run(a, t, len - 1))
    return 1;
  return len >= 2 && t[len - 2] == '\r' && t[len - 1] == '\n' && run(a, t, len - 2);
}
