#!/bin/sh
# The installed library: `make install` into a temporary DESTDIR, build the embedding example
# with `cc $(pkg-config --cflags --libs stancetag)` against it, run it; the shared library
# exports only stancetag_* symbols.
. "${top_srcdir:-.}/tests/cli/lib.sh"
command -v pkg-config >/dev/null 2>&1 || skip "no pkg-config"
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler"

dest="$T/dest"
MAKEFLAGS= MFLAGS= make -s -C "$top_builddir" install DESTDIR="$dest" >"$T/install.log" 2>&1 ||
  { cat "$T/install.log" >&2; fail "make install"; }
libdir=$(pkg-config --variable=libdir "$top_builddir/stancetag.pc")
pcdir="$dest$libdir/pkgconfig"
[ -f "$pcdir/stancetag.pc" ] || fail "stancetag.pc not installed in $pcdir"
[ -f "$dest$(pkg-config --variable=includedir "$top_builddir/stancetag.pc")/stancetag.h" ] ||
  fail "stancetag.h not installed"

flags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs stancetag) ||
  fail "pkg-config --cflags --libs stancetag"
so="$dest$libdir/libstancetag.so"
[ -f "$so" ] || fail "libstancetag.so not installed"
san=""
nm -D "$so" | grep -q __asan_init && san="-fsanitize=address,undefined"
$CC -std=c11 -Wall -Wextra -Werror $san -o "$T/embed" "$top_srcdir/tools/embed-example.c" \
  $flags -pthread 2>"$T/err" || fail "compiling embed-example.c against the installed library"
LD_LIBRARY_PATH="$dest$libdir" "$T/embed" >"$T/out" 2>"$T/err" || fail "running it"
grep -q "USA oppose ceasefire" "$T/out" || fail "its output"
# It really ran against the installed copy.
LD_LIBRARY_PATH="$dest$libdir" ldd "$T/embed" 2>/dev/null | grep -q "$dest" ||
  fail "not linked against the installed library"

nm -D --defined-only "$so" | awk '{ print $NF }' >"$T/symbols"
[ -s "$T/symbols" ] || fail "no exported symbols"
if grep -v '^stancetag_' "$T/symbols" >"$T/foreign"; then
  cat "$T/foreign" >&2
  fail "symbols outside stancetag_ exported"
fi
grep -q '^stancetag_scan$' "$T/symbols" || fail "stancetag_scan not exported"
exit 0
