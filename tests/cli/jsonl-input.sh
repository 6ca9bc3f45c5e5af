#!/bin/sh
# --jsonl-input: one document a line with id and text members (renamable); every JSON string
# escape; bad lines reported with their line number and skipped (exit 1).
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"

# Line 3 is blank. Lines 4-11 are bad. Offsets count bytes of the decoded text: in line 2,
# "\u00e9" is 2 bytes and the surrogate pair 4, so "Russia" starts at byte 2+1+4+1+1 = 9.
cat >"$T/in.jsonl" <<'JSONL'
{"id": "d1", "text": "The United States opposes an immediate ceasefire.", "extra": [1, 2.5e3, {"a": null}, true, false]}
{"text": "\u00e9 \ud83d\ude00 \"Russia\" backs\tthe\ntruce \\ \/ \b\f\r.", "id": 42}

[1, 2]
{"id": "d4", "text": "unterminated}
{"id": "d5", "text": "lone \udc00 surrogate"}
{"id": "d6", "text": "bad \x escape"}
{"id": "d7"}
{"id": "d8", "text": "ok"} trailing
{"id": "d9", "text": 7}
{"id": "d10", "text": "x", "n": 01}
{"id": "nt", "text": "China backs the truce."}
JSONL
printf '{"text":"Russia opposes the truce."}' >>"$T/in.jsonl"  # no id, no final newline

run "$ST" --format jsonl --jsonl-input "$T/r.rules" "$T/in.jsonl"
expect_status 1 "JSON Lines with bad lines"
for n in 4 5 6 7 8 9 10 11; do
  grep -q "^$T/in.jsonl:$n: error: bad JSON line skipped: " "$T/err" || fail "line $n not reported"
done
[ "$(wc -l <"$T/err")" -eq 8 ] || fail "expected 8 messages"
for doc in d1 42 nt "$T/in.jsonl:13"; do
  grep -q "\"doc\":\"$doc\"" "$T/out" || fail "document $doc not tagged"
done
grep -q '"doc":"d[4-9]"' "$T/out" && fail "a bad line was tagged"
grep -q '"doc":"42","start":9,"end":15,"text":"Russia"' "$T/out" ||
  fail "offsets in decoded text"
grep -q '"stance":"support"' "$T/out" || fail "the stance across \\t and \\n escapes"

# Renamed members; with threads the output is the same.
sed 's/"id"/"key"/; s/"text"/"body"/' "$T/in.jsonl" >"$T/renamed.jsonl"
run "$ST" --format jsonl --jsonl-input --id-field key --text-field body --threads 1 \
  "$T/r.rules" "$T/renamed.jsonl"
expect_status 1 "renamed members"
sed "s|renamed.jsonl|in.jsonl|" "$T/out" >"$T/renamed.out"
run "$ST" --format jsonl --jsonl-input --threads 3 "$T/r.rules" "$T/in.jsonl"
cmp -s "$T/out" "$T/renamed.out" || fail "renamed members give other output"

# From standard input; only good lines: exit 0.
grep '"d1"\|"nt"' "$T/in.jsonl" >"$T/good.jsonl"
run "$ST" --format jsonl --jsonl-input "$T/r.rules" - <"$T/good.jsonl"
expect_status 0 "good JSON Lines on standard input"
err_empty "good JSON Lines"
grep -q '"doc":"d1"' "$T/out" || fail "d1 from standard input"
exit 0
