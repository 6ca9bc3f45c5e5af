#!/bin/sh
# Output formats: the JSON Lines contract (shared/gold/README.md), the TSV header and columns,
# the text format's grouping, colours and summary, --output, --no-entities, the default format.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
mkdir "$T/d"
write_doc "$T/d/one.txt"
printf 'Nothing to see here.\n' >"$T/d/quiet.txt"
printf 'China rejects the ceasefire.\n' >"$T/d/we\"ird\\name.txt"

# JSON Lines: the default when standard output is not a terminal.
run "$ST" "$T/r.rules" "$T/d"
expect_status 0 "default format"
cp "$T/out" "$T/default"
run "$ST" --format jsonl "$T/r.rules" "$T/d"
cmp -s "$T/out" "$T/default" || fail "the default format is not jsonl"
grep -q '^{"type":"entity","doc":"one.txt","start":4,"end":17,"text":"United States","label":"COUNTRY","id":"USA"}$' "$T/out" ||
  fail "entity record"
grep -q '^{"type":"stance","doc":"one.txt","start":[0-9]*,"end":[0-9]*,"holder":{"id":"USA","label":"COUNTRY","text":"United States","start":4,"end":17},"stance":"oppose","target":{"id":"ceasefire","label":"TARGET","text":"immediate ceasefire","start":[0-9]*,"end":[0-9]*},"cue":{"text":"opposes","start":18,"end":25},"rule":"active","sentence":{"start":0,"end":[0-9]*},"negated":false,"hedged":false}$' "$T/out" ||
  fail "stance record"
grep -q '"doc":"we\\"ird\\\\name.txt"' "$T/out" || fail "JSON escaping of the document name"
grep -q '"doc":"quiet.txt"' "$T/out" && fail "records for a quiet document"
# Every line is one object.
grep -v -q '^{"type":"[a-z]*","doc":".*}$' "$T/out" && fail "a line is not a record"

run "$ST" --format jsonl --no-entities "$T/r.rules" "$T/d"
grep -q '"type":"entity"' "$T/out" && fail "--no-entities printed entities"
grep -q '"type":"stance"' "$T/out" || fail "--no-entities lost the stances"

# --output
run "$ST" --output "$T/file.jsonl" "$T/r.rules" "$T/d"
expect_status 0 "--output"
[ ! -s "$T/out" ] || fail "--output also wrote to standard output"
cmp -s "$T/file.jsonl" "$T/default" || fail "--output content"
run "$ST" --output "$T/missing/dir/x" "$T/r.rules" "$T/d"
expect_status 1 "--output into a missing directory"

# TSV: header, stances only, 11 columns, tabs and newlines escaped.
run "$ST" --format tsv "$T/r.rules" "$T/d"
expect_status 0 "tsv"
[ "$(head -1 "$T/out")" = "$(printf 'doc\tholder_id\tholder_text\tstance\ttarget_id\ttarget_text\tcue\trule\tstart\tend\tsentence')" ] ||
  fail "tsv header"
[ "$(wc -l <"$T/out")" -eq 4 ] || fail "tsv: expected a header and 3 stances"
awk -F'\t' 'NF != 11 { exit 1 }' "$T/out" || fail "tsv: a row without 11 columns"
grep -q "^one.txt	USA	United States	oppose	ceasefire	immediate ceasefire	opposes	active	" "$T/out" ||
  fail "tsv row"
run "$ST" --format tsv --entities "$T/r.rules" "$T/d"
grep -q '	entity	\|COUNTRY' "$T/out" && fail "tsv printed entities"

# Text: grouped by document, a summary table, no colour unless asked.
run "$ST" --format text "$T/r.rules" "$T/d"
expect_status 0 "text"
grep -q "$(printf '\033')" "$T/out" && fail "colour codes without a terminal"
out_has "one.txt"
out_lacks "quiet.txt"
out_has "Who stands where (3 stance records)"
grep -q '^  USA  *oppose  *ceasefire  *1$' "$T/out" || fail "summary row USA"
grep -q '^  RUS  *support  *ceasefire  *1$' "$T/out" || fail "summary row RUS"
grep -q '^  CHN  *oppose  *ceasefire  *1$' "$T/out" || fail "summary row CHN"
run "$ST" --format text --color always "$T/r.rules" "$T/d"
grep -q "$(printf '\033')\[" "$T/out" || fail "--color always without colour"
run "$ST" --format text --color never "$T/r.rules" "$T/d/quiet.txt"
out_has "Who stands where (0 stance records)"

# Document text cannot drive the terminal: control characters are shown as spaces.
printf 'Russia\033[2J opposes the truce.\n' >"$T/esc.txt"
run "$ST" --format text "$T/r.rules" "$T/esc.txt"
grep -q "$(printf '\033')" "$T/out" && fail "an escape sequence from the document reached the output"
exit 0
