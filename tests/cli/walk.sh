#!/bin/sh
# Directory walking: byte order of relative paths, names relative to the given directory,
# hidden files and directories skipped, --include filtering file names.
. "${top_srcdir:-.}/tests/cli/lib.sh"
write_rules "$T/r.rules"
mkdir -p "$T/tree/a" "$T/tree/.git" "$T/tree/z/deep"
for f in B.txt a-b.txt a.txt a/x.txt z/deep/y.txt notes.md .hidden.txt .git/config.txt; do
  write_doc "$T/tree/$f"
done

docs() { sed -n 's/^{"type":"entity","doc":"\([^"]*\)".*/\1/p' "$T/out" | uniq | tr '\n' ' '; }

# '-' (0x2d) < '.' (0x2e) < '/' (0x2f): a-b.txt, a.txt, then a/x.txt; upper case first.
run "$ST" --format jsonl --threads 2 "$T/r.rules" "$T/tree"
expect_status 0 "walk"
[ "$(docs)" = "B.txt a-b.txt a.txt a/x.txt notes.md z/deep/y.txt " ] ||
  fail "walk order/names: $(docs)"

run "$ST" --format jsonl --include '*.txt' "$T/r.rules" "$T/tree"
expect_status 0 "--include"
[ "$(docs)" = "B.txt a-b.txt a.txt a/x.txt z/deep/y.txt " ] || fail "--include: $(docs)"

run "$ST" --format jsonl --include '*.md' --include 'a?b.*' "$T/r.rules" "$T/tree/"
expect_status 0 "two --include"
[ "$(docs)" = "a-b.txt notes.md " ] || fail "two --include: $(docs)"

# Files named on the command line: base name, hidden or not, whatever --include says; in the
# order given.
run "$ST" --format jsonl --include '*.md' "$T/r.rules" "$T/tree/a/x.txt" "$T/tree/.hidden.txt" \
  "$T/tree/z"
expect_status 0 "explicit files"
[ "$(docs)" = "x.txt .hidden.txt " ] || fail "explicit files: $(docs)"

# A path given twice is tagged twice.
run "$ST" --format jsonl "$T/r.rules" "$T/tree/a" "$T/tree/a"
[ "$(grep -c "\"type\":\"stance\",\"doc\":\"x.txt\"" "$T/out")" -eq 4 ] || fail "a directory given twice"
exit 0
