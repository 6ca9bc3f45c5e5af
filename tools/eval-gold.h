/* eval-gold.h: the records `stancetag eval` compares: gold annotations (JSON Lines files in the
 * format of shared/gold/README.md) and predictions (the records of `stancetag --format jsonl`),
 * read with the strict JSON reader of cli-json.h. */
#ifndef STG_EVAL_GOLD_H
#define STG_EVAL_GOLD_H

#include <glib.h>

/* The gold label whose spans are neither rewarded nor penalised. */
#define EVAL_IGNORE "IGNORE"

/* An entity mention, gold or predicted. */
typedef struct eval_entity {
  char *doc;
  guint64 start, end; /* UTF-8 byte offsets, end exclusive */
  char *text;         /* NULL when the gold omits it */
  char *label;        /* NULL: a predicted annotation without label */
  char *id;           /* NULL: none */
  char *where;        /* gold: "FILE:LINE"; predictions: NULL */
} eval_entity;

typedef enum eval_kind { EVAL_EXPLICIT, EVAL_IMPLICIT, EVAL_OPTIONAL } eval_kind;

/* "explicit", "implicit" or "optional". */
const char *eval_kind_name(eval_kind kind);

/* A gold stance record: any holder of `holders` and any target of `targets` match. */
typedef struct eval_gold_stance {
  char *doc, *stance, *evidence; /* evidence: NULL when omitted */
  GPtrArray *holders, *targets;  /* char*, at least one each */
  eval_kind kind;
  char *where; /* "FILE:LINE" */
} eval_gold_stance;

/* A predicted stance record. */
typedef struct eval_stance {
  char *doc, *holder, *stance, *target; /* ids: NULL when the rule gave none */
  char *rule;
  guint64 sentence_start, sentence_end;
  char *sentence; /* filled in for the listings (NULL until then) */
} eval_stance;

typedef struct eval_set {
  GPtrArray *entities; /* eval_entity* */
  GPtrArray *stances;  /* eval_gold_stance* (gold) or eval_stance* (predictions) */
} eval_set;

eval_set *eval_set_new_gold(void);
eval_set *eval_set_new_predicted(void);
void eval_set_free(eval_set *set);

/* Adds the records of one gold file, or of every *.jsonl file (not hidden, in byte order of
 * name) of a directory. Each line is an entity (it has "label") or a stance record (it has
 * "holder"); blank lines are skipped. Every problem is printed to stderr as
 * "FILE:LINE: error: ..." (or "PATH: error: ..." when PATH cannot be read); returns FALSE if
 * there was any. */
gboolean eval_gold_load(eval_set *gold, const char *path);

/* Adds the entity and stance records of `stancetag --format jsonl` output (len bytes; other
 * record types are skipped). Returns FALSE with a message in *error on a malformed line. */
gboolean eval_predictions_parse(eval_set *pred, const char *jsonl, size_t len, char **error);

#endif
