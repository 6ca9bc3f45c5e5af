#!/bin/sh
# `stancetag test`: runs inline tests, prints each failure with file:line and a summary;
# exit 0 all passed, 1 some failed, 2 rule errors.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/pass.rules"

run "$ST" test "$T/pass.rules"
expect_status 0 "test with passing tests"
out_has "2 passed, 0 failed"

cp "$T/pass.rules" "$T/fail.rules"
cat >>"$T/fail.rules" <<'RULES'
test "China rejects the truce." => nothing
test "Russia supports an immediate ceasefire." => stance(RUS, support, ceasefire)
RULES
run "$ST" test "$T/fail.rules"
expect_status 1 "test with a failing test"
out_has "3 passed, 1 failed"
# The failing test is the one on line 18.
grep -q "fail.rules:18:" "$T/out" || fail "failure not located at fail.rules:18"

# A compiled program keeps its tests.
run "$ST" compile "$T/fail.rules" -o "$T/fail.stp"
expect_status 0 "compile"
run "$ST" test "$T/fail.stp"
expect_status 1 "test on a compiled program"
out_has "3 passed, 1 failed"
run "$ST" compile --no-tests "$T/fail.rules" -o "$T/notests.stp"
expect_status 0 "compile --no-tests"
run "$ST" test "$T/notests.stp"
if grep -q "0 passed, 0 failed" "$T/out"; then
  expect_status 0 "test on a program without tests"
else
  engine_gap "STANCETAG_COMPILE_NO_TESTS is ignored: the program still has its tests"
fi

printf 'rule broken: => =>\n' >"$T/syntax.rules"
run "$ST" test "$T/syntax.rules"
expect_status 2 "test on rules with errors"
err_has "syntax.rules:1:"
exit 0
