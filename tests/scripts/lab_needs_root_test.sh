#!/usr/bin/env bash
# Without root the lab says so in one line and exits 2. Run as `nobody` from a copy of
# scripts/lab in a fresh world-readable temp dir, so the answer is the lab's own wherever the
# checkout lives (a clone in root's mode-700 home gave bash's 126, permission denied).
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to become nobody"; exit 77; }
skip_without setpriv "util-linux has it"

copy=$(mktemp -d)
trap 'rm -rf "$tmp" "$copy"' EXIT
cp -r "$src/scripts/lab" "$copy/lab"
chmod -R a+rX "$copy"
rc=0
msg=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups bash "$copy/lab/lab" up 2>&1) ||
  rc=$?
[ "$rc" -eq 2 ] || bad "not root: exit $rc, want 2 ($msg)"
[ "$msg" = "lab: needs root (network namespaces)" ] || bad "not root: said '$msg'"
[ "$fails" -eq 0 ] && ok "not root: one line, exit 2"
finish lab_needs_root
