#!/bin/sh
# Unreadable files and directories. Root reads everything, so as root the program is run as
# an unprivileged user (setpriv); without setpriv the test is skipped (77).
. "${top_srcdir:-.}/tests/cli/lib.sh"
as_user=""
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null 2>&1 || skip "running as root without setpriv"
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
  # The unprivileged user must reach the program, the library and the temporary directory.
  $as_user "$ST" --version >/dev/null 2>&1 || skip "the build tree is not accessible to uid 65534"
  chmod 755 "$T"
fi
write_rules "$T/r.rules"
mkdir "$T/tree" "$T/tree/locked"
write_doc "$T/tree/a.txt"
write_doc "$T/tree/secret.txt"
write_doc "$T/tree/locked/inner.txt"
write_doc "$T/tree/z.txt"
chmod 644 "$T/r.rules" "$T/tree/a.txt" "$T/tree/z.txt"
chmod 000 "$T/tree/secret.txt" "$T/tree/locked"
chmod 755 "$T/tree"

run $as_user "$ST" --format jsonl "$T/r.rules" "$T/tree" "$T/tree/secret.txt"
expect_status 1 "unreadable inputs"
err_has "$T/tree/secret.txt: error: Permission denied"
err_has "$T/tree/locked: error: Permission denied"
grep -q '"doc":"a.txt"' "$T/out" || fail "a.txt not tagged"
grep -q '"doc":"z.txt"' "$T/out" || fail "z.txt not tagged"
grep -q 'inner.txt' "$T/out" && fail "a file in a locked directory was tagged"
[ "$(grep -c 'secret.txt: error: Permission denied' "$T/err")" -eq 2 ] ||
  fail "secret.txt should be reported once per mention"
exit 0
