#!/usr/bin/env bash
# Holds the lab to a clean shellcheck: scripts/lab (the lab command, its libraries, the kubectl
# and istioctl front-ends) and the lab tests in tests/lab.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$src"
command -v shellcheck >/dev/null 2>&1 || { echo "FAIL: shellcheck is not installed"; exit 1; }

files=(scripts/lab/lab scripts/lab/bin/kubectl scripts/lab/bin/istioctl scripts/lab/lib/*.sh tests/lab/*.sh)
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "FAIL: $f is missing"; exit 1; }
done
linter_can_fail
shellcheck -x -P SCRIPTDIR "${files[@]}"
echo "PASS: shellcheck clean on ${#files[@]} lab files"
