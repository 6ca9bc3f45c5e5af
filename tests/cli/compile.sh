#!/bin/sh
# `stancetag compile`: a program that tags exactly like its rules, written atomically.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
mkdir "$T/docs"
write_doc "$T/docs/a.txt"
cp "$top_srcdir"/docs/*.txt "$T/docs/"

run "$ST" compile "$T/r.rules" -o "$T/r.stp"
expect_status 0 "compile"
[ -s "$T/r.stp" ] || fail "no program written"
ls "$T" | grep -q 'tmp-' && fail "temporary file left behind"

for fmt in jsonl text tsv; do
  run "$ST" --format $fmt --threads 1 "$T/r.rules" "$T/docs"
  expect_status 0 "tag with rules ($fmt)"
  mv "$T/out" "$T/from-rules.$fmt"
  run "$ST" --format $fmt --threads 1 "$T/r.stp" "$T/docs"
  expect_status 0 "tag with the program ($fmt)"
  cmp -s "$T/out" "$T/from-rules.$fmt" || fail "$fmt output differs between rules and program"
done
grep -q '"type":"stance"' "$T/from-rules.jsonl" || fail "no stance records at all"

# Recompiling over an existing program replaces it; compiling a program copies it.
run "$ST" compile "$T/r.rules" -o "$T/r.stp"
expect_status 0 "compile over an existing file"
run "$ST" compile "$T/r.stp" -o "$T/copy.stp"
expect_status 0 "compile a compiled program"
run "$ST" --format jsonl "$T/copy.stp" "$T/docs"
cmp -s "$T/out" "$T/from-rules.jsonl" || fail "copied program tags differently"

# Rules with errors: exit 2 and no output file. An unwritable destination: exit 1.
printf 'rule broken: => =>\n' >"$T/bad.rules"
run "$ST" compile "$T/bad.rules" -o "$T/bad.stp"
expect_status 2 "compile bad rules"
[ ! -e "$T/bad.stp" ] || fail "program written for bad rules"
run "$ST" compile "$T/r.rules" -o "$T/no/such/dir/r.stp"
expect_status 1 "compile to a missing directory"
err_has "$T/no/such/dir/r.stp"
exit 0
