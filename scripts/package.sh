#!/usr/bin/env bash
# Builds the Debian package meshverify_<version>_<arch>.deb with CPack into OUTDIR (default
# build/) and prints its path, Depends: and contents. It packages the Release build in BUILD_DIR
# (default build/, the build scripts/test.sh makes, so nothing is compiled twice). Depends: is
# computed by dpkg-shlibdeps from the libraries the binary links (cmake/Package.cmake).
#
#   scripts/package.sh [OUTDIR]
#   BUILD_DIR=DIR scripts/package.sh [OUTDIR]
#
# Install it with `sudo apt-get install ./meshverify_<version>_<arch>.deb` (or dpkg -i, then
# apt-get -f install for missing libraries); remove it with `sudo dpkg -r meshverify`.
# Exit codes: 0 built, 2 a tool is missing or bad arguments, 3 the build or CPack failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
case "${1:-}" in
  -h | --help) sed -n '2,13{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  -*) echo "package.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "package.sh: one OUTDIR at most (see --help)" >&2; exit 2; }
out=${1:-$root/build}
build=${BUILD_DIR:-$root/build}

missing=()
for tool in cmake cpack ninja dpkg-shlibdeps dpkg-deb file python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "package.sh: missing ${missing[*]}: run scripts/deps.sh (as root)" >&2
  exit 2
fi

generator=()
[ -f "$build/CMakeCache.txt" ] || generator=(-G Ninja)
# A package is a Release build without sanitizers (the same settings as scripts/test.sh's build).
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DMESHVERIFY_SANITIZE=OFF \
  -DMESHVERIFY_FUZZ=OFF >/dev/null || exit 3
cmake --build "$build" --target meshverify || exit 3

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "$build/package.XXXXXX")
trap 'rm -rf "$stage"' EXIT
if ! cpack --config "$build/CPackConfig.cmake" -B "$stage" >"$stage/cpack.log" 2>&1; then
  cat "$stage/cpack.log" >&2
  echo "package.sh: cpack failed" >&2
  exit 3
fi
debs=("$stage"/*.deb)
[ -f "${debs[0]}" ] || { cat "$stage/cpack.log" >&2; echo "package.sh: cpack made no .deb" >&2; exit 3; }
deb=$out/$(basename "${debs[0]}")
mv -f "${debs[0]}" "$deb"

echo "package.sh: $deb"
dpkg-deb -f "$deb" Package Version Architecture Depends Recommends | sed 's/^/  /'
dpkg-deb -c "$deb" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print "  " $0 }' |
  grep -v '/$'
