/* coref.c: antecedent(CAPTURE, LABEL) as the holder or target of a stance.
 *
 * "but Moscow welcomed it", "The United States said that it opposes ...": the role is not the
 * captured pronoun but the nearest annotation of LABEL before it. Annotations persist for the
 * whole scanned buffer (s->ann, s->head), so earlier sentences are searched as they are; the
 * resolver puts the rule in a phase after LABEL's, so LABEL's annotations of the current
 * sentence exist too. The search is a backwards walk over at most window + 1 sentences.
 */
#include <string.h>

#include "scan.h"

/* Is annotation `a` the only one of its label in its sentence (others inside it aside)? */
static int sole(const stancetag_scratch *s, const stg_ann *a) {
  const stg_sentence *sent = &s->toks.sent[stg_sentence_of(&s->toks, a->start)];
  for (uint32_t t = sent->first; t < sent->last; t++)
    for (uint32_t i = s->head[t]; i != STG_NONE; i = s->ann.v[i].next) {
      const stg_ann *o = &s->ann.v[i];
      if (o->label == a->label && (o->start < a->start || o->end > a->end))
        return 0;
    }
  return 1;
}

/* The nearest annotation of `label` satisfying constraints [cons, cons + n_cons) that ends at
 * or before token `tok`, in sentence `sentence` or the `window` sentences before it: the one
 * ending last, then the longest, then the earliest made; with STG_ANTE_SOLE in `window`, only
 * one that is the sole annotation of its label in its sentence. STG_NONE if there is none. */
static uint32_t find(const stancetag_program *p, const stancetag_scratch *s, uint32_t sentence,
                     uint32_t tok, uint32_t label, uint32_t cons, uint32_t n_cons,
                     uint32_t window) {
  int only = (window & STG_ANTE_SOLE) != 0;
  window &= ~STG_ANTE_SOLE;
  uint32_t from = s->toks.sent[sentence > window ? sentence - window : 0].first;
  uint32_t best = STG_NONE, best_end = 0, best_start = 0;
  for (uint32_t t = tok; t-- > from;) {
    for (uint32_t i = s->head[t]; i != STG_NONE; i = s->ann.v[i].next) {
      const stg_ann *a = &s->ann.v[i];
      if (a->label != label || a->end > tok || !stg_ann_ok(p, s, a, cons, n_cons) ||
          (only && !sole(s, a)))
        continue;
      /* Walking backwards, a later candidate starts earlier: it wins only by ending later,
       * or by being longer with the same end. Same span: the lower index was made first. */
      if (best == STG_NONE || a->end > best_end || (a->end == best_end && a->start < best_start) ||
          (a->end == best_end && a->start == best_start && i < best)) {
        best = i;
        best_end = a->end;
        best_start = a->start;
      }
    }
  }
  return best;
}

int stg_coref_resolve(const stancetag_program *p, stancetag_scratch *s, const stg_pact *ac,
                      const uint32_t *caps, uint32_t sentence, uint32_t ante[2]) {
  static const char *const names[2] = {"resolved_holder", "resolved_target"};
  uint32_t roles[2] = {ac->holder, ac->target};
  for (int k = 0; k < 2; k++) {
    ante[k] = STG_NONE;
    if (ac->ante_label[k] != STG_NONE) {
      ante[k] = find(p, s, sentence, caps[2 * roles[k]], ac->ante_label[k], ac->ante_cons[k],
                     ac->ante_n_cons[k], ac->ante_window[k]);
      if (ante[k] == STG_NONE)
        return 0;
    }
  }
  /* Only now that the record will be made: `resolved_holder = it` (the captured text). */
  for (int k = 0; k < 2; k++) {
    if (ante[k] == STG_NONE)
      continue;
    const stg_token *a = &s->toks.tok[caps[2 * roles[k]]];
    const stg_token *b = &s->toks.tok[caps[2 * roles[k] + 1] - 1];
    stg_dattr d;
    d.name = (uint32_t)s->dstr->len | STG_DYN;
    g_string_append_len(s->dstr, names[k], (gssize)strlen(names[k]) + 1);
    d.value = (uint32_t)s->dstr->len | STG_DYN;
    g_string_append_len(s->dstr, s->text + a->start, (gssize)(b->end - a->start));
    g_string_append_c(s->dstr, '\0');
    g_array_append_val(s->dattrs, d);
  }
  return 1;
}
