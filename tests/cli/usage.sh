#!/bin/sh
# Usage errors: exit status 3, a one-line problem and a one-line hint on stderr, nothing on
# stdout.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
write_doc "$T/doc.txt"

usage() {
  run "$ST" "$@"
  expect_status 3 "stancetag $*"
  [ ! -s "$T/out" ] || fail "stancetag $*: output on stdout"
  [ "$(wc -l <"$T/err")" -eq 2 ] || fail "stancetag $*: not two lines on stderr"
  grep -q "^stancetag: " "$T/err" || fail "stancetag $*: no 'stancetag:' prefix"
  grep -q -- "--help" "$T/err" || fail "stancetag $*: no hint"
}

usage
usage "$T/r.rules"
usage --bogus "$T/r.rules" "$T/doc.txt"
usage -Z "$T/r.rules" "$T/doc.txt"
usage --format xml "$T/r.rules" "$T/doc.txt"
usage --format
usage --threads 0 "$T/r.rules" "$T/doc.txt"
usage --threads two "$T/r.rules" "$T/doc.txt"
usage -j 99999 "$T/r.rules" "$T/doc.txt"
usage --color sometimes "$T/r.rules" "$T/doc.txt"
usage --chunk-size 1 "$T/r.rules" "$T/doc.txt"
usage --chunk-size 4X "$T/r.rules" "$T/doc.txt"
usage --binary=yes "$T/r.rules" "$T/doc.txt"
usage check
usage check "$T/r.rules" "$T/r.rules"
usage check --Wbogus "$T/r.rules"
usage test
usage compile "$T/r.rules"
usage compile -o
usage compile "$T/r.rules" "$T/doc.txt" -o "$T/p"

# "--" ends options: a file whose name starts with "-" can then be tagged.
cp "$T/doc.txt" "$T/-n.txt"
(cd "$T" && "$ST" --format jsonl r.rules -- -n.txt >out 2>err)
[ $? -eq 0 ] || fail "-- did not end the options"
grep -q '"doc":"-n.txt"' "$T/out" || fail "file after -- not tagged"

# Options may follow operands; --opt=value works.
run "$ST" "$T/r.rules" "$T/doc.txt" --format=tsv
expect_status 0 "options after operands"
head -1 "$T/out" | grep -q '^doc	holder_id' || fail "--format=tsv after operands"
exit 0
