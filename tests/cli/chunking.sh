#!/bin/sh
# Large documents are read in chunks cut at paragraph breaks, newlines, sentence ends,
# whitespace or UTF-8 character boundaries. Offsets are those of the whole document, and a
# record is not lost when cuts fall between sentences.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  printf 'Paragraph %s. The United States opposes an immediate ceasefire. ' $i
  printf 'Russia welcomed the truce.\nChina backs the ceasefire.\n\n'
done >"$T/paras.txt"
tr '\n' ' ' <"$T/paras.txt" >"$T/oneline.txt"

for f in paras oneline; do
  run "$ST" --format jsonl --threads 1 "$T/r.rules" "$T/$f.txt"
  expect_status 0 "$f unchunked"
  mv "$T/out" "$T/whole"
  [ "$(grep -c '"type":"stance"' "$T/whole")" -eq 60 ] || fail "$f: expected 60 stances"
  for size in 64 100 333 4k; do
    run "$ST" --format jsonl --chunk-size $size "$T/r.rules" "$T/$f.txt"
    expect_status 0 "$f --chunk-size $size"
    cmp -s "$T/out" "$T/whole" || fail "$f: --chunk-size $size changes the output"
  done
done

# No whitespace at all: cut at character boundaries, never inside a UTF-8 sequence.
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "\303\251\342\202\254\360\237\230\200" }' >"$T/dense.txt"
for size in 16 17 18 19 1k; do
  run "$ST" --format jsonl --chunk-size $size "$T/r.rules" "$T/dense.txt"
  expect_status 0 "dense --chunk-size $size"
  err_lacks "invalid UTF-8"
done

# The same from standard input.
run "$ST" --format jsonl --chunk-size 100 "$T/r.rules" - <"$T/paras.txt"
[ "$(grep -c '"type":"stance"' "$T/out")" -eq 60 ] || fail "chunked standard input"
exit 0
