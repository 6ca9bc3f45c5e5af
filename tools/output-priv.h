/* output-priv.h: helpers shared by the writers (output.c, out-escape.c, output-text.c). */
#ifndef STG_OUTPUT_PRIV_H
#define STG_OUTPUT_PRIV_H

#include "output.h"

/* Appends s[0..len), invalid UTF-8 sequences replaced by U+FFFD; valid runs go through `esc`
 * when it is not NULL. */
void out_valid_utf8(GString *out, const char *s, size_t len,
                    void (*esc)(GString *out, const char *run, size_t n));

/* Clips piece-relative [*start, *end) to the piece (a defence against bad offsets). Returns
 * whether the span is non-empty. */
gboolean out_clip(const out_piece *p, size_t *start, size_t *end);

/* An `esc` for out_valid_utf8: control characters (C0, DEL, C1) become spaces. */
void out_display_escape(GString *out, const char *s, size_t n);

void out_text_record(GString *out, const out_piece *p, const stancetag_record *r);

#endif
