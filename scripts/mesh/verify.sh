#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Verifies the kind mesh that scripts/mesh/up.sh brought up: runs
# `meshverify check -c <out>/mesh.yaml` (mesh.yaml names the clusters' contexts and pod CIDRs,
# written from the same settings as the clusters), and exits with meshverify's exit code:
# 0 passed, 1 failed, 2 config error, 3 could not run, 4 inconclusive.
#
#   scripts/mesh/verify.sh [--out DIR] [--dry-run] [MESHVERIFY CHECK ARGS...]
#
#   --out DIR   the output directory up.sh used (default scripts/mesh/out).
#   --dry-run   `meshverify check --dry-run`: validate the config and print the plan only.
#   Other arguments go to meshverify check, e.g. --json report.json --junit junit.xml.
#   meshverify is $MESHVERIFY_BINARY, else build/meshverify in this checkout, else on PATH.
set -euo pipefail
PROG=verify.sh # read by lib/common.sh
export PROG
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

usage() { sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

OUT=$here/out
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?--out needs a directory}; shift ;;
    --out=*) OUT=${1#*=} ;;
    --dry-run) DRY_RUN=1 ;;
    -h | --help) usage; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

config=$OUT/mesh.yaml
[ -f "$config" ] || die "$config not found: run scripts/mesh/up.sh${OUT:+ --out $OUT} first"

mv_bin=${MESHVERIFY_BINARY:-}
if [ -z "$mv_bin" ]; then
  if [ -x "$here/../../build/meshverify" ]; then
    mv_bin=$(cd "$here/../../build" && pwd)/meshverify
  elif command -v meshverify >/dev/null 2>&1; then
    mv_bin=meshverify
  else
    die "meshverify not found: build it (cmake -S . -B build -G Ninja && cmake --build build) or set MESHVERIFY_BINARY"
  fi
fi

if [ "$DRY_RUN" = 1 ]; then
  args=(--dry-run "${args[@]}")
else
  # The contexts mesh.yaml names must exist, or meshverify cannot reach the clusters.
  command -v kubectl >/dev/null 2>&1 || die "kubectl not found"
  contexts=$(kubectl config get-contexts -o name 2>/dev/null || true)
  while read -r ctx; do
    grep -qxF "$ctx" <<<"$contexts" ||
      die "kubeconfig has no context $ctx (from $config): is the mesh up? (scripts/mesh/up.sh)"
  done < <(sed -n 's/^ *context: *//p' "$config")
fi

set +e
run "$mv_bin" check -c "$config" "${args[@]}"
rc=$?
set -e
case $rc in
  0) say "verify: passed" ;;
  1) say "verify: FAILED (a check failed; the report above names it and hints at the cause)" ;;
  2) say "verify: usage or config error in $config" ;;
  3) say "verify: could not run (cluster, pod or tool unreachable)" ;;
  4) say "verify: inconclusive (not enough evidence; the report says how many more requests)" ;;
  *) say "verify: meshverify exited with $rc" ;;
esac
exit "$rc"
