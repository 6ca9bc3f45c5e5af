#!/bin/sh
# --threads N gives byte-identical output to --threads 1, in every format, also when large
# documents are cut into many pieces, and when many small documents travel in batches between
# messages (binary files skipped, bad JSON lines) whose order must be kept.
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

# Many small documents (more than one batch of 32), with failures among them.
mkdir "$T/small"
i=100
while [ $i -lt 200 ]; do
  write_doc "$T/small/d$i.txt"
  i=$((i + 1))
done
# Invalid UTF-8 warnings (at each document's end) around the binary-file messages: a message
# handed over before the batch of the documents read earlier would change their order.
for i in 104 106 149 151; do
  printf 'bad \377 byte %s, Russia backs the truce.\n' $i >"$T/small/d$i.txt"
done
printf 'ELF\000\001\002 binary\n' >"$T/small/d105.bin"
printf 'ELF\000\001\002 binary\n' >"$T/small/d150.bin"
: >"$T/small/d160.txt"
run "$ST" --format jsonl --threads 1 "$T/r.rules" "$T/small"
expect_status 1 "small documents, --threads 1"
mv "$T/out" "$T/one"
mv "$T/err" "$T/one.err"
[ "$(grep -c 'binary file skipped' "$T/one.err")" -eq 2 ] || fail "two binary files not reported"
[ "$(grep -c 'invalid UTF-8' "$T/one.err")" -eq 4 ] || fail "four invalid UTF-8 warnings expected"
for n in 2 8; do
  run "$ST" --format jsonl --threads $n "$T/r.rules" "$T/small"
  expect_status 1 "small documents, --threads $n"
  cmp -s "$T/out" "$T/one" || fail "small documents: --threads $n differs from --threads 1"
  cmp -s "$T/err" "$T/one.err" || fail "small documents: --threads $n: messages differ"
done

# The same through JSON Lines input: bad lines between documents, messages in order.
: >"$T/small.jsonl"
i=0
while [ $i -lt 100 ]; do
  printf '{"id": "j%d", "text": "The United States opposes an immediate ceasefire."}\n' $i \
    >>"$T/small.jsonl"
  [ $((i % 37)) -eq 5 ] && printf '{"id": "bad%d"}\n' $i >>"$T/small.jsonl"
  i=$((i + 1))
done
run "$ST" --format jsonl --threads 1 --jsonl-input "$T/r.rules" "$T/small.jsonl"
expect_status 1 "JSON Lines, --threads 1"
mv "$T/out" "$T/one"
mv "$T/err" "$T/one.err"
[ "$(wc -l <"$T/one.err")" -eq 3 ] || fail "three bad JSON lines not reported"
run "$ST" --format jsonl --threads 2 --jsonl-input "$T/r.rules" "$T/small.jsonl"
expect_status 1 "JSON Lines, --threads 2"
cmp -s "$T/out" "$T/one" || fail "JSON Lines: --threads 2 differs from --threads 1"
cmp -s "$T/err" "$T/one.err" || fail "JSON Lines: --threads 2: messages differ"
exit 0
