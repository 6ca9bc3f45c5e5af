#!/bin/sh
# Damaged and foreign programs: a clear error naming the file, exit 2, never a crash.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
write_doc "$T/doc.txt"
run "$ST" compile "$T/r.rules" -o "$T/r.stp"
expect_status 0 "compile"
size=$(wc -c <"$T/r.stp")

# flip FILE OFFSET: inverts the bits of one byte.
flip() {
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

for at in $((size / 2)) $((size - 1)) 12; do
  cp "$T/r.stp" "$T/bad.stp"
  flip "$T/bad.stp" $at
  run "$ST" "$T/bad.stp" "$T/doc.txt"
  expect_status 2 "program with byte $at flipped"
  err_has "$T/bad.stp"
  [ ! -s "$T/out" ] || fail "records from a corrupt program"
  run "$ST" test "$T/bad.stp"
  expect_status 2 "test on a corrupt program"
done

# What is wrong is said: damage, or another format version (recompiling helps).
cp "$T/r.stp" "$T/bad.stp"
flip "$T/bad.stp" $((size / 2))
run "$ST" "$T/bad.stp" "$T/doc.txt"
err_has "$T/bad.stp: error: corrupt program: checksum mismatch"
cp "$T/r.stp" "$T/old.stp"
printf 'cccc' | dd of="$T/old.stp" bs=1 seek=8 conv=notrunc 2>/dev/null
run "$ST" "$T/old.stp" "$T/doc.txt"
expect_status 2 "program of another format version"
err_has "$T/old.stp: error: program of format version 1667457891;"
err_has "(compile the rules again)"

# Truncated programs.
for n in $((size / 2)) 9; do
  head -c $n "$T/r.stp" >"$T/short.stp"
  run "$ST" "$T/short.stp" "$T/doc.txt"
  expect_status 2 "program truncated to $n bytes"
  err_has "$T/short.stp"
done

# A foreign binary file as RULES: one clear message, not a flood of syntax errors.
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000' >"$T/foreign"
head -c 4096 /dev/zero >>"$T/foreign"
run "$ST" "$T/foreign" "$T/doc.txt"
expect_status 2 "foreign file as rules"
err_has "$T/foreign"
[ "$(wc -l <"$T/err")" -le 3 ] || fail "too many messages for a foreign file"

# A text file that is not rules: syntax errors, exit 2.
write_doc "$T/prose.rules"
run "$ST" "$T/prose.rules" "$T/doc.txt"
expect_status 2 "prose as rules"
grep -q "prose.rules:[0-9]*:[0-9]*: error:" "$T/err" || fail "no located error for prose"

# A directory or a missing file as RULES.
run "$ST" "$T" "$T/doc.txt"
expect_status 2 "directory as rules"
run "$ST" "$T/none.rules" "$T/doc.txt"
expect_status 2 "missing rules"
err_has "$T/none.rules"
exit 0
