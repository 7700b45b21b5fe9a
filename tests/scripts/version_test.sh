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
if head=$(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null); then
  case $(field commit) in
    "$head" | "$head-modified") ;;
    *) fail "commit $(field commit), but HEAD is $head (rebuild after a commit)" ;;
  esac
fi
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
echo "PASS: meshverify --version matches the build ($(field commit), $build_type)"
