#!/usr/bin/env bash
# `meshverify --version` against the machine it was built on: the commit is the checkout's
# HEAD, the build type the build's, and every library version the one its headers or pkg-config
# report, so a bug report's versions can be trusted.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
build=${MESHVERIFY_BUILD_DIR:?}
bin=${MESHVERIFY_BINARY:?}

fail() { echo "FAIL: $*" >&2; exit 1; }
out=$("$bin" --version)
field() { sed -n "s/^$1  *//p" <<<"$out"; }
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }

[ "$(head -n 1 <<<"$out")" = "meshverify $(cache CMAKE_PROJECT_VERSION)" ] ||
  fail "first line: $(head -n 1 <<<"$out")"
commit=$(field commit)
if head=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null); then
  # The binary's commit is HEAD, or (a build older than the last commit) one of its ancestors.
  built=${commit%-modified}
  [[ $built =~ ^[0-9a-f]{12}$ ]] || fail "commit '$commit' is not a 12-digit hash"
  git -C "$src" merge-base --is-ancestor "$built" HEAD 2>/dev/null ||
    fail "commit $commit is not HEAD ($head) or an ancestor of it"
  [ "$built" = "$head" ] || echo "  note: built at $built, HEAD is $head (rebuild to report HEAD)"
fi

# What cmake/build_info.cmake writes, in a repository of our own: the exact HEAD, "-modified"
# only for changed tracked files, the COMMIT override, and "unknown" without git.
info() {  # DIR [COMMIT] -> the MESHVERIFY_GIT_COMMIT it writes
  cmake -DSOURCE_DIR="$1" -DOUT="$tmp/info.h" -DCOMMIT="${2:-}" -DBUILD_TYPE=Release \
    -DYAML_CPP_VERSION=0 -DRE2_VERSION=0 -P "$src/cmake/build_info.cmake"
  sed -n 's/^#define MESHVERIFY_GIT_COMMIT "\(.*\)"$/\1/p' "$tmp/info.h"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo
mkdir -p "$repo" "$tmp/nogit"
git -C "$repo" init -q
echo a >"$repo/f"
git -C "$repo" add f
git -C "$repo" -c user.name=t -c user.email=t@t commit -qm one
h=$(git -C "$repo" rev-parse --short=12 HEAD)
[ "$(info "$repo")" = "$h" ] || fail "clean repo: $(info "$repo"), want $h"
echo b >"$repo/untracked"
[ "$(info "$repo")" = "$h" ] || fail "an untracked file made it $(info "$repo")"
echo c >>"$repo/f"
[ "$(info "$repo")" = "$h-modified" ] || fail "changed tracked file: $(info "$repo")"
[ ! -e "$repo/.git/index.lock" ] || fail "build_info.cmake left .git/index.lock"
[ "$(info "$repo" 0123abcd)" = 0123abcd ] || fail "COMMIT override: $(info "$repo" 0123abcd)"
[ "$(GIT_CEILING_DIRECTORIES=$tmp info "$tmp/nogit")" = unknown ] ||
  fail "no repository: $(GIT_CEILING_DIRECTORIES=$tmp info "$tmp/nogit")"
info "$repo" 0123abcd >/dev/null
before=$(stat -c %Y "$tmp/info.h")
sleep 1
info "$repo" 0123abcd >/dev/null
[ "$(stat -c %Y "$tmp/info.h")" = "$before" ] || fail "an unchanged header was rewritten"

build_type=$(field 'build type')
[ "${build_type%%,*}" = "$(cache CMAKE_BUILD_TYPE)" ] || fail "build type $build_type"

compiler=$(cache CMAKE_CXX_COMPILER)
want=$("$compiler" -dumpfullversion 2>/dev/null || "$compiler" -dumpversion)
grep -qF "$want" <<<"$(field compiler)" || fail "compiler $(field compiler), want $want"

curl_built=$(curl-config --version | awk '{print $2}')
[ "$(field libcurl | awk '{print $1}')" = "$curl_built" ] ||
  grep -qF "built with $curl_built" <<<"$(field libcurl)" || fail "libcurl $(field libcurl)"
[ "$(field yaml-cpp)" = "$(pkg-config --modversion yaml-cpp)" ] || fail "yaml-cpp $(field yaml-cpp)"
boost=$(sed -n 's/^#define BOOST_LIB_VERSION "\(.*\)"/\1/p' /usr/include/boost/version.hpp)
[ "$(field Boost | cut -d. -f1,2)" = "${boost/_/.}" ] || fail "Boost $(field Boost), want $boost"
json=$(grep -hoE 'NLOHMANN_JSON_VERSION_(MAJOR|MINOR|PATCH) [0-9]+' -r /usr/include/nlohmann |
  sort -u | awk '{print $2}' | paste -sd.)
if [ -z "$json" ] || [ "$(field nlohmann_json)" != "$json" ]; then
  fail "nlohmann_json $(field nlohmann_json), want $json"
fi
re2_lib=$(readlink -f "$(pkg-config --variable=libdir re2)/libre2.so")
grep -qF "$(basename "$re2_lib")" <<<"$(field RE2)" || fail "RE2 $(field RE2), library $re2_lib"
echo "PASS: meshverify --version matches the build ($commit, $build_type)"
