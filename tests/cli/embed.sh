#!/bin/sh
# The embedding example: rules compiled from memory, one program shared by two threads with a
# scratch each.
. "${top_srcdir:-.}/tests/cli/lib.sh"
ex="$top_builddir/tools/embed-example"
[ -x "$ex" ] || fail "$ex not built"
run "$ex"
expect_status 0 "embed-example"
err_empty "embed-example"
cat >"$T/expected" <<'OUT'
thread 0:
The United States opposes an immediate ceasefire.
  USA oppose ceasefire (rule active, bytes 4-48)
China backs the ceasefire, officials said.
  CHN support ceasefire (rule active, bytes 0-25)
thread 1:
Russia welcomed the truce.
  RUS support ceasefire (rule active, bytes 0-25)
Nothing happened today.
OUT
echo "stancetag $("$ST" --version | sed -n 's/^stancetag \([^ ]*\).*/\1/p')" >>"$T/expected"
diff "$T/expected" "$T/out" >"$T/diff" || { cat "$T/diff" >&2; fail "embed-example output"; }
exit 0
