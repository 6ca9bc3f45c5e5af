#!/bin/sh
# stancetag_compile_file reads the rules with the front end's bounded, non-blocking read: a
# FIFO, a directory or a missing file is an error like a bad import, never a hang. Also: a
# program with antecedent() actions tags the same after saving and loading.
. "${top_srcdir:-.}/tests/cli/lib.sh"
STANCETAG_TEST_TIMEOUT=20

mkfifo "$T/fifo.rules" 2>/dev/null || skip "mkfifo unavailable"
run "$ST" check "$T/fifo.rules"
[ "$status" -ne 124 ] || fail "check on a FIFO hung"
expect_status 2 "check on a FIFO"
err_has "$T/fifo.rules: error: cannot read \`$T/fifo.rules\`: it is not a regular file"

# The main job given a FIFO as its rules: the same error, no hang.
printf 'Some text.\n' >"$T/doc.txt"
run "$ST" "$T/fifo.rules" "$T/doc.txt"
[ "$status" -ne 124 ] || fail "scanning with FIFO rules hung"
expect_status 2 "scan with FIFO rules"
err_has "cannot read \`$T/fifo.rules\`: it is not a regular file"

mkdir "$T/dir.rules"
run "$ST" check "$T/dir.rules"
expect_status 2 "check on a directory"
err_has "$T/dir.rules: error: cannot read \`$T/dir.rules\`: it is a directory"

run "$ST" check "$T/missing.rules"
expect_status 2 "check on a missing file"
err_has "$T/missing.rules: error: cannot read \`$T/missing.rules\`: No such file or directory"

# A FIFO imported by a rules file: the same message at the import.
printf 'import "fifo.rules"\n' >"$T/imp.rules"
run "$ST" check "$T/imp.rules"
expect_status 2 "check importing a FIFO"
err_has "cannot read \`fifo.rules\`: it is not a regular file"

cat >"$T/ante.rules" <<'RULES'
entity COUNTRY { "Russia" -> id RUS  "China" -> id CHN, kind country }
words SUPPORT_V = verb(welcome) -> polarity support
span TARGET = "peace" "plan" -> id peace_plan
rule it_target:
    holder:COUNTRY cue:SUPPORT_V pron:"it"
    => stance(holder, polarity(cue), antecedent(pron, TARGET, 2))
rule it_holder:
    pron:"it" cue:SUPPORT_V "the" target:TARGET
    => stance(antecedent(pron, COUNTRY[kind = country]), polarity(cue), target)
RULES
printf 'China drafted a peace plan. It welcomed the peace plan. Russia welcomed it.\n' \
  >"$T/ante.txt"
run "$ST" compile "$T/ante.rules" -o "$T/ante.stp"
expect_status 0 "compile antecedent rules"
run "$ST" --format jsonl "$T/ante.rules" "$T/ante.txt"
expect_status 0 "tag with antecedent rules"
mv "$T/out" "$T/from-rules"
run "$ST" --format jsonl "$T/ante.stp" "$T/ante.txt"
expect_status 0 "tag with the antecedent program"
cmp -s "$T/out" "$T/from-rules" || fail "a loaded program resolves antecedents differently"
out_has '"resolved_target":"it"'
out_has '"resolved_holder":"It"'
exit 0
