/* output.c: JSON Lines and TSV records. Strings are escaped by out-escape.c, the text format is
 * in output-text.c. */
#include "output.h"
#include "output-priv.h"
#include "out-escape.h"

#include <string.h>

gboolean out_clip(const out_piece *p, size_t *start, size_t *end) {
  if (*end > p->len)
    *end = p->len;
  if (*start > *end)
    *start = *end;
  return *end > *start;
}

static void json_cstr(out_buf *b, const char *s) {
  if (s)
    ob_json_string(b, s, strlen(s));
  else
    ob_lit(b, "null");
}

/* ,"key": for a literal key (keys are fixed ASCII names: no escaping needed). */
#define json_key(b, key) ob_lit((b), ",\"" key "\":")

static void json_text(out_buf *b, const out_piece *p, size_t start, size_t end) {
  out_clip(p, &start, &end);
  ob_json_string(b, p->text + start, end - start);
}

/* "start" and "end" members of a span. */
static void json_span(out_buf *b, const out_piece *p, size_t start, size_t end) {
  json_key(b, "start");
  ob_u64(b, p->base + start);
  json_key(b, "end");
  ob_u64(b, p->base + end);
}

/* The fixed member names, a bit each; a record's or part's set of them is what its attributes
 * must not take. */
enum {
  M_TYPE = 1 << 0,
  M_DOC = 1 << 1,
  M_START = 1 << 2,
  M_END = 1 << 3,
  M_TEXT = 1 << 4,
  M_LABEL = 1 << 5,
  M_ID = 1 << 6,
  M_HOLDER = 1 << 7,
  M_STANCE = 1 << 8,
  M_TARGET = 1 << 9,
  M_CUE = 1 << 10,
  M_RULE = 1 << 11,
  M_SENTENCE = 1 << 12,
  M_NEGATED = 1 << 13,
  M_HEDGED = 1 << 14
};
#define ENTITY_MEMBERS (M_TYPE | M_DOC | M_START | M_END | M_TEXT | M_LABEL | M_ID)
#define PART_MEMBERS (M_ID | M_LABEL | M_TEXT | M_START | M_END)
#define STANCE_MEMBERS                                                                             \
  (M_TYPE | M_DOC | M_START | M_END | M_HOLDER | M_STANCE | M_TARGET | M_CUE | M_RULE |            \
   M_SENTENCE | M_NEGATED | M_HEDGED)

/* The fixed member called name[0..len), or 0: by length, then at most four comparisons of a
 * known size (a loop of strcmp over the names was a tenth of the writer). */
static unsigned member_named(const char *name, size_t len) {
#define IS(lit) (memcmp(name, lit, sizeof(lit) - 1) == 0)
  switch (len) {
  case 2:
    return IS("id") ? M_ID : 0;
  case 3:
    return IS("doc") ? M_DOC : IS("end") ? M_END : IS("cue") ? M_CUE : 0;
  case 4:
    return IS("type") ? M_TYPE : IS("text") ? M_TEXT : IS("rule") ? M_RULE : 0;
  case 5:
    return IS("start") ? M_START : IS("label") ? M_LABEL : 0;
  case 6:
    return IS("holder")   ? M_HOLDER
           : IS("stance") ? M_STANCE
           : IS("target") ? M_TARGET
           : IS("hedged") ? M_HEDGED
                          : 0;
  case 7:
    return IS("negated") ? M_NEGATED : 0;
  case 8:
    return IS("sentence") ? M_SENTENCE : 0;
  default:
    return 0;
  }
#undef IS
}

static gboolean taken(const char *name, size_t len, unsigned members) {
  return (len >= 5 && memcmp(name, "attr_", 5) == 0) || (member_named(name, len) & members);
}

/* Attributes become members; one whose name is taken by a fixed member gets an "attr_"
 * prefix, so that no object has duplicate names. */
static void json_attrs(out_buf *b, const stancetag_attr *attrs, size_t n, unsigned members) {
  for (size_t i = 0; i < n; i++) {
    const char *name = attrs[i].name ? attrs[i].name : "";
    size_t len = strlen(name);
    if (taken(name, len, members))
      ob_lit(b, ",\"attr_"); /* plain ASCII: escaping it with the name changes nothing */
    else
      ob_lit(b, ",\"");
    ob_json_chars(b, name, len);
    ob_lit(b, "\":");
    json_cstr(b, attrs[i].value ? attrs[i].value : "");
  }
}

/* After {"type":"...": the document and the span. */
static void json_doc_span(out_buf *b, const out_piece *p, size_t start, size_t end) {
  json_key(b, "doc");
  json_cstr(b, p->doc);
  json_span(b, p, start, end);
}

static void json_entity(out_buf *b, const out_piece *p, const stancetag_record *r) {
  const stancetag_annotation *a = &r->annotation;
  ob_lit(b, "{\"type\":\"entity\"");
  json_doc_span(b, p, a->start, a->end);
  json_key(b, "text");
  json_text(b, p, a->start, a->end);
  json_key(b, "label");
  json_cstr(b, a->label);
  json_key(b, "id");
  json_cstr(b, a->id);
  json_attrs(b, a->attrs, a->n_attrs, ENTITY_MEMBERS);
  ob_lit(b, "}\n");
}

/* The object after "holder": or "target":. */
static void json_part(out_buf *b, const out_piece *p, const stancetag_annotation *a) {
  ob_lit(b, "{\"id\":");
  json_cstr(b, a->id);
  json_key(b, "label");
  json_cstr(b, a->label);
  json_key(b, "text");
  json_text(b, p, a->start, a->end);
  json_span(b, p, a->start, a->end);
  json_attrs(b, a->attrs, a->n_attrs, PART_MEMBERS);
  ob_char(b, '}');
}

static void json_stance(out_buf *b, const out_piece *p, const stancetag_record *r) {
  ob_lit(b, "{\"type\":\"stance\"");
  json_doc_span(b, p, r->start, r->end);
  json_key(b, "holder");
  json_part(b, p, &r->holder);
  json_key(b, "stance");
  json_cstr(b, r->stance);
  json_key(b, "target");
  json_part(b, p, &r->target);
  if (r->cue_end > r->cue_start) {
    ob_lit(b, ",\"cue\":{\"text\":");
    json_text(b, p, r->cue_start, r->cue_end);
    json_span(b, p, r->cue_start, r->cue_end);
    ob_char(b, '}');
  } else {
    ob_lit(b, ",\"cue\":null");
  }
  json_key(b, "rule");
  json_cstr(b, r->rule);
  ob_lit(b, ",\"sentence\":{\"start\":");
  ob_u64(b, p->base + r->sentence_start);
  json_key(b, "end");
  ob_u64(b, p->base + r->sentence_end);
  if (r->flags & STANCETAG_STANCE_NEGATED)
    ob_lit(b, "},\"negated\":true");
  else
    ob_lit(b, "},\"negated\":false");
  if (r->flags & STANCETAG_STANCE_HEDGED)
    ob_lit(b, ",\"hedged\":true");
  else
    ob_lit(b, ",\"hedged\":false");
  json_attrs(b, r->attrs, r->n_attrs, STANCE_MEMBERS);
  ob_lit(b, "}\n");
}

static void tsv_field(out_buf *b, const char *s, size_t len, char sep) {
  ob_tsv_chars(b, s, len);
  ob_char(b, sep);
}

static void tsv_cstr(out_buf *b, const char *s) {
  tsv_field(b, s ? s : "", s ? strlen(s) : 0, '\t');
}

static void tsv_span(out_buf *b, const out_piece *p, size_t start, size_t end, char sep) {
  out_clip(p, &start, &end);
  tsv_field(b, p->text + start, end - start, sep);
}

void out_tsv_header(GString *out) {
  g_string_append(out, "doc\tholder_id\tholder_text\tstance\ttarget_id\ttarget_text\tcue\trule\t"
                       "start\tend\tsentence\n");
}

static void tsv_stance(out_buf *b, const out_piece *p, const stancetag_record *r) {
  tsv_cstr(b, p->doc);
  tsv_cstr(b, r->holder.id);
  tsv_span(b, p, r->holder.start, r->holder.end, '\t');
  tsv_cstr(b, r->stance);
  tsv_cstr(b, r->target.id);
  tsv_span(b, p, r->target.start, r->target.end, '\t');
  tsv_span(b, p, r->cue_start, r->cue_end, '\t');
  tsv_cstr(b, r->rule);
  ob_u64(b, p->base + r->start);
  ob_char(b, '\t');
  ob_u64(b, p->base + r->end);
  ob_char(b, '\t');
  tsv_span(b, p, r->sentence_start, r->sentence_end, '\n');
}

void out_record(GString *out, const out_piece *piece, const stancetag_record *r) {
  if (piece->opts->format == OUT_TEXT) {
    out_text_record(out, piece, r);
    return;
  }
  out_buf b = ob_open(out);
  if (r->kind == STANCETAG_RECORD_STANCE) {
    if (piece->opts->format == OUT_JSONL)
      json_stance(&b, piece, r);
    else
      tsv_stance(&b, piece, r);
  } else if (r->kind == STANCETAG_RECORD_ENTITY && piece->opts->format == OUT_JSONL) {
    json_entity(&b, piece, r);
  }
  ob_close(&b);
}
