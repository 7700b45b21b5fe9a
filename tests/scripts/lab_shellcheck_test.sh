#!/usr/bin/env bash
# shellcheck must be clean on the lab: scripts/lab (the lab command, its libraries, the kubectl
# and istioctl front-ends) and the lab tests in tests/lab.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src"
command -v shellcheck >/dev/null 2>&1 || { echo "FAIL: shellcheck is not installed"; exit 1; }

files=(scripts/lab/lab scripts/lab/bin/kubectl scripts/lab/bin/istioctl scripts/lab/lib/*.sh tests/lab/*.sh)
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "FAIL: $f is missing"; exit 1; }
done
# The invocation must be able to fail: a known finding (SC2086) in a scratch script.
probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
# shellcheck disable=SC2016 # the probe holds a literal, unquoted $1
printf '#!/usr/bin/env bash\nrm $1\n' >"$probe"
if shellcheck "$probe" >/dev/null 2>&1; then
  echo "FAIL: shellcheck reports nothing on an unquoted expansion"
  exit 1
fi
shellcheck -x -P SCRIPTDIR "${files[@]}"
echo "PASS: shellcheck clean on ${#files[@]} lab files"
