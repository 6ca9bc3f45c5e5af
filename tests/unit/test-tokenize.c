/* test-tokenize.c: the document tokenizer and sentence splitter (engine/tokenize.re). */
#include "tokenize.h"

#include <glib.h>
#include <string.h>

/* The same tokenizer built without its pre-DFA fast path, as a reference. */
#define STG_TOK_FASTPATH 0
#define stg_tokenize ref_tokenize
#define stg_tokenize_phrase ref_tokenize_phrase
#define stg_tokens_init ref_tokens_init
#define stg_tokens_clear ref_tokens_clear
#include "tokenize.c"
#undef stg_tokenize
#undef stg_tokenize_phrase
#undef stg_tokens_init
#undef stg_tokens_clear

/* Renders the tokens of t as "a|b|c". */
static char *render(const char *text, const stg_tokens *t) {
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < t->n; i++) {
    if (i)
      g_string_append_c(s, '|');
    g_string_append_len(s, text + t->tok[i].start, t->tok[i].end - t->tok[i].start);
  }
  return g_string_free(s, FALSE);
}

/* Renders the sentences of t as "a|b / c|d" ("//" before a new paragraph). */
static char *render_sent(const char *text, const stg_tokens *t) {
  GString *s = g_string_new(NULL);
  for (size_t k = 0; k < t->n_sent; k++) {
    if (k)
      g_string_append(s, t->sent[k].paragraph != t->sent[k - 1].paragraph ? " // " : " / ");
    for (uint32_t i = t->sent[k].first; i < t->sent[k].last; i++) {
      if (i > t->sent[k].first)
        g_string_append_c(s, '|');
      g_string_append_len(s, text + t->tok[i].start, t->tok[i].end - t->tok[i].start);
    }
  }
  return g_string_free(s, FALSE);
}

static void check_tokens(const char *text, const char *want) {
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize(text, strlen(text), &t), ==, 0);
  char *got = render(text, &t);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  /* A rule phrase tokenizes the same way. */
  g_assert_cmpint(stg_tokenize_phrase(text, strlen(text), &t), ==, 0);
  got = render(text, &t);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  stg_tokens_clear(&t);
}

static void check_sentences(const char *text, const char *want) {
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize(text, strlen(text), &t), ==, 0);
  char *got = render_sent(text, &t);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  stg_tokens_clear(&t);
}

/* Flags of the token whose text is `word` (the first one). */
static uint32_t flags_of(const char *text, const char *word) {
  stg_tokens t;
  stg_tokens_init(&t);
  stg_tokenize(text, strlen(text), &t);
  uint32_t f = 0xFFFFFFFFu;
  for (size_t i = 0; i < t.n; i++)
    if (t.tok[i].end - t.tok[i].start == strlen(word) &&
        memcmp(text + t.tok[i].start, word, strlen(word)) == 0) {
      f = t.tok[i].flags;
      break;
    }
  stg_tokens_clear(&t);
  g_assert_cmphex(f, !=, 0xFFFFFFFFu);
  return f;
}

#define HAS(f, m) (((f) & (m)) == (m))

/* Invariants on any input: tokens in order inside the text, not overlapping, covering every
 * byte that is not whitespace; GLUED exactly when the previous token touches; sentences
 * partition the tokens with SENT_END on their last token; no private flag bits leak. */
static int is_space_at(const unsigned char *p, const unsigned char *end, size_t *n) {
  static const char *const u[] = {
      "\u00A0", "\u1680", "\u2000", "\u2001", "\u2002",   "\u2003", "\u2004", "\u2005", "\u2006",
      "\u2007", "\u2008", "\u2009", "\u200A", "\u200B",   "\u200E", "\u200F", "\u202A", "\u202B",
      "\u202C", "\u202D", "\u202E", "\u202F", "\u205F",   "\u2060", "\u2061", "\u2062", "\u2063",
      "\u2064", "\u2066", "\u2067", "\u2068", "\u2069",   "\u206A", "\u206B", "\u206C", "\u206D",
      "\u206E", "\u206F", "\u3000", "\uFEFF", "\xc2\x85", "\u2028", "\u2029"};
  if (strchr(" \t\n\r\v\f", *p) && *p) {
    *n = 1;
    return 1;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(u); i++) {
    size_t k = strlen(u[i]);
    if ((size_t)(end - p) >= k && memcmp(p, u[i], k) == 0) {
      *n = k;
      return 1;
    }
  }
  return 0;
}

static void check_invariants(const char *text, size_t len, const stg_tokens *t, int sentences) {
  const unsigned char *s = (const unsigned char *)text;
  size_t pos = 0;
  for (size_t i = 0; i < t->n; i++) {
    const stg_token *k = &t->tok[i];
    g_assert_cmpuint(k->start, <, k->end);
    g_assert_cmpuint(k->end, <=, len);
    g_assert_cmpuint(k->start, >=, pos);
    while (pos < k->start) { /* the gap is whitespace only */
      size_t n;
      g_assert_true(is_space_at(s + pos, s + len, &n));
      pos += n;
    }
    g_assert_cmpuint(pos, ==, k->start);
    pos = k->end;
    g_assert_cmphex(k->flags >> 13, ==, 0);
    int glued = i > 0 && t->tok[i - 1].end == k->start;
    g_assert_cmpint(!!(k->flags & STG_TF_GLUED), ==, glued);
    int ascii = 1;
    for (uint32_t b = k->start; b < k->end; b++)
      ascii &= s[b] < 0x80;
    g_assert_cmpint(!!(k->flags & STG_TF_ASCII), ==, ascii);
  }
  while (pos < len) {
    size_t n;
    g_assert_true(is_space_at(s + pos, s + len, &n));
    pos += n;
  }
  if (!sentences) {
    g_assert_cmpuint(t->n_sent, ==, 0);
    return;
  }
  g_assert_cmpint(t->n_sent == 0, ==, t->n == 0);
  uint32_t next = 0, para = 0;
  for (size_t k = 0; k < t->n_sent; k++) {
    const stg_sentence *st = &t->sent[k];
    g_assert_cmpuint(st->first, ==, next);
    g_assert_cmpuint(st->last, >, st->first);
    g_assert_cmpuint(st->last - st->first, <=, 1000);
    g_assert_cmpuint(st->paragraph, >=, para);
    para = st->paragraph;
    for (uint32_t i = st->first; i < st->last; i++)
      g_assert_cmpint(!!(t->tok[i].flags & STG_TF_SENT_END), ==, i + 1 == st->last);
    next = st->last;
  }
  g_assert_cmpuint(next, ==, t->n);
}

/* The fast path and the DFA alone give identical tokens and sentences. */
static void check_reference(const char *text, size_t len, const stg_tokens *t) {
  stg_tokens r;
  stg_tokens_init(&r);
  g_assert_cmpint(ref_tokenize(text, len, &r), ==, 0);
  g_assert_cmpuint(r.n, ==, t->n);
  g_assert_cmpuint(r.n_sent, ==, t->n_sent);
  g_assert_cmpmem(r.tok, r.n * sizeof *r.tok, t->tok, t->n * sizeof *t->tok);
  g_assert_cmpmem(r.sent, r.n_sent * sizeof *r.sent, t->sent, t->n_sent * sizeof *t->sent);
  g_assert_cmpuint(r.invalid_utf8, ==, t->invalid_utf8);
  g_assert_cmpuint(r.nul_bytes, ==, t->nul_bytes);
  stg_tokens_clear(&r);
}

static void check_all(const char *text, size_t len) {
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize(text, len, &t), ==, 0);
  check_invariants(text, len, &t, 1);
  check_reference(text, len, &t);
  g_assert_cmpint(stg_tokenize_phrase(text, len, &t), ==, 0);
  check_invariants(text, len, &t, 0);
  stg_tokens_clear(&t);
}

/* ---- Token rules ---------------------------------------------------------------------- */

static void test_basic(void) {
  check_tokens("Hello, world!", "Hello|,|world|!");
  check_tokens("  The  war\tin\nUkraine.  ", "The|war|in|Ukraine|.");
  check_tokens("(CNN) Xi", "(|CNN|)|Xi");
  check_tokens("a;b:c/d", "a|;|b|:|c|/|d");
  check_tokens("G7 COVID-19 F-16 21st 1990s 3D", "G7|COVID|-|19|F|-|16|21st|1990s|3D");
}

static void test_glued_dateline(void) {
  /* A dateline glued to the first word is split before a sentence starter... */
  check_tokens("WashingtonThe United States", "Washington|The|United|States");
  check_tokens("In FocusLast month", "In|Focus|Last|month");
  check_tokens("Xi's arrivalHe noted", "Xi|'s|arrival|He|noted");
  g_assert_true(HAS(flags_of("WashingtonThe", "The"), STG_TF_GLUED | STG_TF_CAP));
  g_assert_false(flags_of("WashingtonThe", "Washington") & STG_TF_GLUED);
  check_sentences("WashingtonThe United States said.", "Washington / The|United|States|said|.");
  /* ...and names with inner capitals stay whole. */
  check_tokens("McDonald iPhone MacArthur DeSantis LinkedIn YouTube BlackRock McConnell",
               "McDonald|iPhone|MacArthur|DeSantis|LinkedIn|YouTube|BlackRock|McConnell");
  check_tokens("LeBron DiCaprio PayPal WhatsApp JPMorgan iThe TheThe",
               "LeBron|DiCaprio|PayPal|WhatsApp|JPMorgan|iThe|TheThe");
}

static void test_stray_period(void) {
  check_tokens("between Putin and Xi. Jinping, president",
               "between|Putin|and|Xi|.|Jinping|,|president");
  /* Decision: an ordinary sentence end (the tokenizer cannot know Jinping continues a name). */
  check_sentences("between Putin and Xi. Jinping, president",
                  "between|Putin|and|Xi|. / Jinping|,|president");
}

static void test_hyphens(void) {
  check_tokens("the Xi-Putin meeting", "the|Xi|-|Putin|meeting");
  check_tokens("a cease-fire", "a|cease|-|fire");
  check_tokens("slow-moving trench", "slow|-|moving|trench");
  check_tokens("a 12-point plan", "a|12|-|point|plan");
  check_tokens("one-on-one", "one|-|on|-|one");
  check_tokens("wait -- no", "wait|--|no");
  check_tokens("Friday \u2014 a month", "Friday|\u2014|a|month");
  check_tokens("Xi\u2013Putin", "Xi|\u2013|Putin");
  check_tokens("cease\u2010fire", "cease|\u2010|fire");
  const char *s = "the Xi-Putin meeting";
  g_assert_false(flags_of(s, "Xi") & STG_TF_GLUED);
  g_assert_true(HAS(flags_of(s, "-"), STG_TF_GLUED | STG_TF_PUNCT));
  g_assert_true(HAS(flags_of(s, "Putin"), STG_TF_GLUED | STG_TF_CAP));
  g_assert_false(flags_of(s, "meeting") & STG_TF_GLUED);
}

static void test_abbreviations(void) {
  check_tokens("the U.S. and U.K. at 10 a.m. or 5 p.m.", "the|U.S.|and|U.K.|at|10|a.m.|or|5|p.m.");
  check_tokens(
      "Mr. Putin, Mrs. Smith, Dr. Who, Gen. Milley, Sen. Rubio, Rep. Cheney, St. Louis",
      "Mr.|Putin|,|Mrs.|Smith|,|Dr.|Who|,|Gen.|Milley|,|Sen.|Rubio|,|Rep.|Cheney|,|St.|Louis");
  check_tokens("Jan. 5, Feb. 6, Sept. 7, Dec. 8 and May. 9",
               "Jan.|5|,|Feb.|6|,|Sept.|7|,|Dec.|8|and|May|.|9");
  check_tokens("e.g. this, i.e. that, etc. and A vs. B",
               "e.g.|this|,|i.e.|that|,|etc.|and|A|vs.|B");
  check_tokens("No. 5 and no. 6 but No. The", "No.|5|and|no.|6|but|No|.|The");
  check_tokens("Vladimir V. Putin", "Vladimir|V.|Putin");
  check_tokens("John F. Kirby", "John|F.|Kirby");
  check_tokens("Plan B. then", "Plan|B|.|then");
  check_tokens("the U.S", "the|U.S");
  g_assert_true(HAS(flags_of("in the U.S. today", "U.S."), STG_TF_ABBREV | STG_TF_UPPER));
  g_assert_true(HAS(flags_of("at 10 a.m. today", "a.m."), STG_TF_ABBREV | STG_TF_LOWER));
  g_assert_true(HAS(flags_of("John F. Kirby", "F."), STG_TF_ABBREV | STG_TF_CAP));
  g_assert_true(HAS(flags_of("Mr. Putin", "Mr."), STG_TF_ABBREV | STG_TF_CAP));
  g_assert_false(flags_of("No. The", "No") & STG_TF_ABBREV);
  g_assert_false(flags_of("Xi. Jinping", "Xi") & STG_TF_ABBREV);
}

static void test_apostrophes(void) {
  check_tokens("Xi\u2019s visit", "Xi|\u2019s|visit");
  check_tokens("Xi's visit", "Xi|'s|visit");
  check_tokens("don't can't won't isn\u2019t", "do|n't|ca|n't|wo|n't|is|n\u2019t");
  check_tokens("I'm we're they've she'll he'd it\u2019s",
               "I|'m|we|'re|they|'ve|she|'ll|he|'d|it|\u2019s");
  check_tokens("O'Brien O'Neill's rock'n'roll o'clock", "O'Brien|O'Neill|'s|rock'n'roll|o'clock");
  check_tokens("XI'S DON'T", "XI|'S|DO|N'T");
  check_tokens("the U.S.'s role", "the|U.S.|'s|role");
  check_tokens("Ukrainians\u2019 land", "Ukrainians|\u2019|land");
  check_tokens("'sup 'em", "'|sup|'|em");
  g_assert_true(HAS(flags_of("Xi\u2019s", "\u2019s"), STG_TF_GLUED | STG_TF_WORD | STG_TF_LOWER));
  g_assert_false(flags_of("Xi\u2019s", "\u2019s") & STG_TF_ASCII);
  g_assert_true(HAS(flags_of("don't", "n't"), STG_TF_GLUED | STG_TF_ASCII));
  g_assert_true(HAS(flags_of("US\u2019 \u2018elevated\u2019 spying", "\u2018"), STG_TF_QUOTE));
}

static void test_quotes(void) {
  check_tokens("\u201cA ceasefire,\u201d Kirby", "\u201c|A|ceasefire|,|\u201d|Kirby");
  check_tokens("\" Now", "\"|Now");
  g_assert_false(flags_of("\" Now", "Now") & STG_TF_GLUED);
  check_tokens("\u2018Diplomatic Cover\u2019", "\u2018|Diplomatic|Cover|\u2019");
  check_tokens("\u00abnon\u00bb \u201elow\u201c", "\u00ab|non|\u00bb|\u201e|low|\u201c");
  const char *q[] = {"\u201c", "\u201d", "\"", "\u2018", "\u00ab", "\u00bb", "'"};
  for (size_t i = 0; i < G_N_ELEMENTS(q); i++) {
    char *s = g_strdup_printf("a %s b", q[i]);
    g_assert_true(HAS(flags_of(s, q[i]), STG_TF_QUOTE | STG_TF_PUNCT));
    g_free(s);
  }
}

static void test_numbers(void) {
  check_tokens("12 1,000 3.02% 2023-03-21 10:30 10:30:15 3/21/2023",
               "12|1,000|3.02%|2023-03-21|10:30|10:30:15|3/21/2023");
  check_tokens("$5 billion, \u20ac10 and \u00a33", "$|5|billion|,|\u20ac|10|and|\u00a3|3");
  check_tokens("in 2019. Putin", "in|2019|.|Putin");
  check_tokens("3.5mm 2022-23 -5", "3.5|mm|2022|-|23|-|5");
  const char *n[] = {"12", "1,000", "3.02%", "2023-03-21", "10:30"};
  for (size_t i = 0; i < G_N_ELEMENTS(n); i++) {
    uint32_t f = flags_of(n[i], n[i]);
    g_assert_true(HAS(f, STG_TF_NUM | STG_TF_ASCII));
    g_assert_false(f & (STG_TF_WORD | STG_TF_PUNCT));
  }
  g_assert_true(HAS(flags_of("$5", "$"), STG_TF_PUNCT));
  g_assert_true(HAS(flags_of("$5", "5"), STG_TF_NUM | STG_TF_GLUED));
  g_assert_true(HAS(flags_of("21st", "21st"), STG_TF_WORD | STG_TF_LOWER));
}

static void test_urls(void) {
  check_tokens("See https://example.com/a?b=1&c=2. Or www.bbc.co.uk/news, ok",
               "See|https://example.com/a?b=1&c=2|.|Or|www.bbc.co.uk/news|,|ok");
  check_tokens("mail john.doe@example.org now", "mail|john.doe@example.org|now");
  check_tokens("@POTUS and #Ukraine2023 on CNN.com.", "@POTUS|and|#Ukraine2023|on|CNN.com|.");
  check_tokens("(http://x.org/a_(b))", "(|http://x.org/a_(b|)|)");
  check_tokens("#\u0423\u043a\u0440\u0430\u0457\u043d\u0430!",
               "#\u0423\u043a\u0440\u0430\u0457\u043d\u0430|!");
  const char *u[] = {
      "https://example.com/a?b=1&c=2", "www.bbc.co.uk/news", "@POTUS", "#Ukraine2023", "CNN.com",
      "john.doe@example.org"};
  const char *text = "https://example.com/a?b=1&c=2 www.bbc.co.uk/news @POTUS #Ukraine2023 "
                     "CNN.com john.doe@example.org";
  for (size_t i = 0; i < G_N_ELEMENTS(u); i++)
    g_assert_true(HAS(flags_of(text, u[i]), STG_TF_URL | STG_TF_ASCII));
  check_tokens("a @ b # c", "a|@|b|#|c");
}

static void test_punct_runs(void) {
  check_tokens("Yes... no\u2026 what?! ok!!", "Yes|...|no|\u2026|what|?!|ok|!!");
  check_tokens("<\u2026> \u00a9 \u2022 x\u00b2", "<|\u2026|>|\u00a9|\u2022|x|\u00b2");
  check_tokens("\U0001F600\uFE0F ok", "\U0001F600\uFE0F|ok");
  g_assert_true(HAS(flags_of("a ... b", "..."), STG_TF_PUNCT | STG_TF_ASCII));
  g_assert_true(HAS(flags_of("a \u2014 b", "\u2014"), STG_TF_PUNCT));
}

static void test_shapes(void) {
  struct {
    const char *w;
    uint32_t on, off;
  } c[] = {
      {"Putin", STG_TF_CAP | STG_TF_WORD | STG_TF_ASCII, STG_TF_UPPER | STG_TF_LOWER},
      {"NATO", STG_TF_CAP | STG_TF_UPPER | STG_TF_WORD | STG_TF_ASCII, STG_TF_LOWER},
      {"ceasefire", STG_TF_LOWER | STG_TF_WORD | STG_TF_ASCII, STG_TF_CAP | STG_TF_UPPER},
      {"iPhone", STG_TF_WORD | STG_TF_ASCII, STG_TF_CAP | STG_TF_UPPER | STG_TF_LOWER},
      {"McDonald", STG_TF_CAP | STG_TF_WORD | STG_TF_ASCII, STG_TF_UPPER | STG_TF_LOWER},
      {"Z\u00fcrich", STG_TF_CAP | STG_TF_WORD, STG_TF_ASCII | STG_TF_UPPER | STG_TF_LOWER},
      {"\u041f\u0443\u0442\u0438\u043d", STG_TF_CAP | STG_TF_WORD, STG_TF_ASCII | STG_TF_LOWER},
      {"\u0395\u039b\u039b\u0391\u0394\u0391", STG_TF_CAP | STG_TF_UPPER | STG_TF_WORD,
       STG_TF_LOWER},
      {"na\u00efve", STG_TF_LOWER | STG_TF_WORD, STG_TF_CAP | STG_TF_ASCII},
      {"\u4e60", STG_TF_WORD, STG_TF_CAP | STG_TF_LOWER | STG_TF_UPPER | STG_TF_ASCII},
      {"I", STG_TF_CAP | STG_TF_UPPER | STG_TF_WORD, STG_TF_LOWER},
      {",", STG_TF_PUNCT | STG_TF_ASCII, STG_TF_WORD | STG_TF_NUM},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
    uint32_t f = flags_of(c[i].w, c[i].w);
    g_assert_cmphex(f & c[i].on, ==, c[i].on);
    g_assert_cmphex(f & c[i].off, ==, 0);
  }
}

static void test_scripts(void) {
  /* Cyrillic look-alike letters stay inside the Latin word, with their true bytes. */
  const char *s = "Ukr\u0430ine said";
  stg_tokens t;
  stg_tokens_init(&t);
  stg_tokenize(s, strlen(s), &t);
  g_assert_cmpuint(t.n, ==, 2);
  g_assert_cmpuint(t.tok[0].start, ==, 0);
  g_assert_cmpuint(t.tok[0].end, ==, 8);
  g_assert_false(t.tok[0].flags & STG_TF_ASCII);
  g_assert_true(HAS(t.tok[0].flags, STG_TF_CAP | STG_TF_WORD));
  stg_tokens_clear(&t);
  check_tokens(
      "\u041f\u0443\u0442\u0438\u043d \u0395\u03bb\u03bb\u03ac\u03b4\u03b1 Zelens\u2019kyi",
      "\u041f\u0443\u0442\u0438\u043d|\u0395\u03bb\u03bb\u03ac\u03b4\u03b1|Zelens\u2019kyi");
  /* CJK ideographs and kana: one token per character (rule phrases split the same way). */
  check_tokens("\u4e60\u8fd1\u5e73\u8bbf\u95ee", "\u4e60|\u8fd1|\u5e73|\u8bbf|\u95ee");
  check_tokens("\u30d7\u30fc\u30c1\u30f3", "\u30d7|\u30fc|\u30c1|\u30f3");
  check_tokens("Xi\u4e60", "Xi|\u4e60");
  /* Hangul, Arabic, Hebrew, Devanagari words are runs. */
  check_tokens("\ud478\ud2f4 \u0628\u0648\u062a\u064a\u0646\u060c \u05e4\u05d5\u05d8\u05d9\u05df",
               "\ud478\ud2f4|\u0628\u0648\u062a\u064a\u0646|\u060c|\u05e4\u05d5\u05d8\u05d9\u05df");
  /* Combining marks stay with their base; non-breaking spaces separate. */
  check_tokens("cafe\u0301 a\u00a0b", "cafe\u0301|a|b");
}

static void test_invalid(void) {
  const char s[] = "a\0b\xff\xfe c\xe2\x80 d\xed\xa0\x80"
                   "e \xc0\x80 \xf4\x90\x80\x80";
  size_t len = sizeof s - 1;
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize(s, len, &t), ==, 0);
  check_invariants(s, len, &t, 1);
  /* NUL run, ff fe (2), e2 80 (1: a truncated sequence), ed a0 80 (3: surrogate), c0 80 (2),
   * f4 90 80 80 (4). */
  g_assert_cmpuint(t.nul_bytes, ==, 1);
  g_assert_cmpuint(t.invalid_utf8, ==, 12);
  g_assert_cmpuint(t.first_invalid_offset, ==, 3);
  static const char want[] =
      "a|\0|b|\xff\xfe|c|\xe2\x80|d|\xed\xa0\x80|e|\xc0\x80|\xf4\x90\x80\x80";
  char *got = render(s, &t);
  g_assert_cmpmem(got, strlen(got) + strlen(got + strlen(got) + 1) + 1, want, sizeof want - 1);
  g_free(got);
  g_assert_true(HAS(t.tok[1].flags, STG_TF_INVALID | STG_TF_ASCII | STG_TF_GLUED));
  g_assert_true(HAS(t.tok[3].flags, STG_TF_INVALID | STG_TF_GLUED));
  g_assert_false(t.tok[3].flags & STG_TF_ASCII);
  for (size_t i = 0; i < 9; i += 2)
    g_assert_false(t.tok[i].flags & STG_TF_INVALID);
  /* Clean input resets the counters. */
  g_assert_cmpint(stg_tokenize("ok", 2, &t), ==, 0);
  g_assert_cmpuint(t.invalid_utf8, ==, 0);
  g_assert_cmpuint(t.nul_bytes, ==, 0);
  /* A truncated sequence at the very end, and a lone lead byte. */
  const char e[] = "abc \xe2\x80";
  stg_tokenize(e, 6, &t);
  g_assert_cmpuint(t.n, ==, 2);
  g_assert_cmpuint(t.invalid_utf8, ==, 1);
  g_assert_cmpuint(t.first_invalid_offset, ==, 4);
  stg_tokenize("\xc3", 1, &t);
  g_assert_cmpuint(t.n, ==, 1);
  g_assert_cmpuint(t.tok[0].end, ==, 1);
  /* Only NULs. */
  stg_tokenize("\0\0\0", 3, &t);
  g_assert_cmpuint(t.n, ==, 1);
  g_assert_cmpuint(t.nul_bytes, ==, 3);
  g_assert_cmpuint(t.invalid_utf8, ==, 0);
  /* The length is respected: nothing past len is read or tokenized. */
  stg_tokenize("abc def", 5, &t);
  g_assert_cmpuint(t.n, ==, 2);
  g_assert_cmpuint(t.tok[1].end, ==, 5);
  stg_tokens_clear(&t);
}

static void test_empty(void) {
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize("", 0, &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 0);
  g_assert_cmpuint(t.n_sent, ==, 0);
  g_assert_cmpint(stg_tokenize(NULL, 0, &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 0);
  const char *ws = " \t\n\r\n\n\u00a0\u3000\u2029 ";
  g_assert_cmpint(stg_tokenize(ws, strlen(ws), &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 0);
  g_assert_cmpuint(t.n_sent, ==, 0);
  g_assert_cmpint(stg_tokenize_phrase("", 0, &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 0);
#if SIZE_MAX > UINT32_MAX
  g_assert_cmpint(stg_tokenize("x", (size_t)UINT32_MAX + 1, &t), ==, -1);
  g_assert_cmpint(stg_tokenize_phrase("x", (size_t)UINT32_MAX + 1, &t), ==, -1);
#endif
  stg_tokens_clear(&t);
  stg_tokens_clear(&t); /* idempotent */
}

static void test_long(void) {
  size_t n = 1000000;
  char *s = g_malloc(n + 16);
  stg_tokens t;
  stg_tokens_init(&t);
  /* A 1,000,000-character word: one token. */
  memset(s, 'a', n);
  g_assert_cmpint(stg_tokenize(s, n, &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 1);
  g_assert_cmpuint(t.tok[0].end, ==, n);
  g_assert_cmpuint(t.n_sent, ==, 1);
  /* Mixed case and non-ASCII (the slow word path). */
  for (size_t i = 0; i + 2 <= n; i += 2)
    memcpy(s + i, "\u00e9", 2);
  s[0] = 'X';
  s[1] = 'y';
  g_assert_cmpint(stg_tokenize(s, n, &t), ==, 0);
  g_assert_cmpuint(t.n, ==, 1);
  check_invariants(s, n, &t, 1);
  /* A million periods: one punctuation run. */
  memset(s, '.', n);
  stg_tokenize(s, n, &t);
  g_assert_cmpuint(t.n, ==, 1);
  /* Invalid bytes: one run. */
  memset(s, 0xff, n);
  stg_tokenize(s, n, &t);
  g_assert_cmpuint(t.n, ==, 1);
  g_assert_cmpuint(t.invalid_utf8, ==, n);
  /* 250,000 words without punctuation: sentences are cut at 1,000 tokens. */
  for (size_t i = 0; i < n; i += 4)
    memcpy(s + i, "abc ", 4);
  stg_tokenize(s, n, &t);
  g_assert_cmpuint(t.n, ==, n / 4);
  g_assert_cmpuint(t.n_sent, ==, n / 4 / 1000);
  check_invariants(s, n, &t, 1);
  /* CJK text without punctuation: one token per ideograph, same cut. */
  for (size_t i = 0; i + 3 <= n; i += 3)
    memcpy(s + i, "\u4e2d", 3);
  stg_tokenize(s, n - n % 3, &t);
  g_assert_cmpuint(t.n, ==, n / 3);
  check_invariants(s, n - n % 3, &t, 1);
  g_assert_cmpuint(t.n_sent, ==, (n / 3 + 999) / 1000);
  g_free(s);
  stg_tokens_clear(&t);
}

/* Random byte soup built from tricky fragments: invariants hold and nothing crashes. */
static void test_random(void) {
  static const char *const frag[] = {
      "Xi", "\u2019s", "'s", " ", "  ", "\n", "\n\n", ".", "U.S.", "Mr.", "-", "\u2014", "12",
      "1,000", "3.02%", "\"", "\u201c", "\u201d", "\xff", "\xe2\x80", "\0", "\xed\xa0\x80",
      "https://x.org/", "@a", "#b", "don't", "O'Brien", "\u4e60", "\u3002", "Ukr\u0430ine",
      "WashingtonThe", "a.m.", "V. ", "No. 5", "(", ")", "?!", "...", "\u00a0", "\u2029", "e\u0301",
      "\r\n", "\t", "a@b.com", "www.", "'", "n't", "\u0301", "\xf0\x9f", "\U0001F600",
      /* plain words beside every kind of byte, for the fast path */
      "word", "Word", "WORD", "w", "W", "I", ",", ";", ")", "]", "}", "?", "!", ":", "/", "_", "%",
      "+", "@", "#", "etc", "vs", "http", "https", "://", "www", "com", "No", "Mr", "e", "g", "n",
      "t", "s", "x1", "9", "The", "Last", "Washington", "arrival", "\u00e9", "\u2019"};
  GRand *r = g_rand_new_with_seed(12345);
  stg_tokens t;
  stg_tokens_init(&t);
  for (int iter = 0; iter < 6000; iter++) {
    GString *s = g_string_new(NULL);
    int k = g_rand_int_range(r, 0, 60);
    for (int i = 0; i < k; i++) {
      const char *f = frag[g_rand_int_range(r, 0, G_N_ELEMENTS(frag))];
      g_string_append_len(s, f, f[0] ? (gssize)strlen(f) : 1);
    }
    /* Also raw random bytes. */
    if (iter % 3 == 0)
      for (int i = 0; i < 20; i++)
        g_string_append_c(s, (char)g_rand_int_range(r, 0, 256));
    /* An exact-size heap copy so ASan catches any read past the end. */
    char *exact = g_memdup2(s->str, s->len);
    check_all(exact, s->len);
    g_free(exact);
    g_string_free(s, TRUE);
  }
  g_rand_free(r);
  stg_tokens_clear(&t);
}

static void test_reuse(void) {
  const char *a = "The first document, with several tokens. And two sentences.";
  const char *b = "Short.";
  stg_tokens t, u;
  stg_tokens_init(&t);
  stg_tokens_init(&u);
  stg_tokenize(a, strlen(a), &t);
  size_t cap = t.cap;
  stg_tokenize(b, strlen(b), &t);
  stg_tokenize(b, strlen(b), &u);
  g_assert_cmpuint(t.n, ==, u.n);
  g_assert_cmpuint(t.n_sent, ==, u.n_sent);
  g_assert_cmpmem(t.tok, t.n * sizeof *t.tok, u.tok, u.n * sizeof *u.tok);
  g_assert_cmpmem(t.sent, t.n_sent * sizeof *t.sent, u.sent, u.n_sent * sizeof *u.sent);
  g_assert_cmpuint(t.cap, >=, cap); /* buffers are kept */
  stg_tokens_clear(&t);
  stg_tokens_clear(&u);
}

static void test_phrase(void) {
  stg_tokens t;
  stg_tokens_init(&t);
  const char *p[] = {"John F. Kirby", "cease-fire", "U.S.", "Xi\u2019s", "Mr. Putin. He"};
  for (size_t i = 0; i < G_N_ELEMENTS(p); i++) {
    g_assert_cmpint(stg_tokenize_phrase(p[i], strlen(p[i]), &t), ==, 0);
    g_assert_cmpuint(t.n_sent, ==, 0);
    for (size_t k = 0; k < t.n; k++)
      g_assert_false(t.tok[k].flags & STG_TF_SENT_END);
  }
  check_tokens("John F. Kirby", "John|F.|Kirby");
  /* The phrase "cease-fire" yields the same tokens and flags as the document text. */
  const char *doc = "a cease-fire now";
  stg_tokens d;
  stg_tokens_init(&d);
  stg_tokenize(doc, strlen(doc), &d);
  stg_tokenize_phrase("cease-fire", 10, &t);
  g_assert_cmpuint(t.n, ==, 3);
  for (size_t k = 0; k < 3; k++) {
    g_assert_cmpuint(t.tok[k].end - t.tok[k].start, ==, d.tok[k + 1].end - d.tok[k + 1].start);
    g_assert_cmphex(t.tok[k].flags & ~STG_TF_GLUED, ==,
                    d.tok[k + 1].flags & ~(STG_TF_GLUED | STG_TF_SENT_END));
  }
  stg_tokens_clear(&d);
  stg_tokens_clear(&t);
}

/* A rule literal that starts with a clitic ("'s" after `PERSON`) is the one token documents
 * split off "Xi's"; in a document the same text opens a quote. */
static void check_phrase(const char *text, const char *want) {
  stg_tokens t;
  stg_tokens_init(&t);
  g_assert_cmpint(stg_tokenize_phrase(text, strlen(text), &t), ==, 0);
  char *got = render(text, &t);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  stg_tokens_clear(&t);
}

static void test_phrase_clitics(void) {
  const char *c[] = {"'s", "\u2019s", "n't", "n\u2019t", "'re", "'ve", "'ll", "'d", "'m", "'S"};
  stg_tokens d;
  stg_tokens_init(&d);
  for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
    check_phrase(c[i], c[i]);
    /* the same text and shape as the clitic in a document */
    char *doc = g_strdup_printf("%s%s", c[i][0] == 'n' ? "do" : "Xi", c[i]);
    stg_tokens t;
    stg_tokens_init(&t);
    stg_tokenize(doc, strlen(doc), &d);
    stg_tokenize_phrase(c[i], strlen(c[i]), &t);
    g_assert_cmpuint(d.n, ==, 2);
    g_assert_cmpuint(t.n, ==, 1);
    g_assert_cmpuint(d.tok[1].end - d.tok[1].start, ==, strlen(c[i]));
    g_assert_cmphex(t.tok[0].flags & ~STG_TF_GLUED, ==,
                    d.tok[1].flags & ~(STG_TF_GLUED | STG_TF_SENT_END));
    stg_tokens_clear(&t);
    g_free(doc);
  }
  stg_tokens_clear(&d);
  check_phrase("'s role", "'s|role");
  check_phrase("'s.", "'s|.");
  /* Only at the start, and not before more of a word. */
  check_phrase("a 's", "a|'|s");
  check_phrase("'sup", "'|sup");
  check_phrase("'", "'");
  /* Documents are unchanged: a leading 's is a quote and an s. */
  check_sentences("'s role", "'|s|role");
}

/* ---- Sentences ------------------------------------------------------------------------ */

static void test_sentences(void) {
  check_sentences("He left. She stayed! Why? Yes.", "He|left|. / She|stayed|! / Why|? / Yes|.");
  check_sentences("It said \u201cno.\u201d Then it left.",
                  "It|said|\u201c|no|.|\u201d / Then|it|left|.");
  check_sentences("He said. \u201cNow we go.\u201d", "He|said|. / \u201c|Now|we|go|.|\u201d");
  check_sentences("He said. \" Now we go.", "He|said|. / \"|Now|we|go|.");
  check_sentences("(He left.) Then.", "(|He|left|.|) / Then|.");
  check_sentences("In 2019. 2020 was worse.", "In|2019|. / 2020|was|worse|.");
  check_sentences("he said. and then", "he|said|.|and|then");
  check_sentences("version 2.0.Next", "version|2.0|.|Next");
  check_sentences("Wait... What?! No\u2026 Yes.", "Wait|... / What|?! / No|\u2026 / Yes|.");
  /* Abbreviations do not end sentences, except before a paragraph break or at the end. */
  check_sentences("Mr. Putin met Dr. Who at 10 a.m. Monday in the U.S. The end.",
                  "Mr.|Putin|met|Dr.|Who|at|10|a.m.|Monday|in|the|U.S.|The|end|.");
  check_sentences("He lives in the U.S.\n\nThen", "He|lives|in|the|U.S. // Then");
  check_sentences("John F. Kirby said.", "John|F.|Kirby|said|.");
  /* Blank lines end sentences and paragraphs, whatever follows. */
  check_sentences("a headline\n\nand text. More\n \n\tx", "a|headline // and|text|. / More // x");
  check_sentences("one\u2029two", "one // two");
  /* Ideographic full stop: no space needed. */
  check_sentences("\u4e60\u8bbf\u4fc4\u3002\u666e\u4eac\u3002",
                  "\u4e60|\u8bbf|\u4fc4|\u3002 / \u666e|\u4eac|\u3002");
  check_sentences("\u300c\u597d\u3002\u300d\u4ed6", "\u300c|\u597d|\u3002|\u300d / \u4ed6");
}

static void test_lines(void) {
  /* One paragraph per line (news copy): an unterminated short line is a headline; terminated
   * lines end sentences; each line is a paragraph. */
  check_sentences("Learn: British minister says Russia ought to respect airspace\n\u201cChina is "
                  "ready.\u201d\nThe end.",
                  "Learn|:|British|minister|says|Russia|ought|to|respect|airspace // "
                  "\u201c|China|is|ready|.|\u201d // The|end|.");
  check_sentences("Headline\nBody text here.", "Headline // Body|text|here|.");
  /* A line continuing in lower case does not break. */
  check_sentences("the talks with\nthe leader.", "the|talks|with|the|leader|.");
  /* A long unterminated line does not end at a single line break. */
  GString *s = g_string_new(NULL);
  for (int i = 0; i < 30; i++)
    g_string_append(s, "word ");
  g_string_append(s, "end\nNext line.");
  stg_tokens t;
  stg_tokens_init(&t);
  stg_tokenize(s->str, s->len, &t);
  g_assert_cmpuint(t.n_sent, ==, 1);
  g_string_free(s, TRUE);
  /* Hard-wrapped prose: single line breaks are just spaces, paragraphs are blank lines. */
  const char *w = "It was the best of times, it was the worst of times, it was\n"
                  "the age of wisdom, it was the age of foolishness, it was the\n"
                  "epoch of belief, it was the epoch of incredulity, it was the\n"
                  "season of Light, it was the season of Darkness. It was the\n"
                  "spring of hope.\n"
                  "\n"
                  "There were a king with a large jaw and a queen with a plain\n"
                  "face, on the throne of England.\n";
  stg_tokenize(w, strlen(w), &t);
  g_assert_cmpuint(t.n_sent, ==, 3);
  g_assert_cmpuint(t.sent[0].paragraph, ==, 0);
  g_assert_cmpuint(t.sent[1].paragraph, ==, 0);
  g_assert_cmpuint(t.sent[2].paragraph, ==, 1);
  stg_tokens_clear(&t);
}

static char *read_doc(const char *name, size_t *len) {
  char *path = g_test_build_filename(G_TEST_DIST, "docs", name, NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, len, NULL)) {
    g_free(path);
    return NULL;
  }
  g_free(path);
  return text;
}

/* The sample articles: sentence and paragraph counts and a few boundaries. */
static void test_samples(void) {
  struct {
    const char *doc;
    size_t sentences, paragraphs;
    const char *first, *last;
  } c[] = {
      {"000_e080ad8cd5b627ae.txt", 15, 9, "Washington", "\u201c|We|certainly"},
      {"001_0ac51e635638dcc0.txt", 15, 7, "date|2023-03-17|WASHINGTON|,|March|17|.|/|TASS|/|.",
       "Beijing|stressed"},
      {"002_e42f19e07deb4a69.txt", 23, 18, "Chinese|language|President", "\u201c|Any|peace"},
      {"003_c1fdb413c80678ac.txt", 20, 17, "Chinese|President|Xi", "Putin|and|Xi|met"},
      {"004_a3dd53996d295934.txt", 37, 28, "date|2023-03-21|(|CNN|)", "That|would|be"},
  };
  stg_tokens t;
  stg_tokens_init(&t);
  for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
    size_t len;
    char *text = read_doc(c[i].doc, &len);
    if (!text) {
      g_test_skip("sample documents not found");
      break;
    }
    g_assert_cmpint(stg_tokenize(text, len, &t), ==, 0);
    check_invariants(text, len, &t, 1);
    check_reference(text, len, &t);
    g_assert_cmpuint(t.invalid_utf8, ==, 0);
    g_test_message("%s: %zu tokens, %zu sentences", c[i].doc, t.n, t.n_sent);
    g_assert_cmpuint(t.n_sent, ==, c[i].sentences);
    g_assert_cmpuint(t.sent[t.n_sent - 1].paragraph + 1, ==, c[i].paragraphs);
    char *all = render_sent(text, &t);
    g_assert_true(g_str_has_prefix(all, c[i].first));
    char *lastsep = g_strrstr(all, " / ");
    char *lastpar = g_strrstr(all, " // ");
    char *last = lastsep > lastpar ? lastsep + 3 : lastpar + 4;
    g_assert_true(g_str_has_prefix(last, c[i].last));
    g_free(all);
    g_free(text);
  }
  stg_tokens_clear(&t);
}

/* Hard spots from the samples, in context. */
static void test_sample_spots(void) {
  size_t len;
  char *text = read_doc("000_e080ad8cd5b627ae.txt", &len);
  if (!text) {
    g_test_skip("sample documents not found");
    return;
  }
  stg_tokens t;
  stg_tokens_init(&t);
  stg_tokenize(text, len, &t);
  /* "Vladimir V. Putin’s" and "John F. Kirby": byte offsets of the gold annotations. */
  int found = 0;
  for (size_t i = 0; i + 2 < t.n; i++) {
    if (t.tok[i].start == 192) {
      g_assert_cmpuint(t.tok[i + 2].end, ==, 209);
      g_assert_cmpmem(text + t.tok[i + 3].start, 4, "\u2019s", 4);
      found++;
    }
    if (t.tok[i].start == 310) {
      g_assert_cmpuint(t.tok[i + 2].end, ==, 323);
      found++;
    }
  }
  g_assert_cmpint(found, ==, 2);
  g_free(text);
  stg_tokens_clear(&t);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/tokenize/basic", test_basic);
  g_test_add_func("/tokenize/glued-dateline", test_glued_dateline);
  g_test_add_func("/tokenize/stray-period", test_stray_period);
  g_test_add_func("/tokenize/hyphens", test_hyphens);
  g_test_add_func("/tokenize/abbreviations", test_abbreviations);
  g_test_add_func("/tokenize/apostrophes", test_apostrophes);
  g_test_add_func("/tokenize/quotes", test_quotes);
  g_test_add_func("/tokenize/numbers", test_numbers);
  g_test_add_func("/tokenize/urls", test_urls);
  g_test_add_func("/tokenize/punct-runs", test_punct_runs);
  g_test_add_func("/tokenize/shapes", test_shapes);
  g_test_add_func("/tokenize/scripts", test_scripts);
  g_test_add_func("/tokenize/invalid", test_invalid);
  g_test_add_func("/tokenize/empty", test_empty);
  g_test_add_func("/tokenize/long", test_long);
  g_test_add_func("/tokenize/random", test_random);
  g_test_add_func("/tokenize/reuse", test_reuse);
  g_test_add_func("/tokenize/phrase", test_phrase);
  g_test_add_func("/tokenize/phrase-clitics", test_phrase_clitics);
  g_test_add_func("/sentences/rules", test_sentences);
  g_test_add_func("/sentences/lines", test_lines);
  g_test_add_func("/sentences/samples", test_samples);
  g_test_add_func("/sentences/sample-spots", test_sample_spots);
  return g_test_run();
}
