#!/usr/bin/env bash
# The suite passes wherever the checkout is: clones this repository (its committed HEAD) into a
# directory only root can enter, as a clone in root's home (mode 700 on Debian) is, and runs
# from there the script tests that act as another user, plus a quick one that reads the
# checkout's data. Kept short: the whole suite from the clone would double CI time.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (the tests it runs act as nobody)"; exit 77; }
skip_without git "scripts/deps.sh installs it"
skip_without setpriv "util-linux has it"
git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: $src is not a git checkout"; exit 77; }

home=$tmp/home
mkdir -m 700 "$home"
git clone --quiet --no-hardlinks "$src" "$home/meshverify" || bad "git clone failed"
clone=$home/meshverify
if (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$clone/scripts/lab/lab"); then
  bad "nobody can read the clone: the test would prove nothing"
fi
for t in lab_needs_root_test analyze_cli_test; do
  rc=0
  MESHVERIFY_SOURCE_DIR=$clone MESHVERIFY_BUILD_DIR=$build MESHVERIFY_BINARY=$bin \
    bash "$clone/tests/scripts/$t.sh" >"$tmp/$t.log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then
    ok "$t passes from a clone in a mode-700 directory"
  else
    bad "$t from a clone in a mode-700 directory: exit $rc: $(tail -n 5 "$tmp/$t.log")"
  fi
done
finish checkout_mode700
