# shellcheck shell=bash disable=SC2034 # src, build, bin and tmp are for the scripts sourcing this
# Shared by the script tests of tests/scripts/; source it first:
#   # shellcheck source=lib.sh
#   . "$(dirname "$0")/lib.sh"
# It sets src (the checkout), build (the build dir), bin (the meshverify binary) and tmp (a
# fresh temp dir, removed on exit), and gives the tests one way to count and report:
#   ok MSG / bad MSG     a passed / failed expectation (bad counts it in $fails)
#   expect_rc WANT CMD…  runs CMD (stdin /dev/null, stdout $tmp/out, stderr $tmp/err); bad unless
#                        it exits WANT
#   skip_without CMD WHY exits 77 (ctest's "skipped") when CMD is not installed
#   finish NAME          the summary line; exits 1 when anything failed
#   linter_can_fail      exits 1 unless shellcheck reports a known finding (so a clean run
#                        means something)
#   start_helloworld_server VERSION INSTANCE
#                        the lab's helloworld-server on a free loopback port, answering; sets
#                        port, url (its /hello) and server_pid; stopped on exit

src=${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
build=${MESHVERIFY_BUILD_DIR:-$src/build}
bin=${MESHVERIFY_BINARY:-$build/meshverify}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok   - $*"; }

bad() {
  echo "FAIL - $*"
  fails=$((fails + 1))
}

expect_rc() {
  local want=$1 rc=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null || rc=$?
  [ "$rc" -eq "$want" ] || bad "$* exited $rc, want $want; stderr: $(head -c 300 "$tmp/err")"
}

skip_without() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "${0##*/}: $1 missing: $2" >&2
  exit 77
}

finish() {
  if [ "$fails" -gt 0 ]; then
    echo "$1: $fails failure(s)" >&2
    exit 1
  fi
  echo "$1: ok"
}

linter_can_fail() {
  local probe=$tmp/shellcheck_probe.sh
  # shellcheck disable=SC2016 # the probe holds a literal, unquoted $1
  printf '#!/usr/bin/env bash\nrm $1\n' >"$probe"
  if shellcheck "$probe" >/dev/null 2>&1; then
    echo "FAIL: shellcheck reports nothing on an unquoted expansion"
    exit 1
  fi
}

start_helloworld_server() {
  local server=$build/helloworld-server
  [[ -x $server ]] || { echo "${0##*/}: $server not built" >&2; exit 1; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$server" --bind 127.0.0.1 --port "$port" --version "$1" --instance "$2" &
  server_pid=$!
  trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
  url=http://127.0.0.1:$port/hello
  for _ in $(seq 100); do
    curl -s -o /dev/null "$url" && return 0
    sleep 0.05
  done
  echo "${0##*/}: helloworld-server did not answer on $url" >&2
  exit 1
}
