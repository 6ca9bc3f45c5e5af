# lib.sh: sourced by the CLI tests (POSIX sh). Sets ST (the program), T (a temporary
# directory removed on exit) and helpers. Tests exit 0 (pass), 1 (fail) or 77 (skip).
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
ST="$top_builddir/stancetag"
T=$(mktemp -d "${TMPDIR:-/tmp}/stancetag-cli.XXXXXX") || exit 99
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
status=0

fail() {
  echo "FAIL: $*" >&2
  for f in "$T/out" "$T/err"; do
    [ -s "$f" ] && { echo "--- $f:" >&2; head -40 "$f" >&2; }
  done
  exit 1
}
skip() {
  echo "SKIP: $*" >&2
  exit 77
}

# run CMD...: runs CMD with stdout in $T/out and stderr in $T/err; the status in $status.
# A hang becomes a failure (status 124) instead of stalling the suite.
if command -v timeout >/dev/null 2>&1; then limit="timeout ${STANCETAG_TEST_TIMEOUT:-300}"; else limit=""; fi
run() {
  status=0
  $limit "$@" >"$T/out" 2>"$T/err" || status=$?
}

# A check the library does not pass yet: reported in the log, not failed. Grep the logs for
# "ENGINE GAP" to find the checks to make strict.
engine_gap() { echo "ENGINE GAP: $*" >&2; }
expect_status() { [ "$status" -eq "$1" ] || fail "$2: exit status $status, expected $1"; }
out_has() { grep -F -q -e "$1" "$T/out" || fail "stdout lacks: $1"; }
err_has() { grep -F -q -e "$1" "$T/err" || fail "stderr lacks: $1"; }
out_lacks() { ! grep -F -q -e "$1" "$T/out" || fail "stdout has: $1"; }
err_lacks() { ! grep -F -q -e "$1" "$T/err" || fail "stderr has: $1"; }
err_empty() { [ ! -s "$T/err" ] || fail "$1: unexpected stderr"; }
count_lines() { grep -c -e "$1" "$2" || true; }

# A small rule set independent of the shipped rules.
write_rules() {
  cat >"$1" <<'RULES'
# Test rules: countries, two cue classes, one target, one rule.
entity COUNTRY {
  "United States" | "US" | "America"  -> id USA
  "Russia"                            -> id RUS
  "China"                             -> id CHN
}
words OPPOSE  = verb(oppose, reject)          -> polarity oppose
words SUPPORT = verb(support, back, welcome)  -> polarity support
span TARGET {
  "immediate"? ("ceasefire" | "truce")        -> id ceasefire
}
rule active:
    holder:COUNTRY _{0,4} cue:(OPPOSE | SUPPORT) _{0,6} target:TARGET
    => stance(holder, polarity(cue), target)

test "The United States opposes an immediate ceasefire." => stance(USA, oppose, ceasefire)
test "Russia welcomed the truce." => stance(RUS, support, ceasefire)
RULES
}

# A document with two stance records and three country mentions.
write_doc() {
  printf '%s\n\n%s\n' "The United States opposes an immediate ceasefire." \
    "Russia welcomed the truce, and China said nothing." >"$1"
}

# Whether the build uses --enable-sanitizers (ASan cannot run under ulimit -v).
sanitized() {
  grep -q '^SAN_CFLAGS = .*sanitize' "$top_builddir/Makefile" 2>/dev/null
}

[ -x "$ST" ] || fail "$ST not built"
