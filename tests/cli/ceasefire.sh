#!/bin/sh
# Smoke test of the shipped rules on the sample documents (skipped while they are absent).
. "${top_srcdir:-.}/tests/cli/lib.sh"
rules="$top_srcdir/rules/ceasefire.rules"
[ -f "$rules" ] || skip "rules/ceasefire.rules is not there yet"
run "$ST" check "$rules"
expect_status 0 "check rules/ceasefire.rules"
run "$ST" --format jsonl "$rules" "$top_srcdir/docs"
expect_status 0 "tag docs/ with rules/ceasefire.rules"
grep -q '"type":"stance"' "$T/out" || fail "no stance record in docs/"
grep -q '"type":"entity"' "$T/out" || fail "no entity in docs/"
run "$ST" --format text --color never "$rules" "$top_srcdir/docs"
expect_status 0 "text format"
out_has "Who stands where"
exit 0
