#!/bin/sh
# bench-smoke.sh: runs the benchmark harness (tools/bench/run --quick: a tiny offline corpus,
# one run, no warm-up) to prove that it works end to end. It checks that every case ran and
# that the report has its tables; it never judges a speed, so it cannot fail on a slow machine.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
cli=$top_builddir/stancetag
[ -x "$cli" ] || { echo "SKIP: $cli is not built"; exit 77; }
ls "$top_srcdir"/docs/*.txt >/dev/null 2>&1 || { echo "SKIP: no sample articles in docs/"; exit 77; }
set -- --quick --srcdir "$top_srcdir" --stancetag "$cli"
[ -x "$top_builddir/tools/bench/loadtime" ] && set -- "$@" --loadtime "$top_builddir/tools/bench/loadtime"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
sh "$top_srcdir/tools/bench/run" "$@" >"$tmp/report.md" 2>"$tmp/log" || status=$?
cat "$tmp/report.md"
if [ "$status" != 0 ]; then
  echo "FAIL: tools/bench/run --quick exited $status"; tail -n 30 "$tmp/log"; exit 1
fi
fail=0
for want in '| case | program |' '| rules-1 | rules-1 |' '| rules-200 | rules-200 |' \
            '| gaz-1k | gaz-1k |' '| gaz-10k | gaz-10k |' '| grep-1k |' '| program | compile s' \
            '| target | measured | status |' '| prose-rules-200 | rules-200 |'; do
  grep -qF -- "$want" "$tmp/report.md" || { echo "FAIL: the report has no line with '$want'"; fail=1; }
done
if grep -q 'FAILED\|DIFFERENT' "$tmp/report.md"; then echo "FAIL: a case failed"; fail=1; fi
# the compile table has a warm and a cold load time for every program
grep -qF '| load ms | cold load ms |' "$tmp/report.md" || { echo "FAIL: no cold load column"; fail=1; }
if [ -x "$top_builddir/tools/bench/loadtime" ]; then
  grep -qE '^\| ceasefire \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|' "$tmp/report.md" ||
    { echo "FAIL: no load times for ceasefire"; fail=1; }
fi
grep -qF 'load ceasefire ≤ 50 ms (cold' "$tmp/report.md" || { echo "FAIL: no cold load target"; fail=1; }
# the ratio targets are judged on alternating pairs of runs (one pair with --quick)
grep -qE '^\| 200 rules within 20% of 1 rule \| ×[0-9.]+ \(median of 1 alternating pair\(s\)' "$tmp/report.md" ||
  { echo "FAIL: the rules ratio was not measured in pairs"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: bench-smoke"
exit "$fail"
