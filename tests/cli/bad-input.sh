#!/bin/sh
# Bad input: each problem is reported with its path, every other document is still tagged,
# and the exit status is 1 when a document could not be processed.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
write_doc "$T/good.txt"
tag() { run "$ST" --format jsonl --threads 1 "$T/r.rules" "$@"; }
good_tagged() { grep -q '"doc":"good.txt"' "$T/out" || fail "$1: the good document was not tagged"; }

# A nonexistent path, before and after a good document.
tag "$T/nope.txt" "$T/good.txt" "$T/nope2"
expect_status 1 "nonexistent paths"
good_tagged "nonexistent"
err_has "$T/nope.txt: error: No such file or directory"
err_has "$T/nope2: error:"

# An empty file: no output, no message, success.
: >"$T/empty.txt"
tag "$T/empty.txt"
expect_status 0 "empty file"
[ ! -s "$T/out" ] || fail "output for an empty file"
err_empty "empty file"

# Binary files (a NUL byte; mostly control bytes): skipped with a message, unless --binary.
printf 'Russia opposes\000 the truce.\n' >"$T/nul.bin"
awk 'BEGIN { for (i = 0; i < 200; i++) printf "%c%c%c%c Russia ", 1, 2, 3, 4 }' >"$T/ctl.bin"
tag "$T/nul.bin" "$T/good.txt" "$T/ctl.bin"
expect_status 1 "binary files"
good_tagged "binary"
err_has "$T/nul.bin: error: binary file skipped"
err_has "$T/ctl.bin: error: binary file skipped"
grep -q '"doc":"nul.bin"' "$T/out" && fail "binary file tagged without --binary"
run "$ST" --format jsonl --binary "$T/r.rules" "$T/nul.bin"
expect_status 0 "--binary"
grep -q '"doc":"nul.bin"' "$T/out" || fail "--binary: binary file not tagged"

# Invalid UTF-8: tagged, with one warning per document giving the first offset and the count.
printf 'Russia \377 opposes the truce. \300\200 China backs \355\240\200 it.\n' >"$T/bad-utf8.txt"
tag "$T/bad-utf8.txt" "$T/good.txt"
expect_status 0 "invalid UTF-8"
good_tagged "invalid UTF-8"
grep -q '"doc":"bad-utf8.txt"' "$T/out" || fail "document with invalid UTF-8 not tagged"
[ "$(grep -c 'warning: invalid UTF-8' "$T/err")" -eq 1 ] || fail "not one warning per document"
grep -q "^$T/bad-utf8.txt: warning: invalid UTF-8 at byte 7 ([0-9]* sequences)\$" "$T/err" ||
  fail "invalid UTF-8 warning format"
# Output stays valid UTF-8 whatever the input.
if command -v iconv >/dev/null 2>&1; then
  iconv -f UTF-8 -t UTF-8 "$T/out" >/dev/null 2>&1 || fail "output is not valid UTF-8"
fi

# Standard input.
run "$ST" --format jsonl "$T/r.rules" - <"$T/good.txt"
expect_status 0 "standard input"
grep -q '"doc":"<stdin>"' "$T/out" || fail "standard input document name"
exit 0
