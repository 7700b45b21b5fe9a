#!/usr/bin/env bash
# Runs shellcheck, which must be clean, on every shell script under scripts/ (files named *.sh and files whose
# first line is a sh/bash shebang), on the in-pod probe script src/probe/probe.sh (embedded in
# the binary; POSIX sh), and on the mesh tests in tests/scripts/. Exit 1 lists the findings.
# Sourced files are followed (-x), relative to each script's own directory.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src"

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "FAIL: shellcheck is not installed (scripts/deps.sh installs it)"
  exit 1
fi

is_shell() {
  case "$1" in *.sh) return 0 ;; esac
  head -n 1 "$1" 2>/dev/null | grep -qE '^#!.*([/ ])(ba|da|k)?sh([[:space:]]|$)'
}

files=()
while IFS= read -r -d '' f; do
  is_shell "$f" && files+=("$f")
done < <(find scripts -type f -not -path '*/out/*' -not -path '*/.git/*' -print0 | sort -z)
for f in src/probe/probe.sh tests/scripts/mesh_*.sh tests/scripts/shellcheck_test.sh; do
  [ -f "$f" ] && files+=("$f")
done
[ "${#files[@]}" -gt 0 ] || { echo "FAIL: no shell scripts found under scripts/"; exit 1; }

# The invocation must be able to fail: a known finding (SC2086, unquoted expansion).
probe=$(mktemp)
trap 'rm -f "$probe"' EXIT
# shellcheck disable=SC2016 # the probe must contain a literal, unquoted $1
printf '#!/usr/bin/env bash\nrm $1\n' >"$probe"
if shellcheck "$probe" >/dev/null 2>&1; then
  echo "FAIL: shellcheck reports nothing on a script with an unquoted expansion"
  exit 1
fi

echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') on ${#files[@]} files"
if out=$(shellcheck -x -P SCRIPTDIR "${files[@]}" 2>&1); then
  printf '  %s\n' "${files[@]}"
  echo "all clean"
  exit 0
fi
printf '%s\n' "$out"
echo "FAIL: findings in: $(shellcheck -x -P SCRIPTDIR -f gcc "${files[@]}" 2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ')"
exit 1
