/* inflect.c: English verb inflections and noun plurals for `verb(...)` and `noun(...)`.
 *
 * Rules for regular forms plus a table of common irregular verbs. British and American
 * spellings are never merged (criticize and criticise are separate entries). Words are
 * treated as ASCII-lowercase where the rules look at letters; anything else is kept as is. */
#include "inflect.h"

#include <string.h>

/* base, past, past participle. */
static const char *const irregular[][3] = {
    {"arise", "arose", "arisen"},
    {"awake", "awoke", "awoken"},
    {"be", "was", "been"},
    {"bear", "bore", "borne"},
    {"beat", "beat", "beaten"},
    {"become", "became", "become"},
    {"begin", "began", "begun"},
    {"bend", "bent", "bent"},
    {"bet", "bet", "bet"},
    {"bid", "bid", "bid"},
    {"bind", "bound", "bound"},
    {"bite", "bit", "bitten"},
    {"bleed", "bled", "bled"},
    {"blow", "blew", "blown"},
    {"break", "broke", "broken"},
    {"breed", "bred", "bred"},
    {"bring", "brought", "brought"},
    {"broadcast", "broadcast", "broadcast"},
    {"build", "built", "built"},
    {"burn", "burnt", "burnt"},
    {"buy", "bought", "bought"},
    {"cast", "cast", "cast"},
    {"catch", "caught", "caught"},
    {"choose", "chose", "chosen"},
    {"cling", "clung", "clung"},
    {"come", "came", "come"},
    {"cost", "cost", "cost"},
    {"creep", "crept", "crept"},
    {"cut", "cut", "cut"},
    {"deal", "dealt", "dealt"},
    {"dig", "dug", "dug"},
    {"do", "did", "done"},
    {"draw", "drew", "drawn"},
    {"dream", "dreamt", "dreamt"},
    {"drink", "drank", "drunk"},
    {"drive", "drove", "driven"},
    {"eat", "ate", "eaten"},
    {"fall", "fell", "fallen"},
    {"feed", "fed", "fed"},
    {"feel", "felt", "felt"},
    {"fight", "fought", "fought"},
    {"find", "found", "found"},
    {"flee", "fled", "fled"},
    {"fling", "flung", "flung"},
    {"fly", "flew", "flown"},
    {"forbid", "forbade", "forbidden"},
    {"forecast", "forecast", "forecast"},
    {"foresee", "foresaw", "foreseen"},
    {"forget", "forgot", "forgotten"},
    {"forgive", "forgave", "forgiven"},
    {"forgo", "forwent", "forgone"},
    {"freeze", "froze", "frozen"},
    {"get", "got", "gotten"},
    {"give", "gave", "given"},
    {"go", "went", "gone"},
    {"grind", "ground", "ground"},
    {"grow", "grew", "grown"},
    {"hang", "hung", "hung"},
    {"have", "had", "had"},
    {"hear", "heard", "heard"},
    {"hide", "hid", "hidden"},
    {"hit", "hit", "hit"},
    {"hold", "held", "held"},
    {"hurt", "hurt", "hurt"},
    {"keep", "kept", "kept"},
    {"kneel", "knelt", "knelt"},
    {"know", "knew", "known"},
    {"lay", "laid", "laid"},
    {"lead", "led", "led"},
    {"leap", "leapt", "leapt"},
    {"leave", "left", "left"},
    {"lend", "lent", "lent"},
    {"let", "let", "let"},
    {"lie", "lay", "lain"},
    {"light", "lit", "lit"},
    {"lose", "lost", "lost"},
    {"make", "made", "made"},
    {"mean", "meant", "meant"},
    {"meet", "met", "met"},
    {"mislead", "misled", "misled"},
    {"mistake", "mistook", "mistaken"},
    {"misunderstand", "misunderstood", "misunderstood"},
    {"outdo", "outdid", "outdone"},
    {"overcome", "overcame", "overcome"},
    {"override", "overrode", "overridden"},
    {"overrun", "overran", "overrun"},
    {"oversee", "oversaw", "overseen"},
    {"overtake", "overtook", "overtaken"},
    {"overthrow", "overthrew", "overthrown"},
    {"pay", "paid", "paid"},
    {"prove", "proved", "proven"},
    {"put", "put", "put"},
    {"quit", "quit", "quit"},
    {"read", "read", "read"},
    {"rebuild", "rebuilt", "rebuilt"},
    {"redo", "redid", "redone"},
    {"rethink", "rethought", "rethought"},
    {"rewrite", "rewrote", "rewritten"},
    {"rid", "rid", "rid"},
    {"ride", "rode", "ridden"},
    {"ring", "rang", "rung"},
    {"rise", "rose", "risen"},
    {"run", "ran", "run"},
    {"say", "said", "said"},
    {"see", "saw", "seen"},
    {"seek", "sought", "sought"},
    {"sell", "sold", "sold"},
    {"send", "sent", "sent"},
    {"set", "set", "set"},
    {"shake", "shook", "shaken"},
    {"shed", "shed", "shed"},
    {"shine", "shone", "shone"},
    {"shoot", "shot", "shot"},
    {"show", "showed", "shown"},
    {"shrink", "shrank", "shrunk"},
    {"shut", "shut", "shut"},
    {"sing", "sang", "sung"},
    {"sink", "sank", "sunk"},
    {"sit", "sat", "sat"},
    {"sleep", "slept", "slept"},
    {"slide", "slid", "slid"},
    {"speak", "spoke", "spoken"},
    {"speed", "sped", "sped"},
    {"spend", "spent", "spent"},
    {"spin", "spun", "spun"},
    {"split", "split", "split"},
    {"spread", "spread", "spread"},
    {"spring", "sprang", "sprung"},
    {"stand", "stood", "stood"},
    {"steal", "stole", "stolen"},
    {"stick", "stuck", "stuck"},
    {"sting", "stung", "stung"},
    {"stride", "strode", "stridden"},
    {"strike", "struck", "struck"},
    {"strive", "strove", "striven"},
    {"swear", "swore", "sworn"},
    {"sweep", "swept", "swept"},
    {"swim", "swam", "swum"},
    {"swing", "swung", "swung"},
    {"take", "took", "taken"},
    {"teach", "taught", "taught"},
    {"tear", "tore", "torn"},
    {"tell", "told", "told"},
    {"think", "thought", "thought"},
    {"throw", "threw", "thrown"},
    {"thrust", "thrust", "thrust"},
    {"undergo", "underwent", "undergone"},
    {"understand", "understood", "understood"},
    {"undertake", "undertook", "undertaken"},
    {"undo", "undid", "undone"},
    {"uphold", "upheld", "upheld"},
    {"upset", "upset", "upset"},
    {"wake", "woke", "woken"},
    {"wear", "wore", "worn"},
    {"weep", "wept", "wept"},
    {"win", "won", "won"},
    {"wind", "wound", "wound"},
    {"withdraw", "withdrew", "withdrawn"},
    {"withhold", "withheld", "withheld"},
    {"withstand", "withstood", "withstood"},
    {"write", "wrote", "written"},
};

/* Verbs of more than one syllable (or with "qu") that double their final consonant. */
static const char *const doubling[] = {
    "abet",   "acquit",  "admit",  "allot",   "annul",  "begin",    "beset",    "commit",
    "compel", "concur",  "confer", "control", "defer",  "deter",    "emit",     "equip",
    "expel",  "forbid",  "forget", "incur",   "infer",  "occur",    "offset",   "omit",
    "outrun", "overrun", "patrol", "permit",  "prefer", "propel",   "quit",     "rebel",
    "recur",  "refer",   "regret", "repel",   "submit", "transfer", "transmit", "upset",
};

static gboolean is_vowel(char c) {
  return strchr("aeiou", g_ascii_tolower(c)) != NULL && c != '\0';
}

static gboolean ends_with(const char *w, const char *suffix) {
  size_t n = strlen(w), m = strlen(suffix);
  return n >= m && g_ascii_strcasecmp(w + n - m, suffix) == 0;
}

static gboolean in_list(const char *const *list, size_t n, const char *w) {
  for (size_t i = 0; i < n; i++)
    if (g_ascii_strcasecmp(list[i], w) == 0)
      return TRUE;
  return FALSE;
}

static int vowel_groups(const char *w) {
  int groups = 0;
  gboolean in = FALSE;
  for (const char *p = w; *p; p++) {
    gboolean v = is_vowel(*p);
    if (v && !in)
      groups++;
    in = v;
  }
  return groups;
}

/* stop -> stopp-: consonant-vowel-consonant at the end of a one-syllable verb. */
static gboolean doubles(const char *w) {
  size_t n = strlen(w);
  if (in_list(doubling, G_N_ELEMENTS(doubling), w))
    return TRUE;
  if (n < 2 || vowel_groups(w) != 1)
    return FALSE;
  char last = (char)g_ascii_tolower(w[n - 1]);
  if (is_vowel(last) || strchr("wxy", last) || !g_ascii_isalpha(last))
    return FALSE;
  if (!is_vowel(w[n - 2]))
    return FALSE;
  return n == 2 || !is_vowel(w[n - 3]);
}

static gboolean consonant_y(const char *w) {
  size_t n = strlen(w);
  return n >= 2 && g_ascii_tolower(w[n - 1]) == 'y' && !is_vowel(w[n - 2]);
}

static gboolean sibilant(const char *w) {
  return ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "ch") ||
         ends_with(w, "sh");
}

static char *third_person(const char *w) {
  size_t n = strlen(w);
  if (g_ascii_strcasecmp(w, "be") == 0)
    return g_strdup("is");
  if (g_ascii_strcasecmp(w, "have") == 0)
    return g_strdup("has");
  if (consonant_y(w))
    return g_strdup_printf("%.*sies", (int)(n - 1), w);
  if (sibilant(w) || (ends_with(w, "o") && n >= 2 && !is_vowel(w[n - 2])))
    return g_strdup_printf("%ses", w);
  return g_strdup_printf("%ss", w);
}

/* -e drops before -ed/-ing, except -ee/-ye/-oe (agreeing, dyeing, hoeing) and "be". */
static gboolean drops_e(const char *w) {
  size_t n = strlen(w);
  return n >= 3 && g_ascii_tolower(w[n - 1]) == 'e' && !ends_with(w, "ee") && !ends_with(w, "ye") &&
         !ends_with(w, "oe");
}

static char *regular_past(const char *w) {
  size_t n = strlen(w);
  if (ends_with(w, "e"))
    return g_strdup_printf("%sd", w);
  if (consonant_y(w))
    return g_strdup_printf("%.*sied", (int)(n - 1), w);
  if (doubles(w))
    return g_strdup_printf("%s%ced", w, w[n - 1]);
  return g_strdup_printf("%sed", w);
}

static char *present_participle(const char *w) {
  size_t n = strlen(w);
  if (ends_with(w, "ie") && n >= 3)
    return g_strdup_printf("%.*sying", (int)(n - 2), w);
  if (drops_e(w))
    return g_strdup_printf("%.*sing", (int)(n - 1), w);
  if (doubles(w))
    return g_strdup_printf("%s%cing", w, w[n - 1]);
  return g_strdup_printf("%sing", w);
}

static void add_unique(GPtrArray *out, char *form) {
  for (guint i = 0; i < out->len; i++)
    if (strcmp(g_ptr_array_index(out, i), form) == 0) {
      g_free(form);
      return;
    }
  g_ptr_array_add(out, form);
}

void stg_inflect_verb(const char *verb, GPtrArray *out) {
  add_unique(out, g_strdup(verb));
  if (g_ascii_strcasecmp(verb, "be") == 0) {
    static const char *const be[] = {"am", "is", "are", "was", "were", "been", "being"};
    for (size_t i = 0; i < G_N_ELEMENTS(be); i++)
      add_unique(out, g_strdup(be[i]));
    return;
  }
  add_unique(out, third_person(verb));
  const char *const *irr = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS(irregular); i++)
    if (g_ascii_strcasecmp(irregular[i][0], verb) == 0)
      irr = irregular[i];
  if (irr) {
    add_unique(out, g_strdup(irr[1]));
    add_unique(out, g_strdup(irr[2]));
    /* A few verbs have common regular pasts too (burned, dreamed, got/gotten, proved). */
    if (g_ascii_strcasecmp(verb, "burn") == 0 || g_ascii_strcasecmp(verb, "dream") == 0 ||
        g_ascii_strcasecmp(verb, "leap") == 0)
      add_unique(out, regular_past(verb));
    if (g_ascii_strcasecmp(verb, "get") == 0)
      add_unique(out, g_strdup("got"));
  } else {
    add_unique(out, regular_past(verb));
  }
  add_unique(out, present_participle(verb));
}

static const char *const irregular_plural[][2] = {
    {"man", "men"},
    {"woman", "women"},
    {"child", "children"},
    {"person", "people"},
    {"foot", "feet"},
    {"tooth", "teeth"},
    {"mouse", "mice"},
    {"analysis", "analyses"},
    {"crisis", "crises"},
    {"thesis", "theses"},
    {"basis", "bases"},
    {"criterion", "criteria"},
    {"phenomenon", "phenomena"},
    {"knife", "knives"},
    {"wife", "wives"},
    {"life", "lives"},
    {"leaf", "leaves"},
    {"half", "halves"},
    {"wolf", "wolves"},
    {"thief", "thieves"},
    {"shelf", "shelves"},
    {"hero", "heroes"},
    {"veto", "vetoes"},
    {"embargo", "embargoes"},
    {"potato", "potatoes"},
    {"tomato", "tomatoes"},
    {"echo", "echoes"},
    {"torpedo", "torpedoes"},
    {"sheep", "sheep"},
    {"series", "series"},
    {"species", "species"},
    {"aircraft", "aircraft"},
    {"media", "media"},
};

static char *plural(const char *n) {
  size_t len = strlen(n);
  for (size_t i = 0; i < G_N_ELEMENTS(irregular_plural); i++)
    if (g_ascii_strcasecmp(irregular_plural[i][0], n) == 0)
      return g_strdup(irregular_plural[i][1]);
  /* spokesman -> spokesmen, chairwoman -> chairwomen */
  if (ends_with(n, "man") && len > 3)
    return g_strdup_printf("%.*smen", (int)(len - 3), n);
  if (consonant_y(n))
    return g_strdup_printf("%.*sies", (int)(len - 1), n);
  if (sibilant(n))
    return g_strdup_printf("%ses", n);
  return g_strdup_printf("%ss", n);
}

void stg_inflect_noun(const char *noun, GPtrArray *out) {
  add_unique(out, g_strdup(noun));
  add_unique(out, plural(noun));
}
