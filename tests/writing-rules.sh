#!/bin/sh
# writing-rules.sh: runs every ```rules example of doc/writing-rules.md with `stancetag test`.
# Each example is written next to a copy of rules/ (so `import "lexicon/..."` and
# `import "ceasefire.rules"` resolve as in rules/); it must compile, have at least one test and
# pass all of them. Exit 0 pass, 1 fail, 77 skip.
. "${top_srcdir:-.}/tests/cli/lib.sh"
doc="$top_srcdir/doc/writing-rules.md"
[ -f "$doc" ] || skip "doc/writing-rules.md is not there"
cp -R "$top_srcdir/rules" "$T/rules" || fail "cannot copy rules/"
chmod -R u+w "$T/rules"
# Cut the examples into $T/rules/example-N.rules.
awk -v dir="$T/rules" '
  /^```rules[ \t]*$/ { n++; f = sprintf("%s/example-%02d.rules", dir, n); inb = 1; next }
  /^```/ && inb      { inb = 0; close(f); next }
  inb                { print > f }
  END                { print n > (dir "/count") }
' "$doc"
n=$(cat "$T/rules/count")
[ "$n" -gt 0 ] || fail "no \`\`\`rules example in $doc"
failed=0
for f in "$T"/rules/example-*.rules; do
  run "$ST" test "$f"
  last=$(tail -n 1 "$T/out")
  case "$last" in
    "0 passed, 0 failed") echo "FAIL: $(basename "$f"): no test ran" >&2; failed=$((failed + 1)); continue ;;
  esac
  if [ "$status" -ne 0 ] || ! echo "$last" | grep -q ' 0 failed$'; then
    echo "FAIL: $(basename "$f") (status $status): $last" >&2
    sed 's/^/  /' "$T/out" "$T/err" | head -30 >&2
    failed=$((failed + 1))
  fi
done
echo "writing-rules: $n examples, $failed failed"
[ "$failed" -eq 0 ] || exit 1

# Found people (rules/lexicon/person-patterns.rules) on an invented text: each person is one
# PERSON entity (a listed person is not found again, nor inside a longer or shorter name), firms
# and places are not people, and a found person is a stance holder. Inline tests cannot say
# "no such entity", so these checks do.
cat >"$T/people.txt" <<'TEXT'
Pope Francis received Cardinal Elio Brantoni. President Joe Biden met Kremlin spokesman Dmitry S. Peskov.
Analysts at Morgan Stanley praised the Abraham Accords near Victoria Station.
Austrian Chancellor Markus Vellinger rejected the truce proposal.
TEXT
run "$ST" --format jsonl "$T/rules/ceasefire.rules" "$T/people.txt"
expect_status 0 "ceasefire.rules on invented people"
persons=$(grep '"type":"entity"' "$T/out" | grep '"label":"PERSON"' | sed 's/.*"text":"\([^"]*\)".*/\1/' | tr '\n' '|')
[ "$persons" = "Pope Francis|Elio Brantoni|Joe Biden|Dmitry S. Peskov|Markus Vellinger|" ] ||
  fail "PERSON entities on invented text: $persons"
out_has '"holder":{"id":"Markus Vellinger","label":"PERSON"'
exit 0
