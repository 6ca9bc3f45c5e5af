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
exit 0
