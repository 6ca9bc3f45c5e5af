#!/bin/sh
# --help lists every subcommand, option and exit status; --version prints the version.
. "${top_srcdir:-.}/tests/cli/lib.sh"

run "$ST" --help
expect_status 0 "--help"
err_empty "--help"
for word in "stancetag check" "stancetag test" "stancetag compile" "scan" \
  --format --output --entities --no-entities --spans --threads --include --jsonl-input \
  --id-field --text-field --binary --color --chunk-size --no-progress --Werror --no-tests \
  --help --version "Exit status" "  0 " "  1 " "  2 " "  3 "; do
  out_has "$word"
done
cp "$T/out" "$T/help"

run "$ST" -h
expect_status 0 "-h"
cmp -s "$T/out" "$T/help" || fail "-h differs from --help"

# --help wins wherever it is, also after a subcommand.
run "$ST" check --help
expect_status 0 "check --help"
cmp -s "$T/out" "$T/help" || fail "check --help differs from --help"

run "$ST" --version
expect_status 0 "--version"
grep -E -q '^stancetag [0-9]+\.[0-9]+\.[0-9]+' "$T/out" || fail "--version output"
run "$ST" -V
expect_status 0 "-V"
exit 0
