/* output.c: JSON Lines and TSV records, text escaping. The text format is in output-text.c. */
#include "output.h"
#include "output-priv.h"

#include <string.h>

/* Appending without a function call per piece: a JSON Lines record is some forty small pieces,
 * and g_string_append_* calls were a tenth of a news-dense run. GString's fields are public. */
static inline void put(GString *out, const char *s, size_t n) {
  if (out->len + n >= out->allocated_len) {
    gsize len = out->len;
    g_string_set_size(out, len + n); /* grows the buffer geometrically */
    out->len = len;
  }
  memcpy(out->str + out->len, s, n);
  out->len += n;
  out->str[out->len] = '\0';
}

static inline void put_c(GString *out, char c) {
  put(out, &c, 1);
}

static inline void put_str(GString *out, const char *s) {
  put(out, s, strlen(s));
}

#define put_lit(out, lit) put((out), "" lit, sizeof(lit) - 1)

/* Appends s[0..len) with each invalid UTF-8 sequence replaced by U+FFFD; `esc` (may be NULL)
 * appends each valid run with its own escaping. */
void out_valid_utf8(GString *out, const char *s, size_t len,
                    void (*esc)(GString *out, const char *run, size_t n)) {
  while (len > 0) {
    const char *bad = NULL;
    gboolean ok = g_utf8_validate_len(s, len, &bad);
    size_t n = ok ? len : (size_t)(bad - s);
    if (esc)
      esc(out, s, n);
    else
      put(out, s, n);
    if (ok)
      return;
    put_lit(out, "\xEF\xBF\xBD");
    /* Skip one invalid sequence: the lead byte and the continuation bytes after it. */
    size_t skip = 1;
    while (n + skip < len && skip < 4 && ((unsigned char)s[n + skip] & 0xC0) == 0x80)
      skip++;
    s += n + skip;
    len -= n + skip;
  }
}

gboolean out_clip(const out_piece *p, size_t *start, size_t *end) {
  if (*end > p->len)
    *end = p->len;
  if (*start > *end)
    *start = *end;
  return *end > *start;
}

static void json_escape(GString *out, const char *s, size_t n) {
  const char *run = s;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    put(out, run, s + i - run);
    run = s + i + 1;
    switch (c) {
    case '"':
      put_lit(out, "\\\"");
      break;
    case '\\':
      put_lit(out, "\\\\");
      break;
    case '\n':
      put_lit(out, "\\n");
      break;
    case '\r':
      put_lit(out, "\\r");
      break;
    case '\t':
      put_lit(out, "\\t");
      break;
    case '\b':
      put_lit(out, "\\b");
      break;
    case '\f':
      put_lit(out, "\\f");
      break;
    default:
      g_string_append_printf(out, "\\u%04x", c);
    }
  }
  put(out, run, s + n - run);
}

void out_json_string(GString *out, const char *s, size_t len) {
  put_c(out, '"');
  /* Fast path: printable ASCII needs neither validation nor escaping (most names and ids). */
  size_t i = 0;
  while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 && s[i] != '"' &&
         s[i] != '\\')
    i++;
  if (i == len)
    put(out, s, (gssize)len);
  else
    out_valid_utf8(out, s, len, json_escape);
  put_c(out, '"');
}

static void json_cstr(GString *out, const char *s) {
  if (s)
    out_json_string(out, s, strlen(s));
  else
    put_lit(out, "null");
}

/* Keys are fixed ASCII names: no escaping needed. */
static void json_key(GString *out, const char *key) {
  put(out, ",\"", 2);
  put_str(out, key);
  put(out, "\":", 2);
}

/* Decimal digits without printf (a record has six or more offsets). */
static void json_u64(GString *out, guint64 v) {
  char buf[24];
  size_t n = sizeof buf;
  do {
    buf[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put(out, buf + n, (gssize)(sizeof buf - n));
}

static void json_offset(GString *out, const char *key, guint64 v) {
  json_key(out, key);
  json_u64(out, v);
}

static void json_text(GString *out, const out_piece *p, size_t start, size_t end) {
  json_key(out, "text");
  out_clip(p, &start, &end);
  out_json_string(out, p->text + start, end - start);
}

/* Attributes become members; one whose name is taken by a fixed member gets an "attr_"
 * prefix, so that no object has duplicate names. */
static void json_attrs(GString *out, const stancetag_attr *attrs, size_t n,
                       const char *const *reserved) {
  for (size_t i = 0; i < n; i++) {
    const char *name = attrs[i].name ? attrs[i].name : "";
    gboolean taken = g_str_has_prefix(name, "attr_");
    for (const char *const *r = reserved; *r && !taken; r++)
      taken = strcmp(*r, name) == 0;
    put_c(out, ',');
    if (taken) {
      char *renamed = g_strconcat("attr_", name, NULL);
      json_cstr(out, renamed);
      g_free(renamed);
    } else {
      json_cstr(out, name);
    }
    put_c(out, ':');
    json_cstr(out, attrs[i].value ? attrs[i].value : "");
  }
}

static const char *const entity_keys[] = {"type", "doc",   "start", "end",
                                          "text", "label", "id",    NULL};
static const char *const part_keys[] = {"id", "label", "text", "start", "end", NULL};
static const char *const stance_keys[] = {"type",    "doc",    "start", "end",  "holder",
                                          "stance",  "target", "cue",   "rule", "sentence",
                                          "negated", "hedged", NULL};

static void json_doc_span(GString *out, const out_piece *p, const char *type, size_t start,
                          size_t end) {
  put_lit(out, "{\"type\":\"");
  put_str(out, type);
  put_c(out, '"');
  json_key(out, "doc");
  json_cstr(out, p->doc);
  json_offset(out, "start", p->base + start);
  json_offset(out, "end", p->base + end);
}

static void json_entity(GString *out, const out_piece *p, const stancetag_record *r) {
  const stancetag_annotation *a = &r->annotation;
  json_doc_span(out, p, "entity", a->start, a->end);
  json_text(out, p, a->start, a->end);
  json_key(out, "label");
  json_cstr(out, a->label);
  json_key(out, "id");
  json_cstr(out, a->id);
  json_attrs(out, a->attrs, a->n_attrs, entity_keys);
  put_lit(out, "}\n");
}

static void json_part(GString *out, const out_piece *p, const char *key,
                      const stancetag_annotation *a) {
  json_key(out, key);
  put_lit(out, "{\"id\":");
  json_cstr(out, a->id);
  json_key(out, "label");
  json_cstr(out, a->label);
  json_text(out, p, a->start, a->end);
  json_offset(out, "start", p->base + a->start);
  json_offset(out, "end", p->base + a->end);
  json_attrs(out, a->attrs, a->n_attrs, part_keys);
  put_c(out, '}');
}

static void json_stance(GString *out, const out_piece *p, const stancetag_record *r) {
  json_doc_span(out, p, "stance", r->start, r->end);
  json_part(out, p, "holder", &r->holder);
  json_key(out, "stance");
  json_cstr(out, r->stance);
  json_part(out, p, "target", &r->target);
  json_key(out, "cue");
  if (r->cue_end > r->cue_start) {
    put_lit(out, "{\"text\":");
    size_t s = r->cue_start, e = r->cue_end;
    out_clip(p, &s, &e);
    out_json_string(out, p->text + s, e - s);
    json_offset(out, "start", p->base + r->cue_start);
    json_offset(out, "end", p->base + r->cue_end);
    put_c(out, '}');
  } else {
    put_lit(out, "null");
  }
  json_key(out, "rule");
  json_cstr(out, r->rule);
  json_key(out, "sentence");
  put_lit(out, "{\"start\":");
  json_u64(out, p->base + r->sentence_start);
  put_lit(out, ",\"end\":");
  json_u64(out, p->base + r->sentence_end);
  put_c(out, '}');
  json_key(out, "negated");
  put_str(out, (r->flags & STANCETAG_STANCE_NEGATED) ? "true" : "false");
  json_key(out, "hedged");
  put_str(out, (r->flags & STANCETAG_STANCE_HEDGED) ? "true" : "false");
  json_attrs(out, r->attrs, r->n_attrs, stance_keys);
  put_lit(out, "}\n");
}

static void tsv_escape(GString *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    switch (s[i]) {
    case '\t':
      put_lit(out, "\\t");
      break;
    case '\n':
      put_lit(out, "\\n");
      break;
    case '\r':
      put_lit(out, "\\r");
      break;
    case '\\':
      put_lit(out, "\\\\");
      break;
    default:
      put_c(out, s[i]);
    }
  }
}

static void tsv_field(GString *out, const char *s, size_t len, gboolean last) {
  out_valid_utf8(out, s ? s : "", s ? len : 0, tsv_escape);
  put_c(out, last ? '\n' : '\t');
}

static void tsv_cstr(GString *out, const char *s) {
  tsv_field(out, s, s ? strlen(s) : 0, FALSE);
}

static void tsv_span(GString *out, const out_piece *p, size_t start, size_t end, gboolean last) {
  out_clip(p, &start, &end);
  tsv_field(out, p->text + start, end - start, last);
}

void out_tsv_header(GString *out) {
  put_str(out, "doc\tholder_id\tholder_text\tstance\ttarget_id\ttarget_text\tcue\trule\t"
               "start\tend\tsentence\n");
}

static void tsv_stance(GString *out, const out_piece *p, const stancetag_record *r) {
  tsv_cstr(out, p->doc);
  tsv_cstr(out, r->holder.id);
  tsv_span(out, p, r->holder.start, r->holder.end, FALSE);
  tsv_cstr(out, r->stance);
  tsv_cstr(out, r->target.id);
  tsv_span(out, p, r->target.start, r->target.end, FALSE);
  tsv_span(out, p, r->cue_start, r->cue_end, FALSE);
  tsv_cstr(out, r->rule);
  g_string_append_printf(out, "%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t", p->base + r->start,
                         p->base + r->end);
  tsv_span(out, p, r->sentence_start, r->sentence_end, TRUE);
}

void out_record(GString *out, const out_piece *piece, const stancetag_record *r) {
  gboolean stance = r->kind == STANCETAG_RECORD_STANCE;
  switch (piece->opts->format) {
  case OUT_JSONL:
    if (stance)
      json_stance(out, piece, r);
    else if (r->kind == STANCETAG_RECORD_ENTITY)
      json_entity(out, piece, r);
    break;
  case OUT_TSV:
    if (stance)
      tsv_stance(out, piece, r);
    break;
  case OUT_TEXT:
    out_text_record(out, piece, r);
    break;
  }
}
