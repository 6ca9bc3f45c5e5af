#!/bin/sh
# A 200 MB single-line document tagged under `ulimit -v` well below its size: the program
# reads in chunks, so memory stays bounded. Offsets are those of the whole document.
# STANCETAG_HUGE_MB changes the size (default 200).
. "${top_srcdir:-.}/tests/cli/lib.sh"
sanitized && skip "AddressSanitizer reserves terabytes of address space: no ulimit -v"
mb=${STANCETAG_HUGE_MB:-200}
limit_kb=160000 # 160 MB of address space for a 200 MB document

write_rules "$T/r.rules"
# One block: a stance sentence, then ~1 MiB of filler sentences; no newline anywhere.
awk 'BEGIN {
  printf "The United States opposes an immediate ceasefire. "
  for (n = 51; n + 49 <= 1048576; n += 49) printf "The weather was fine and nothing else happened. "
}' >"$T/block"
block=$(wc -c <"$T/block")
i=0
while [ $i -lt "$mb" ]; do
  cat "$T/block"
  i=$((i + 1))
done >"$T/huge.txt"
[ "$(wc -l <"$T/huge.txt")" -eq 0 ] || fail "the document is not a single line"

# Threads each reserve malloc arenas (64 MiB of address space apiece): limit them.
(
  ulimit -v $limit_kb || exit 77
  MALLOC_ARENA_MAX=2 exec "$ST" --format tsv --threads 1 "$T/r.rules" "$T/huge.txt"
) >"$T/out" 2>"$T/err"
status=$?
[ $status -ne 77 ] || skip "ulimit -v is not available"
expect_status 0 "$mb MB under ulimit -v $limit_kb"
n=$(($(wc -l <"$T/out") - 1))
[ "$n" -eq "$mb" ] || fail "expected $mb stance records, got $n"
# The holder of the last record starts 4 bytes into the last block ("The United States").
last=$(tail -1 "$T/out" | cut -f9)
want=$(((mb - 1) * block + 4))
[ "$last" -eq "$want" ] || fail "last record starts at $last, not $want"

(
  ulimit -v $((limit_kb + 100000)) || exit 77
  MALLOC_ARENA_MAX=2 exec "$ST" --format tsv --threads 2 "$T/r.rules" "$T/huge.txt"
) >"$T/out2" 2>"$T/err"
status=$?
expect_status 0 "$mb MB with two threads"
cmp -s "$T/out" "$T/out2" || fail "two threads give other output"
exit 0
