#!/bin/sh
# `stancetag check`: every diagnostic with file:line:col and a caret, and the exit statuses
# (0 clean or warnings only, 1 warnings with --Werror, 2 errors).
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/good.rules"

run "$ST" check "$T/good.rules"
expect_status 0 "check on clean rules"
[ ! -s "$T/out" ] || fail "check printed on stdout"

# Three different mistakes, each in an otherwise valid rule: an undefined name (line 9), bad
# {m,n} bounds (line 11) and an invalid regex (line 13).
cat >"$T/bad.rules" <<'RULES'
entity COUNTRY {
  "Russia" -> id RUS
}
words OPPOSE = verb(oppose) -> polarity oppose
span TARGET = "ceasefire" -> id ceasefire
rule ok:
    holder:COUNTRY cue:OPPOSE target:TARGET => stance(holder, polarity(cue), target)
rule undefined_name:
    holder:COUNTRY cue:OPOSE target:TARGET => stance(holder, oppose, target)
rule bad_bounds:
    holder:COUNTRY _{5,2} cue:OPPOSE target:TARGET => stance(holder, oppose, target)
rule bad_regex:
    holder:COUNTRY /(ab/ cue:OPPOSE target:TARGET => stance(holder, oppose, target)
RULES
run "$ST" check "$T/bad.rules"
expect_status 2 "check with three errors"
[ ! -s "$T/out" ] || fail "check printed on stdout"
n=$(grep -c "^$T/bad.rules:[0-9][0-9]*:[0-9][0-9]*: error: " "$T/err")
[ "$n" -eq 3 ] || fail "expected 3 errors, got $n"
for line in 9 11 13; do
  grep -q "^$T/bad.rules:$line:[0-9][0-9]*: error: " "$T/err" || fail "no error on line $line"
done
grep -q "OPOSE" "$T/err" || fail "the undefined name is not named"
[ "$(grep -c '\^' "$T/err")" -ge 3 ] || fail "expected a caret under each error"
# The source line is quoted under each error.
grep -q "cue:OPOSE target" "$T/err" || fail "source line not quoted"

# Warnings only (an unused word class): 0, or 1 with --Werror; printed either way.
cat "$T/good.rules" >"$T/warn.rules"
echo 'words UNUSED = "whatever"' >>"$T/warn.rules"
run "$ST" check "$T/warn.rules"
expect_status 0 "check with warnings only"
grep -q "^$T/warn.rules:[0-9][0-9]*:[0-9][0-9]*: warning: " "$T/err" || fail "warning not printed"
run "$ST" check --Werror "$T/warn.rules"
expect_status 1 "check --Werror with warnings"
grep -q "warning: " "$T/err" || fail "warning not printed with --Werror"
run "$ST" check "$T/warn.rules" --Werror
expect_status 1 "check FILE --Werror"
run "$ST" check --Werror "$T/good.rules"
expect_status 0 "check --Werror on clean rules"

# A syntax error, a missing file: 2.
printf 'rule broken: => =>\n' >"$T/syntax.rules"
run "$ST" check "$T/syntax.rules"
expect_status 2 "check with a syntax error"
grep -q "^$T/syntax.rules:1:[0-9][0-9]*: error: " "$T/err" || fail "syntax error location"
run "$ST" check "$T/missing.rules"
expect_status 2 "check on a missing file"
err_has "missing.rules"

# Errors while tagging: every diagnostic, exit 2, nothing tagged.
write_doc "$T/doc.txt"
run "$ST" "$T/bad.rules" "$T/doc.txt"
expect_status 2 "tagging with bad rules"
[ "$(grep -c ': error: ' "$T/err")" -ge 3 ] || fail "tagging: not every diagnostic printed"
[ ! -s "$T/out" ] || fail "tagging with bad rules printed records"
exit 0
