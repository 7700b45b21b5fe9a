#!/usr/bin/env bash
# shellcheck disable=SC2015 # ok() only echoes, so "A && ok || bad" is an if-then-else here
# scripts/mesh/up.sh's prerequisite check with docker, kind, kubectl, istioctl (and openssl)
# absent from PATH: one clear line per missing tool; a dry run reports them and goes on, a
# real run stops before touching anything. Also --samples-certs without an Istio release.
set -euo pipefail
export MESH_CA_KEY_BITS=2048 # short key generation; up.sh defaults to 4096
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
up=$src/scripts/mesh/up.sh


# bin_without DIR NAME...: DIR holds every command on PATH except NAME... (earlier PATH
# entries win, as for the shell; one ln for all, this runs on busy machines).
bin_without() {
  local dir=$1 d
  shift
  mkdir -p "$dir"
  local -a dirs
  IFS=: read -ra dirs <<<"$PATH"
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || continue
    find "$d" -maxdepth 1 \( -type f -o -type l \) -perm -u+x -print0 |
      grep -zvE "/($(IFS='|'; echo "$*"))\$" | xargs -0 -r ln -s -t "$dir" 2>/dev/null || true
  done
}
bin_without "$tmp/bin" docker kind kubectl istioctl
bin_without "$tmp/bin-nossl" docker kind kubectl istioctl openssl

missing_lines() { grep -c 'prerequisite: missing' "$1" || true; }

# Dry run: reported, one line each, and the run goes on.
if PATH=$tmp/bin "$up" --dry-run --out "$tmp/d" >"$tmp/d.out" 2>"$tmp/d.err"; then
  n=$(missing_lines "$tmp/d.err")
  all=1
  for t in docker kind kubectl istioctl; do grep -q "prerequisite: missing $t:" "$tmp/d.err" || all=0; done
  [ "$n" = 4 ] && [ "$all" = 1 ] && ok "dry run: one line per missing tool ($n)" ||
    bad "dry run: $n missing lines: $(cat "$tmp/d.err")"
  grep -q '^+ kind create cluster --name cluster2' "$tmp/d.out" && ok "dry run goes on" ||
    bad "dry run stopped early"
else
  bad "dry run failed without the tools: $(cat "$tmp/d.err")"
fi

# Real run: stops before any command, says nothing changed.
set +e
PATH=$tmp/bin "$up" --out "$tmp/r" >"$tmp/r.out" 2>"$tmp/r.err"
rc=$?
set -e
if [ "$rc" != 0 ] && [ "$(missing_lines "$tmp/r.err")" = 4 ] && grep -q 'nothing was changed' "$tmp/r.err" &&
  ! grep -q '^+ ' "$tmp/r.out" && ! ls "$tmp/r"/kind-*.yaml >/dev/null 2>&1; then
  ok "real run: refused (exit $rc) before any command or file"
else
  bad "real run without tools: rc=$rc out=$(cat "$tmp/r.out") err=$(cat "$tmp/r.err")"
fi

# openssl is a prerequisite unless --samples-certs.
if PATH=$tmp/bin-nossl "$up" --dry-run --out "$tmp/n" >/dev/null 2>"$tmp/n.err" &&
  grep -q 'prerequisite: missing openssl' "$tmp/n.err" && [ ! -e "$tmp/n/cluster1/cacerts.yaml" ]; then
  ok "missing openssl reported; no cacerts rendered in the dry run"
else
  bad "missing openssl: $(cat "$tmp/n.err")"
fi

# --samples-certs needs an Istio release: a warning in a dry run, an error for real.
if ISTIO_DIR='' PATH=$tmp/bin-nossl "$up" --dry-run --samples-certs --out "$tmp/s" >/dev/null 2>"$tmp/s.err" &&
  ! grep -q 'missing openssl' "$tmp/s.err" && grep -q 'samples-certs.*ISTIO_DIR' "$tmp/s.err"; then
  ok "--samples-certs dry run without ISTIO_DIR: warned, openssl not required"
else
  bad "--samples-certs dry run: $(cat "$tmp/s.err")"
fi

finish mesh_prereq_test
