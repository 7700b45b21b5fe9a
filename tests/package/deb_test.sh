#!/usr/bin/env bash
# The Debian package end to end, as CI and a user do it: scripts/package.sh builds it, dpkg -i
# installs it, the installed files are exercised (meshverify --version, kubectl-meshverify
# --help, kubectl meshverify, man meshverify, the bash completion), and dpkg --purge removes it.
# The machine is left as it was, also when a step fails (an EXIT trap purges the package).
#
# Needs root and dpkg. Skips (exit 77, reason printed) when either is missing, when a meshverify
# package is installed already, or when a file the package ships exists (neither is ours to
# replace or remove). One run per machine at a time (flock /run/lock/meshverify-package.lock).
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
build=${MESHVERIFY_BUILD_DIR:?}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "dpkg -i needs root"
command -v dpkg >/dev/null 2>&1 || skip "no dpkg (not a Debian system)"

exec {lock}>"${MESHVERIFY_PACKAGE_LOCK:-/run/lock/meshverify-package.lock}"
flock -w 600 "$lock" || fail "another package test holds the lock for 10 minutes"

status=$(dpkg-query -W -f='${db:Status-Abbrev}' meshverify 2>/dev/null || true)
case $status in "" | "un "*) ;; *) skip "a meshverify package is installed already ($status)" ;; esac

tmp=$(mktemp -d)
installed=0
cleanup() {
  local rc=$?
  if [ "$installed" = 1 ]; then
    dpkg --purge meshverify >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log" >&2; rc=1; }
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP  # run the EXIT trap on these too

echo "== scripts/package.sh"
BUILD_DIR=$build "$src/scripts/package.sh" "$tmp" >"$tmp/package.log" 2>&1 ||
  { cat "$tmp/package.log" >&2; fail "scripts/package.sh failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$tmp/meshverify_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || fail "no $deb (made: $(ls "$tmp"))"
grep -qxF "package.sh: $deb" "$tmp/package.log" || fail "package.sh did not name $deb"

# The package that ships library PATH. dpkg knows each file by the path its package lists, which
# with merged /usr may be the /lib or the /usr/lib spelling, of the link or of its target.
owner() {
  local p real
  real=$(readlink -f "$1")
  for p in "$1" "$real" "/usr${1#/usr}" "${1#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
    dpkg -S "$p" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
  done
  return 0
}

echo "== Depends: covers every library the binary links"
depends=$(dpkg-deb -f "$deb" Depends)
dpkg-deb -x "$deb" "$tmp/root"
kind=$(file "$tmp/root/usr/bin/meshverify")
grep -q 'stripped' <<<"$kind" || fail "/usr/bin/meshverify not stripped"
grep -q 'not stripped' <<<"$kind" && fail "/usr/bin/meshverify not stripped"
needed=$(objdump -p "$tmp/root/usr/bin/meshverify" | awk '$1 == "NEEDED" { print $2 }')
[ -n "$needed" ] || fail "objdump found no NEEDED libraries"
for lib in $needed; do
  # awk reads all of ldconfig's output: exiting at the first match would kill ldconfig with
  # SIGPIPE, and under pipefail that ends the script without a word.
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  [ -n "$path" ] || fail "$lib: not found by ldconfig"
  pkg=$(owner "$path")
  [ -n "$pkg" ] || fail "$lib ($path): no package ships it"
  sed 's/ *([^)]*)//g; s/, */\n/g; s/ *| */\n/g' <<<"$depends" | grep -xF "$pkg" >/dev/null ||
    fail "$lib is from $pkg, not in Depends: $depends"
  echo "  $lib -> $pkg"
done

shipped=()
while read -r f; do shipped+=("$f"); done < <(dpkg-deb -c "$deb" |
  awk '$1 !~ /^d/ { p = $6; sub(/^\./, "", p); print p }')
for f in "${shipped[@]}"; do
  [ -e "$f" ] || [ -L "$f" ] && skip "$f exists already and is not from a meshverify package"
done

echo "== dpkg -i"
installed=1  # from here on the trap purges, whatever happens
dpkg -i "$deb" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; fail "dpkg -i failed"; }
for f in "${shipped[@]}"; do
  [ -e "$f" ] || fail "$f: shipped but not installed"
done
[ "$(readlink /usr/bin/kubectl-meshverify)" = meshverify ] ||
  fail "/usr/bin/kubectl-meshverify is not a link to meshverify"

echo "== meshverify --version, kubectl-meshverify --help"
# Whole outputs in variables, never `cmd | head` or `cmd | grep -q`: under pipefail a reader
# that stops early turns the writer's SIGPIPE into a silent end of the script.
version_out=$(/usr/bin/meshverify --version)
first=${version_out%%$'\n'*}
[ "$first" = "meshverify $version" ] || fail "meshverify --version says '$first'"
grep -qE '^libcurl +[0-9]' <<<"$version_out" || fail "--version names no libcurl"
help=$(/usr/bin/kubectl-meshverify --help)
grep -q '^commands:' <<<"$help" || fail "kubectl-meshverify --help: $help"
[ "$help" = "$("$build/meshverify" --help)" ] || fail "installed --help differs from the build's"
kubectl=$(PATH=/usr/local/bin:/usr/bin:/bin command -v kubectl || true)
if [ -n "$kubectl" ]; then
  [ "$(PATH=/usr/bin:/bin "$kubectl" meshverify --help)" = "$help" ] ||
    fail "kubectl meshverify --help differs from meshverify --help"
else
  echo "  (no kubectl on /usr/bin: kubectl meshverify not tried here; install_test.sh covers it)"
fi

echo "== man meshverify"
man_out=$tmp/man.txt
if grep -rqsE '^path-exclude[= ]+/usr/share/man' /etc/dpkg/dpkg.cfg.d; then
  # Minimal images (Docker's debian) tell dpkg to drop man pages: read the page from the .deb.
  echo "  (dpkg excludes /usr/share/man here: reading the page from the package instead)"
  MANWIDTH=100 man -l "$tmp/root/usr/share/man/man1/meshverify.1.gz" >"$man_out" 2>&1
else
  MANWIDTH=100 MANPAGER=cat man meshverify >"$man_out" 2>&1 || fail "man meshverify: $(cat "$man_out")"
  [ "$(man -w kubectl-meshverify)" = "$(man -w meshverify)" ] ||
    fail "man kubectl-meshverify is not meshverify.1"
fi
mapfile -t cmds < <(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$help")
[ ${#cmds[@]} -ge 2 ] || fail "meshverify --help lists ${#cmds[@]} commands"
for cmd in "${cmds[@]}"; do
  grep -q "^   meshverify $cmd\$" "$man_out" || fail "man page has no section for $cmd"
done
grep -q -- '--kubeconfig' "$man_out" || fail "man page does not name --kubeconfig"

echo "== bash completion"
words=$(bash -c '. /usr/share/bash-completion/completions/kubectl-meshverify
  COMP_WORDS=(kubectl-meshverify check --kube); COMP_CWORD=2; _meshverify; echo "${COMPREPLY[*]}"')
[ "$words" = "--kubeconfig" ] || fail "completion of 'check --kube' gave '$words'"

echo "== dpkg --purge"
dpkg --purge meshverify >"$tmp/purge.log" 2>&1 || { cat "$tmp/purge.log" >&2; fail "dpkg --purge failed"; }
installed=0
for f in "${shipped[@]}"; do
  [ -e "$f" ] || [ -L "$f" ] && fail "$f left behind by dpkg --purge"
done
status=$(dpkg-query -W -f='${db:Status-Abbrev}' meshverify 2>/dev/null || true)
case $status in "" | "un "*) ;; *) fail "dpkg still lists meshverify ($status)" ;; esac
echo "PASS: built $(basename "$deb"), installed, exercised and purged"
