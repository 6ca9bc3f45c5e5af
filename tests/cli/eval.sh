#!/bin/sh
# stancetag eval: exact figures and listings on the fixtures in tests/eval/, error handling,
# and (when ../shared/gold is there) a smoke run of the shipped rules on docs/.
. "${top_srcdir:-.}/tests/cli/lib.sh"
E="$top_srcdir/tests/eval"
cd "$E" || fail "no $E"

# The fixtures: true positives, a repeated stance (counted once), a false positive ("China
# Daily"), a miss (Lavrov), an id mismatch (Britain: UK vs GBR), a span on an IGNORE span
# (Moscow), an optional stance (neutral), holder alternatives (Kirby or USA), and explicit
# vs implicit recall.
run "$ST" eval --gold gold -j 2 eval.rules docs
expect_status 0 "eval of the fixtures"
err_empty "eval of the fixtures"
cat >"$T/want" <<'WANT'
Entities: exact (doc, start, end, label); ids over matched spans
  label     gold   pred     tp     fp     fn   prec    rec     f1 id-acc
  COUNTRY      5      6      5      1      0  0.833  1.000  0.909  0.800
  PERSON       3      2      2      0      1  1.000  0.667  0.800  1.000
  all          8      8      7      1      1  0.875  0.875  0.875  0.857
  neutral: 1 predicted span on IGNORE spans

Stance: (doc, holder id, stance, target id)
  predictions                   6  (4 correct, 1 false, 1 neutral on optional gold)
  precision                 0.800  4/5
  recall explicit           0.750  3/4
  recall explicit+implicit  0.667  4/6
  f1 (explicit recall)      0.774

Entity false positives (1)
  a.txt 195-200 "China" COUNTRY CHN

Entity misses (1)
  a.txt 220-233 "Sergei Lavrov" PERSON Sergei Lavrov

Entity id mismatches (1)
  a.txt 139-146 "Britain" COUNTRY GBR (predicted id UK)

Stance false positives (1)
  a.txt: UK support ceasefire (rule active, sentence 139-164) "Britain backed the truce."

Stance misses (2)
  a.txt: GBR support ceasefire (explicit, gold/stance.jsonl:4) "Britain backed the truce"
  a.txt: CHN support peace_talks (implicit, gold/stance.jsonl:6) "China wants everyone at the table"
WANT
diff "$T/want" "$T/out" >&2 || fail "eval of the fixtures: output differs"

# The same as one JSON object; --quiet leaves the listings out.
run "$ST" eval --gold gold/entities.jsonl --gold gold/stance.jsonl --format json eval.rules docs
expect_status 0 "--format json"
out_has '"all":{"label":null,"gold":8,"pred":8,"tp":7,"fp":1,"fn":1,"precision":0.8750,"recall":0.8750,"f1":0.8750,"id_correct":6,"id_accuracy":0.8571}'
out_has '{"kind":"id_mismatch","predicted":{"doc":"a.txt","start":139,"end":146,"text":"Britain","label":"COUNTRY","id":"UK"},"gold":{"doc":"a.txt","start":139,"end":146,"text":"Britain","label":"COUNTRY","id":"GBR"}}'
out_has '"stance":{"predictions":6,"tp":4,"fp":1,"neutral":1,"precision":0.8000,"explicit_gold":4,"explicit_found":3,"recall_explicit":0.7500,"implicit_gold":2,"implicit_found":1,"recall_explicit_implicit":0.6667,"optional_gold":1,"f1_explicit":0.7742,'
out_has '"false_positives":[{"doc":"a.txt","holder":"UK","stance":"support","target":"ceasefire","rule":"active","sentence":{"start":139,"end":164,"text":"Britain backed the truce."}}]'
out_has '{"doc":"a.txt","holder":["CHN"],"stance":"support","target":["peace_talks"],"kind":"implicit","evidence":"China wants everyone at the table","source":"gold/stance.jsonl:6"}'
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "--format json: not one line"
run "$ST" eval -q -f json -g gold eval.rules docs
out_lacks '"issues"'
out_lacks '"misses"'
run "$ST" eval --quiet --gold gold eval.rules docs
out_has "  f1 (explicit recall)      0.774"
out_lacks "Entity false positives"

# A perfect score on b.txt alone; a.txt's gold is left out with a warning.
run "$ST" eval --gold gold eval.rules docs/b.txt --min-entity-f1 1 --min-stance-f1 1
expect_status 0 "perfect score"
out_has "  COUNTRY      1      1      1      0      0  1.000  1.000  1.000  1.000"
out_has "  PERSON       0      0      0      0      0      -      -      -      -"
out_has "  recall explicit+implicit  1.000  1/1"
out_lacks "false positives"
out_lacks "misses"
err_has "stancetag: warning: a.txt: in the gold but not tagged; its gold is not scored"

# Documents without gold are not scored.
printf 'China opposes the truce.\n' >"$T/c.txt"
run "$ST" eval --gold gold eval.rules docs/b.txt "$T/c.txt" --labels COUNTRY
expect_status 0 "a document without gold"
err_has "stancetag: warning: 1 tagged document is not in the gold, not scored (c.txt)"
out_has "  all          1      1      1      0      0  1.000  1.000  1.000  1.000"
out_lacks "PERSON"

# Thresholds: exit 4 when missed.
run "$ST" eval --gold gold eval.rules docs --min-entity-f1 0.9
expect_status 4 "--min-entity-f1 0.9"
err_has "stancetag: entity F1 0.875 is below --min-entity-f1 0.9"
run "$ST" eval -q --gold gold eval.rules docs --min-entity-f1 0.8 --min-stance-f1 0.78
expect_status 4 "--min-stance-f1 0.78"
err_has "stancetag: stance F1 0.774 is below --min-stance-f1 0.78"
err_lacks "entity F1"

# Malformed gold: FILE:LINE: error: why, for every bad line; exit 1, nothing scored.
cp gold/entities.jsonl "$T/bad.jsonl"
printf '%s\n' '{"doc":"a.txt","start":5,"end":2,"label":"PERSON"}' \
  '{"doc":"a.txt","holder":["USA"],"stance":"maybe","target":["x"],"kind":"explicit"}' \
  '{"doc":"a.txt","start":1,' >>"$T/bad.jsonl"
run "$ST" eval --gold "$T/bad.jsonl" eval.rules docs
expect_status 1 "malformed gold"
[ ! -s "$T/out" ] || fail "malformed gold: output on stdout"
err_has "$T/bad.jsonl:10: error: \"end\": must be greater than \"start\""
err_has "$T/bad.jsonl:11: error: \"stance\": support or oppose expected"
err_has "$T/bad.jsonl:12: error: column 26: member name (a string) expected"
[ "$(wc -l <"$T/err")" -eq 3 ] || fail "malformed gold: not three messages"

# Missing files: gold (exit 1), documents (exit 1 after scoring the others), rules (exit 2).
run "$ST" eval --gold "$T/nope.jsonl" eval.rules docs
expect_status 1 "missing gold"
err_has "$T/nope.jsonl: error: No such file or directory"
mkdir "$T/nogold"
run "$ST" eval --gold "$T/nogold" eval.rules docs
expect_status 1 "gold directory without .jsonl files"
err_has "error: no *.jsonl gold files in this directory"
run "$ST" eval --gold gold eval.rules docs/b.txt "$T/nope.txt"
expect_status 1 "missing document"
err_has "$T/nope.txt: error: No such file or directory"
out_has "Stance: (doc, holder id, stance, target id)"
printf 'rule broken: => nothing\n' >"$T/bad.rules"
run "$ST" eval --gold gold "$T/bad.rules" docs
expect_status 2 "rules with errors"

# Usage errors: exit 3, two lines on stderr.
for args in "eval eval.rules docs" "eval --gold gold" "eval --gold gold eval.rules" \
  "eval --gold gold --format xml eval.rules docs" "eval --gold gold --labels IGNORE eval.rules docs" \
  "eval --gold gold --labels A,,B eval.rules docs" "eval --gold gold --min-entity-f1 2 eval.rules docs" \
  "eval --gold gold --bogus eval.rules docs" "eval --gold gold eval.rules -"; do
  # shellcheck disable=SC2086
  run "$ST" $args
  expect_status 3 "stancetag $args"
  [ ! -s "$T/out" ] || fail "stancetag $args: output on stdout"
  [ "$(wc -l <"$T/err")" -eq 2 ] || fail "stancetag $args: not two lines on stderr"
done

# The shipped rules against the shared gold, when it is there (the project never needs it).
shared="$top_srcdir/../shared/gold"
if [ -d "$shared" ] && [ -f "$top_srcdir/rules/ceasefire.rules" ]; then
  run "$ST" eval --gold "$shared" "$top_srcdir/rules/ceasefire.rules" "$top_srcdir/docs"
  expect_status 0 "eval of rules/ceasefire.rules on docs/"
  out_has "  PERSON "
  out_has "  COUNTRY "
  out_has "  recall explicit+implicit "
  sed -n '1,/f1 (explicit recall)/p' "$T/out" >&2
else
  echo "SKIP: no ../shared/gold: the shipped rules are not scored" >&2
fi
exit 0
