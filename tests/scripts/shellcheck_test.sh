#!/usr/bin/env bash
# Runs shellcheck, which must be clean, on every shell script under scripts/ (files named *.sh and files whose
# first line is a sh/bash shebang), on the in-pod probe script src/probe/probe.sh (embedded in
# the binary; POSIX sh), and on every script test in tests/scripts/ (this one and lib.sh too).
# Exit 1 lists the findings. Sourced files are followed (-x), relative to each script's own
# directory.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
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
for f in src/probe/probe.sh tests/scripts/*.sh; do
  [ -f "$f" ] && files+=("$f")
done
[ "${#files[@]}" -gt 0 ] || { echo "FAIL: no shell scripts found under scripts/"; exit 1; }

# The invocation must be able to fail: a known finding (SC2086, unquoted expansion).
linter_can_fail

echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p') on ${#files[@]} files"
if out=$(shellcheck -x -P SCRIPTDIR "${files[@]}" 2>&1); then
  printf '  %s\n' "${files[@]}"
  echo "all clean"
  exit 0
fi
printf '%s\n' "$out"
echo "FAIL: findings in: $(shellcheck -x -P SCRIPTDIR -f gcc "${files[@]}" 2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ')"
exit 1
