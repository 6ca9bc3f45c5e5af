/* unit-output.c: the exact bytes of the JSON Lines and TSV writers (tools/output.c): string
 * escaping, invalid UTF-8, integer formatting and whole records. The writers have fast paths
 * for plain text and small numbers; these expectations keep them byte-identical to the slow
 * paths. */
#include <glib.h>
#include <string.h>

#include "output.h"

static void json_is(const char *s, size_t len, const char *want) {
  /* A copy of exactly len bytes: a read past the end is a sanitizer error. */
  char *exact = g_memdup2(s, len);
  GString *out = g_string_new("<");
  out_json_string(out, exact, len);
  g_free(exact);
  char *quoted = g_strconcat("<", want, NULL);
  if (strcmp(out->str, quoted) != 0)
    g_error("out_json_string(%s): got %s, want %s", g_strescape(s, NULL), out->str, quoted);
  g_assert_cmpuint(out->len, ==, strlen(out->str)); /* the GString's length is kept right */
  g_free(quoted);
  g_string_free(out, TRUE);
}

#define JSON_IS(lit, want) json_is((lit), sizeof(lit) - 1, (want))

static void test_json_escapes(void) {
  JSON_IS("", "\"\"");
  JSON_IS("plain ASCII ~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
          "\"plain ASCII ~!#$%&'()*+,-./:;<=>?@[]^_`{|}\"");
  JSON_IS("\"", "\"\\\"\"");
  JSON_IS("\\", "\"\\\\\"");
  JSON_IS("a\"b\\c", "\"a\\\"b\\\\c\"");
  JSON_IS("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
  JSON_IS("\x01\x0b\x0e\x1b\x1f", "\"\\u0001\\u000b\\u000e\\u001b\\u001f\"");
  JSON_IS("\x7f", "\"\x7f\""); /* DEL is not escaped */
  JSON_IS(" ", "\" \"");
  /* Valid UTF-8 is copied: 2, 3 and 4 bytes, next to escapes. */
  JSON_IS("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  JSON_IS("\xc3\xa9\n\xc3\xa9", "\"\xc3\xa9\\n\xc3\xa9\"");
  /* NUL counts as invalid UTF-8 (g_utf8_validate_len): U+FFFD, not \u0000. */
  JSON_IS("a\0b", "\"a\xef\xbf\xbd"
                  "b\"");
  /* One U+FFFD per invalid sequence: a bad lead byte with the continuation bytes after it, at
   * most four bytes in all. */
  JSON_IS("\xff", "\"\xef\xbf\xbd\"");
  JSON_IS("x\xe2\x82", "\"x\xef\xbf\xbd\"");                       /* truncated at the end */
  JSON_IS("\xe2\x82z", "\"\xef\xbf\xbdz\"");                       /* truncated before ASCII */
  JSON_IS("\xc0\x80", "\"\xef\xbf\xbd\"");                         /* overlong */
  JSON_IS("\xed\xa0\x80", "\"\xef\xbf\xbd\"");                     /* a surrogate */
  JSON_IS("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\"");                 /* above U+10FFFF */
  JSON_IS("\x80\x80\x80\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\""); /* 4 + 1 */
  JSON_IS("\xff\"\xc3\xa9\x01", "\"\xef\xbf\xbd\\\"\xc3\xa9\\u0001\"");
  JSON_IS("a\"b\\c\n\x01\x7f\xc3\xa9\xff\xe2\x82z",
          "\"a\\\"b\\\\c\\n\\u0001\x7f\xc3\xa9\xef\xbf\xbd\xef\xbf\xbdz\"");
  /* Appends: what is in the buffer stays. */
  GString *out = g_string_new("x");
  out_json_string(out, "y", 1);
  out_json_string(out, "\n", 1);
  g_assert_cmpstr(out->str, ==, "x\"y\"\"\\n\"");
  g_string_free(out, TRUE);
}

/* Every escaped byte at every position of plain strings of every length up to 40, so that a
 * scan over several bytes at a time cannot skip one. */
static void test_json_positions(void) {
  static const struct {
    const char *in, *out;
  } special[] = {{"\"", "\\\""},          {"\\", "\\\\"},      {"\n", "\\n"},
                 {"\x1f", "\\u001f"},     {"\x01", "\\u0001"}, {"\xc3\xa9", "\xc3\xa9"},
                 {"\xff", "\xef\xbf\xbd"}};
  for (size_t k = 0; k < G_N_ELEMENTS(special); k++)
    for (size_t len = 0; len <= 40; len++)
      for (size_t at = 0; at <= len; at++) {
        GString *in = g_string_new(NULL), *want = g_string_new("\"");
        for (size_t i = 0; i < len; i++) {
          if (i == at) {
            g_string_append(in, special[k].in);
            g_string_append(want, special[k].out);
          }
          g_string_append_c(in, (char)('a' + i % 26));
          g_string_append_c(want, (char)('a' + i % 26));
        }
        g_string_append_c(want, '"');
        json_is(in->str, in->len, want->str);
        g_string_free(in, TRUE);
        g_string_free(want, TRUE);
      }
}

static const out_options jsonl = {OUT_JSONL, FALSE};
static const out_options tsv = {OUT_TSV, FALSE};

static void record_is(const out_piece *p, const stancetag_record *r, const char *want) {
  GString *out = g_string_new(NULL);
  out_record(out, p, r);
  if (strcmp(out->str, want) != 0)
    g_error("record:\n got %s\nwant %s", out->str, want);
  g_assert_cmpuint(out->len, ==, strlen(want));
  g_string_free(out, TRUE);
}

/* An entity with no label or id over [0, 0) of a piece at `base`: its offsets are `base`. */
static char *entity_at(guint64 base) {
  out_piece p = {&jsonl, "d", "", 0, base};
  stancetag_record r = {.kind = STANCETAG_RECORD_ENTITY};
  GString *out = g_string_new(NULL);
  out_record(out, &p, &r);
  return g_string_free(out, FALSE);
}

static void offsets_are(guint64 base, const char *digits) {
  char *got = entity_at(base);
  char *want = g_strdup_printf("{\"type\":\"entity\",\"doc\":\"d\",\"start\":%s,\"end\":%s,"
                               "\"text\":\"\",\"label\":null,\"id\":null}\n",
                               digits, digits);
  g_assert_cmpstr(got, ==, want);
  g_free(got);
  g_free(want);
}

static void test_integers(void) {
  offsets_are(0, "0");
  offsets_are(9, "9");
  offsets_are(10, "10");
  offsets_are(99, "99");
  offsets_are(100, "100");
  offsets_are(4294967295u, "4294967295");
  offsets_are(G_GUINT64_CONSTANT(4294967296), "4294967296"); /* past 32 bits */
  offsets_are(G_GUINT64_CONSTANT(4294967297), "4294967297");
  offsets_are(G_GUINT64_CONSTANT(429496729600), "429496729600");
  offsets_are(G_GUINT64_CONSTANT(1000000000000), "1000000000000");
  offsets_are(G_GUINT64_CONSTANT(9999999999999999999), "9999999999999999999");
  offsets_are(G_GUINT64_CONSTANT(10000000000000000000), "10000000000000000000");
  offsets_are(G_MAXUINT64, "18446744073709551615");
  /* Each side of every power of ten, and values with zeros inside. */
  guint64 ten = 1;
  for (int k = 0; k < 20; k++, ten *= 10) {
    guint64 vs[] = {ten - 1, ten, ten + 1, ten + ten / 2, ten * 9 + 1};
    for (size_t i = 0; i < G_N_ELEMENTS(vs); i++) {
      char *digits = g_strdup_printf("%" G_GUINT64_FORMAT, vs[i]);
      offsets_are(vs[i], digits);
      g_free(digits);
    }
    if (k == 19)
      break; /* 10^20 does not fit */
  }
}

static void test_entity(void) {
  static const char text[] = "Say \"United\\States\"\n";
  static const stancetag_attr attrs[] = {
      {"form", "name"},
      {"text", "renamed: \"text\" is a member"},
      {"attr_x", "renamed too"},
      {"kind", NULL},
      {NULL, "v"},
      {"holder", "only stances and parts reserve it... not entities"},
      {"\xc3\xa9\n", "\xff"}};
  out_piece p = {&jsonl, "dir/a \"b\".txt", text, sizeof text - 1, 1000};
  stancetag_record r = {.kind = STANCETAG_RECORD_ENTITY,
                        .annotation = {"COUNTRY", "USA", 4, 21, attrs, G_N_ELEMENTS(attrs)}};
  /* end 21 is past the piece (20 bytes): the text is clipped, the offset is not. */
  record_is(&p, &r,
            "{\"type\":\"entity\",\"doc\":\"dir/a \\\"b\\\".txt\",\"start\":1004,\"end\":1021,"
            "\"text\":\"\\\"United\\\\States\\\"\\n\",\"label\":\"COUNTRY\",\"id\":\"USA\","
            "\"form\":\"name\",\"attr_text\":\"renamed: \\\"text\\\" is a member\","
            "\"attr_attr_x\":\"renamed too\",\"kind\":\"\",\"\":\"v\","
            "\"holder\":\"only stances and parts reserve it... not entities\","
            "\"\xc3\xa9\\n\":\"\xef\xbf\xbd\"}\n");
  /* Spans past the piece's end give empty text; a NULL document name is null. */
  out_piece q = {&jsonl, NULL, text, sizeof text - 1, 0};
  stancetag_record s = {.kind = STANCETAG_RECORD_ENTITY, .annotation = {"L", "i", 30, 40, NULL, 0}};
  record_is(&q, &s,
            "{\"type\":\"entity\",\"doc\":null,\"start\":30,\"end\":40,\"text\":\"\","
            "\"label\":\"L\",\"id\":\"i\"}\n");
  /* Other kinds write nothing. */
  stancetag_record other = {.kind = 0};
  record_is(&q, &other, "");
}

static void test_stance(void) {
  static const char text[] = "X: Russia backs a truce.\tTab";
  static const stancetag_attr holder_attrs[] = {{"id", "x"}, {"end", "y"}, {"stance", "z"}};
  static const stancetag_attr target_attrs[] = {{"kind", "deal"}};
  static const stancetag_attr attrs[] = {
      {"sentence", "s"}, {"negated", "n"}, {"label", "l"}, {"attr_", "a"}, {"attr", "b"}};
  out_piece p = {&jsonl, "t.txt", text, sizeof text - 1, 100};
  stancetag_record r = {.kind = STANCETAG_RECORD_STANCE,
                        .start = 3,
                        .end = 23,
                        .rule = "active",
                        .sentence_start = 0,
                        .sentence_end = 24,
                        .holder = {"COUNTRY", "RUS", 3, 9, holder_attrs, 3},
                        .target = {NULL, "truce", 18, 23, target_attrs, 1},
                        .stance = "support",
                        .cue_start = 10,
                        .cue_end = 15,
                        .flags = STANCETAG_STANCE_HEDGED,
                        .attrs = attrs,
                        .n_attrs = G_N_ELEMENTS(attrs)};
  record_is(&p, &r,
            "{\"type\":\"stance\",\"doc\":\"t.txt\",\"start\":103,\"end\":123,"
            "\"holder\":{\"id\":\"RUS\",\"label\":\"COUNTRY\",\"text\":\"Russia\",\"start\":103,"
            "\"end\":109,\"attr_id\":\"x\",\"attr_end\":\"y\",\"stance\":\"z\"},"
            "\"stance\":\"support\","
            "\"target\":{\"id\":\"truce\",\"label\":null,\"text\":\"truce\",\"start\":118,"
            "\"end\":123,\"kind\":\"deal\"},"
            "\"cue\":{\"text\":\"backs\",\"start\":110,\"end\":115},\"rule\":\"active\","
            "\"sentence\":{\"start\":100,\"end\":124},\"negated\":false,\"hedged\":true,"
            "\"attr_sentence\":\"s\",\"attr_negated\":\"n\",\"label\":\"l\",\"attr_attr_\":\"a\","
            "\"attr\":\"b\"}\n");
  /* No cue, negated, no rule, no attributes; TSV of the same record. */
  r.cue_end = r.cue_start;
  r.flags = STANCETAG_STANCE_NEGATED;
  r.rule = NULL;
  r.n_attrs = r.holder.n_attrs = r.target.n_attrs = 0;
  record_is(&p, &r,
            "{\"type\":\"stance\",\"doc\":\"t.txt\",\"start\":103,\"end\":123,"
            "\"holder\":{\"id\":\"RUS\",\"label\":\"COUNTRY\",\"text\":\"Russia\",\"start\":103,"
            "\"end\":109},\"stance\":\"support\","
            "\"target\":{\"id\":\"truce\",\"label\":null,\"text\":\"truce\",\"start\":118,"
            "\"end\":123},\"cue\":null,\"rule\":null,\"sentence\":{\"start\":100,\"end\":124},"
            "\"negated\":true,\"hedged\":false}\n");
  r.flags = STANCETAG_STANCE_NEGATED | STANCETAG_STANCE_HEDGED;
  r.sentence_end = sizeof text - 1;
  p.opts = &tsv;
  record_is(&p, &r,
            "t.txt\tRUS\tRussia\tsupport\ttruce\ttruce\t\t\t103\t123\t"
            "X: Russia backs a truce.\\tTab\n");
  /* Entities are not TSV records. */
  stancetag_record e = {.kind = STANCETAG_RECORD_ENTITY, .annotation = {"L", "i", 0, 1, NULL, 0}};
  record_is(&p, &e, "");
}

/* The attribute `name` of an entity, a holder or a stance record, as written. */
static char *attr_as_written(int where, const char *name) {
  static const char text[] = "Russia";
  const stancetag_attr attr = {name, "v"};
  out_piece p = {&jsonl, "d", text, 6, 0};
  stancetag_record r = {.kind = where ? STANCETAG_RECORD_STANCE : STANCETAG_RECORD_ENTITY,
                        .annotation = {"L", "i", 0, 6, where ? NULL : &attr, where ? 0 : 1},
                        .holder = {"L", "i", 0, 6, where == 1 ? &attr : NULL, where == 1},
                        .target = {"L", "t", 0, 6, NULL, 0},
                        .stance = "oppose",
                        .attrs = where == 2 ? &attr : NULL,
                        .n_attrs = where == 2};
  GString *out = g_string_new(NULL);
  out_record(out, &p, &r);
  char *want = g_strdup_printf(",\"%s\":\"v\"", name);
  char *renamed = g_strdup_printf(",\"attr_%s\":\"v\"", name);
  char *got = strstr(out->str, renamed) ? g_strconcat("attr_", name, NULL)
              : strstr(out->str, want)  ? g_strdup(name)
                                        : NULL;
  if (!got)
    g_error("attribute %s missing from %s", name, out->str);
  g_free(want);
  g_free(renamed);
  g_string_free(out, TRUE);
  return got;
}

/* Exactly the fixed members of each object, and names starting with attr_, are renamed; names
 * of the same length as a member, or a prefix of one, are not. */
static void test_attr_names(void) {
  static const char *const entity[] = {"type", "doc", "start", "end", "text", "label", "id", NULL};
  static const char *const part[] = {"id", "label", "text", "start", "end", NULL};
  static const char *const stance[] = {"type",    "doc",    "start", "end",  "holder",
                                       "stance",  "target", "cue",   "rule", "sentence",
                                       "negated", "hedged", NULL};
  static const char *const *const members[] = {entity, part, stance};
  static const char *const others[] = {
      "",         "i",      "ie",     "dot",     "ends",  "types", "tyre",      "texts",  "ruler",
      "labels",   "starts", "holdea", "stances", "targe", "cues",  "sentences", "negate", "hedge",
      "sentencd", "Type",   "ID",     "attr",    "attr-", "form",  "country",   "kind"};
  static const char *const all[] = {"type",  "doc",  "start",    "end",     "text",
                                    "label", "id",   "holder",   "stance",  "target",
                                    "cue",   "rule", "sentence", "negated", "hedged"};
  for (int where = 0; where < 3; where++) {
    for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
      gboolean member = FALSE;
      for (const char *const *m = members[where]; *m; m++)
        member = member || strcmp(*m, all[i]) == 0;
      char *got = attr_as_written(where, all[i]);
      char *want = member ? g_strconcat("attr_", all[i], NULL) : g_strdup(all[i]);
      if (strcmp(got, want) != 0)
        g_error("object %d: attribute %s written as %s", where, all[i], got);
      g_free(got);
      g_free(want);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
      char *got = attr_as_written(where, others[i]);
      g_assert_cmpstr(got, ==, others[i]);
      g_free(got);
    }
    char *got = attr_as_written(where, "attr_x");
    g_assert_cmpstr(got, ==, "attr_attr_x");
    g_free(got);
  }
}

static void test_tsv_escapes(void) {
  static const char text[] = "a\tb\nc\rd\\e\"f\x01g\xc3\xa9h\xffi\0j";
  out_piece p = {&tsv, "d\t\\.txt", text, sizeof text - 1, G_MAXUINT64 - 30};
  stancetag_record r = {.kind = STANCETAG_RECORD_STANCE,
                        .start = 0,
                        .end = 30,
                        .rule = "r\n",
                        .sentence_start = 0,
                        .sentence_end = sizeof text - 1,
                        .holder = {"L", NULL, 0, 3, NULL, 0},
                        .target = {"L", "t\xff", 4, 9, NULL, 0},
                        .stance = "oppose",
                        .cue_start = 11,
                        .cue_end = 30};
  record_is(
      &p, &r,
      "d\\t\\\\.txt\t\ta\\tb\toppose\tt\xef\xbf\xbd\tc\\rd\\\\e\t"
      "\x01g\xc3\xa9h\xef\xbf\xbdi\xef\xbf\xbdj\tr\\n\t18446744073709551585\t"
      "18446744073709551615\ta\\tb\\nc\\rd\\\\e\"f\x01g\xc3\xa9h\xef\xbf\xbdi\xef\xbf\xbdj\n");
  /* NUL after plain bytes is invalid UTF-8 as well (it is not a TSV escape). */
  static const char nul[] = "ab\0cd\x01";
  out_piece q = {&tsv, "n", nul, sizeof nul - 1, 0};
  stancetag_record s = {.kind = STANCETAG_RECORD_STANCE,
                        .end = 5,
                        .sentence_end = 6,
                        .holder = {"L", "h", 0, 5, NULL, 0},
                        .target = {"L", "t", 1, 4, NULL, 0},
                        .stance = "oppose",
                        .cue_start = 2,
                        .cue_end = 6};
  record_is(&q, &s,
            "n\th\tab\xef\xbf\xbd"
            "cd\toppose\tt\tb\xef\xbf\xbd"
            "c\t\xef\xbf\xbd"
            "cd\x01\t\t0\t5\tab\xef\xbf\xbd"
            "cd\x01\n");
  GString *out = g_string_new(NULL);
  out_tsv_header(out);
  g_assert_cmpstr(out->str, ==,
                  "doc\tholder_id\tholder_text\tstance\ttarget_id\ttarget_text\tcue\trule\t"
                  "start\tend\tsentence\n");
  g_string_free(out, TRUE);
}

/* Many records into one buffer: growth keeps what was written and the length right. */
static void test_growth(void) {
  static const char text[] = "Russia";
  out_piece p = {&jsonl, "d", text, 6, 0};
  stancetag_record r = {.kind = STANCETAG_RECORD_ENTITY,
                        .annotation = {"COUNTRY", "RUS", 0, 6, NULL, 0}};
  const char *one =
      "{\"type\":\"entity\",\"doc\":\"d\",\"start\":0,\"end\":6,\"text\":\"Russia\",\"label\":"
      "\"COUNTRY\",\"id\":\"RUS\"}\n";
  GString *out = g_string_sized_new(1);
  for (int i = 0; i < 1000; i++)
    out_record(out, &p, &r);
  g_assert_cmpuint(out->len, ==, 1000 * strlen(one));
  g_assert_cmpuint(strlen(out->str), ==, out->len);
  for (int i = 0; i < 1000; i++)
    g_assert_true(memcmp(out->str + i * strlen(one), one, strlen(one)) == 0);
  g_string_free(out, TRUE);
}

int main(int argc, char **argv) {
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/output/json-escapes", test_json_escapes);
  g_test_add_func("/output/json-positions", test_json_positions);
  g_test_add_func("/output/integers", test_integers);
  g_test_add_func("/output/entity", test_entity);
  g_test_add_func("/output/stance", test_stance);
  g_test_add_func("/output/attr-names", test_attr_names);
  g_test_add_func("/output/tsv-escapes", test_tsv_escapes);
  g_test_add_func("/output/growth", test_growth);
  return g_test_run();
}
