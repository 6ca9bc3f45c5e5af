/* eval-score.h: scoring predictions against gold (pure functions; no I/O).
 *
 * Entities: exact (doc, start, end, label) for the scored labels, id accuracy over the matched
 * spans. A repeated span (same doc, offsets and label) counts once, gold or predicted. A
 * predicted span that is not a match, overlaps a gold IGNORE span and overlaps no scored gold
 * span is neutral. Predictions with other labels are not looked at.
 *
 * Stance: predictions are the set of (doc, holder id, stance, target id). One matches a gold
 * record of its doc when the stance is equal, the holder id is one of the gold holders and the
 * target id one of the gold targets. A prediction matching an explicit or implicit record is a
 * true positive; one matching only optional records is neutral; any other is a false positive.
 * A gold record is recalled when at least one prediction matches it (one prediction may recall
 * several records, as the gold may hold several readings of one tuple). */
#ifndef STG_EVAL_SCORE_H
#define STG_EVAL_SCORE_H

#include "eval-gold.h"

typedef struct eval_counts {
  guint64 tp, fp, fn, id_ok; /* id_ok: matched spans whose ids agree */
} eval_counts;

typedef struct eval_label_score {
  char *label;
  eval_counts counts;
} eval_label_score;

typedef enum eval_issue_kind { EVAL_ISSUE_FP, EVAL_ISSUE_MISS, EVAL_ISSUE_ID } eval_issue_kind;

typedef struct eval_entity_issue {
  eval_issue_kind kind;
  const eval_entity *pred; /* FP, ID; MISS: an overlapping scored prediction or NULL */
  const eval_entity *gold; /* MISS, ID; FP: an overlapping scored gold span or NULL */
} eval_entity_issue;

typedef struct eval_stance_counts {
  guint64 tp, fp, neutral; /* distinct predictions */
  guint64 explicit_gold, explicit_hit, implicit_gold, implicit_hit, optional_gold;
} eval_stance_counts;

typedef struct eval_result {
  GPtrArray *labels;     /* eval_label_score*: the scored labels */
  eval_counts all;       /* summed over the scored labels */
  guint64 neutral;       /* predicted spans neutral because of IGNORE spans */
  GArray *entity_issues; /* eval_entity_issue, by doc, start, end, kind */
  eval_stance_counts stance;
  GPtrArray *stance_fps;    /* const eval_stance*, in prediction order */
  GPtrArray *stance_misses; /* const eval_gold_stance* (not optional), in gold order */
} eval_result;

/* Keeps only the records of documents both scanned and present in the gold. Returns the docs
 * left out (in first-seen order; g_free the array) in *unscanned (gold docs that were not
 * scanned) and *ungolded (scanned docs absent from the gold). */
void eval_scope(eval_set *gold, eval_set *pred, const GPtrArray *scanned, GPtrArray **unscanned,
                GPtrArray **ungolded);

/* The default labels to score: every gold entity label except IGNORE, in byte order
 * (NULL-terminated; g_strfreev it). Taken before eval_scope, so that the table has the same
 * rows whichever documents are tagged. */
char **eval_gold_labels(const eval_set *gold);

/* Scores `pred` against `gold`. `labels` (NULL-terminated) are the entity labels to score.
 * The result points into both sets. */
eval_result *eval_score(const eval_set *gold, const eval_set *pred, const char *const *labels);
void eval_result_free(eval_result *r);

/* num / den, or NAN when den is 0. */
double eval_ratio(guint64 num, guint64 den);
/* The harmonic mean; 0 when both are 0, NAN when either is NAN. */
double eval_f1(double precision, double recall);

/* Entity F1 of some counts; stance F1 of precision and explicit recall. */
double eval_entity_f1(const eval_counts *c);
double eval_stance_f1(const eval_stance_counts *c);

#endif
