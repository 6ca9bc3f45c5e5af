#!/bin/sh
# --threads N gives byte-identical output to --threads 1, in every format, also when large
# documents are cut into many pieces.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
mkdir "$T/corpus"
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
  mkdir "$T/corpus/$i"
  cp "$top_srcdir"/docs/*.txt "$T/corpus/$i/"
  write_doc "$T/corpus/$i/extra.txt"
done
: >"$T/corpus/05/empty.txt"
printf 'bad \377 byte, Russia backs the truce.\n' >"$T/corpus/07/bad.txt"

for fmt in jsonl tsv text; do
  for opts in "" "--chunk-size 256"; do
    run "$ST" --format $fmt --threads 1 $opts "$T/r.rules" "$T/corpus"
    expect_status 0 "--threads 1 $fmt $opts"
    mv "$T/out" "$T/one"
    mv "$T/err" "$T/one.err"
    for n in 2 3 8; do
      run "$ST" --format $fmt --threads $n $opts "$T/r.rules" "$T/corpus"
      expect_status 0 "--threads $n $fmt $opts"
      cmp -s "$T/out" "$T/one" || fail "--threads $n differs from --threads 1 ($fmt $opts)"
      cmp -s "$T/err" "$T/one.err" || fail "--threads $n: messages differ ($fmt $opts)"
    done
  done
done
grep -q 'invalid UTF-8' "$T/one.err" || fail "the invalid UTF-8 warning is missing"
exit 0
