#!/bin/sh
# Symbolic links: followed, loops detected and reported (never followed forever), dangling
# links reported; the other documents are tagged.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
mkdir -p "$T/tree/sub"
write_doc "$T/tree/a.txt"
write_doc "$T/tree/sub/b.txt"
ln -s .. "$T/tree/sub/up"         # a directory containing itself
ln -s self "$T/tree/self"         # a link to itself
ln -s nowhere.txt "$T/tree/gone.txt"
ln -s a.txt "$T/tree/link.txt"    # an ordinary link to a file

run "$ST" --format jsonl "$T/r.rules" "$T/tree"
expect_status 1 "symbolic link loops"
err_has "$T/tree/sub/up: error: symbolic link loop"
err_has "$T/tree/self: error: symbolic link loop"
err_has "$T/tree/gone.txt: error: No such file or directory"
for doc in a.txt link.txt sub/b.txt; do
  grep -q "\"doc\":\"$doc\"" "$T/out" || fail "$doc not tagged"
done
grep -q '"doc":"sub/up/' "$T/out" && fail "followed a loop"

# A loop named on the command line.
run "$ST" --format jsonl "$T/r.rules" "$T/tree/self"
expect_status 1 "a looping link on the command line"
err_has "$T/tree/self: error: symbolic link loop"
exit 0
