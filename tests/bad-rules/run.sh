#!/bin/sh
# Hostile rule files: each must give an error with a position, quickly (timeout 10) and in
# bounded memory (ulimit -v 2 GB), never a crash or a hang. Large inputs are generated here
# (random bytes from a fixed seed), not committed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
check="$top_builddir/tests/front-check"
bad="$top_srcdir/tests/bad-rules"
work=$(mktemp -d "${TMPDIR:-/tmp}/stg-bad-XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

# Sanitizer builds reserve terabytes of address space: no ulimit -v there.
limit="ulimit -v 2000000;"
if ! (ulimit -v 2000000; "$check" /dev/null) >/dev/null 2>&1; then
  limit=""
fi

failures=0
# expect FILE SUBSTRING: front-check FILE exits 1 and prints "FILE:LINE:COL: error: ...SUBSTRING".
expect() {
  file=$1 want=$2
  out="$work/out.txt"
  (cd "$work" && eval "$limit" timeout 10 "$check" "$file") >"$out" 2>&1
  rc=$?
  if [ $rc -ne 1 ]; then
    echo "FAIL $file: exit status $rc (want 1)"; head -c 2000 "$out"; failures=$((failures + 1))
  elif ! grep -a -q "^[^ ]*:[0-9][0-9]*:[0-9][0-9]*: error: .*$want" "$out"; then
    echo "FAIL $file: no positioned error with \"$want\""; head -c 2000 "$out"
    failures=$((failures + 1))
  else
    echo "ok   $file"
  fi
}

cp "$bad"/*.rules "$work"/ || exit 99

expect invalid-utf8.rules "invalid UTF-8 byte 0xFF"
expect invalid-utf8-string.rules "invalid UTF-8 byte 0xC3 in string"
expect nul.rules "NUL byte"
expect unterminated-string.rules "unterminated string"
expect unterminated-regex.rules "unterminated regex"
expect unterminated-escape.rules "unterminated string"

"$check" --random 20240321 10485760 >"$work/random.rules"
expect random.rules ""

awk 'BEGIN { printf "rule r: "; for (i = 0; i < 100000; i++) printf "("; printf "\"a\"";
             for (i = 0; i < 100000; i++) printf ")"; print " => tag X" }' >"$work/nested.rules"
expect nested.rules "parentheses nested deeper than 256"

awk 'BEGIN { printf "rule r: \"a\""; for (i = 0; i < 100000; i++) printf "?"; print " => tag X" }' \
  >"$work/quantifiers.rules"
expect quantifiers.rules "nested"

awk 'BEGIN { printf "span S = \"a\""; for (i = 0; i < 1000000; i++) printf " | \"a\""; print "" }' \
  >"$work/alternatives.rules"
expect alternatives.rules "more than 1000000 alternatives"

mkdir "$work/adir"
printf 'import "adir"\n' >"$work/import-dir.rules"
expect import-dir.rules "cannot read \`adir\`: it is a directory"

printf 'import "/dev/zero"\n' >"$work/import-zero.rules"
expect import-zero.rules "cannot read \`/dev/zero\`: it is not a regular file"

printf 'import "missing.rules"\n' >"$work/import-missing.rules"
expect import-missing.rules "cannot read \`missing.rules\`: No such file or directory"

printf 'import "cycle-b.rules"\n' >"$work/cycle-a.rules"
printf 'import "cycle-a.rules"\n' >"$work/cycle-b.rules"
expect cycle-a.rules "import cycle: cycle-a.rules -> cycle-b.rules -> cycle-a.rules"

truncate -s 65M "$work/huge.rules"
printf 'import "huge.rules"\n' >"$work/import-huge.rules"
expect import-huge.rules "larger than 64 MiB"

i=0
while [ $i -lt 70 ]; do
  printf 'import "deep%d.rules"\n' $((i + 1)) >"$work/deep$i.rules"
  i=$((i + 1))
done
: >"$work/deep70.rules"
expect deep0.rules "imports nested deeper than 64"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
exit 0
