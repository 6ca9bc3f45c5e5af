# deb.sh: fetching Debian packages for the benchmark scripts without installing them (sourced
# by make-corpus and make-stress, which define `tmp`, `cache` and `say`). A package is fetched
# with `apt-get download` into CACHE/downloads (kept, so that a rebuild is offline) and
# unpacked with `dpkg-deb -x` into a temporary directory: no root is needed, nothing is
# installed. As root, a failed download runs `apt-get update` once and tries again.

# deb PACKAGE: prints the directory the package is unpacked into, or fails
deb() {
  dir="$tmp/pkg/$1"
  if [ -d "$dir" ]; then echo "$dir"; return 0; fi
  command -v dpkg-deb >/dev/null 2>&1 || return 1
  set -- "$1" "$(ls "$cache/downloads/$1"_*.deb 2>/dev/null | tail -n 1)"
  if [ -z "$2" ]; then
    command -v apt-get >/dev/null 2>&1 || return 1
    (cd "$cache/downloads" && apt-get download -q "$1") >"$tmp/apt.log" 2>&1 || {
      if [ "$(id -u)" = 0 ] && [ ! -f "$tmp/apt-updated" ]; then
        touch "$tmp/apt-updated"
        say "apt-get download $1 failed; running apt-get update once"
        apt-get update -q >"$tmp/apt.log" 2>&1 || true
        (cd "$cache/downloads" && apt-get download -q "$1") >"$tmp/apt.log" 2>&1 || return 1
      else
        return 1
      fi
    }
    set -- "$1" "$(ls "$cache/downloads/$1"_*.deb 2>/dev/null | tail -n 1)"
    [ -n "$2" ] || return 1
  fi
  mkdir -p "$dir"
  dpkg-deb -x "$2" "$dir" || return 1
  dpkg-deb -f "$2" Version >"$dir.version"
  echo "$dir"
}
