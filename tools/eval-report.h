/* eval-report.h: writing an eval result as a readable table with listings, or as one JSON
 * object (doc/cli.md describes both). */
#ifndef STG_EVAL_REPORT_H
#define STG_EVAL_REPORT_H

#include "eval-score.h"

/* `quiet`: the figures only, no listings of false positives, misses and id mismatches. */
void eval_report_text(GString *out, const eval_result *r, gboolean quiet);
void eval_report_json(GString *out, const eval_result *r, gboolean quiet);

#endif
