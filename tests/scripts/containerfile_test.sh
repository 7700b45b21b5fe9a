#!/usr/bin/env bash
# The Containerfile cannot be built here (no container engine), so what can be checked is:
# its runtime stage installs exactly the Debian packages that ship the shared libraries the
# built binary links (objdump NEEDED -> ldconfig -> dpkg -S), plus ca-certificates and nothing
# else; it is multi-stage, on Debian slim, runs as the Jobs' non-root user 65532 and has
# meshverify as its entry point; scripts/build-image.sh says so and exits 3 without an engine.
set -uo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
bin=${MESHVERIFY_BINARY:-$src/build/meshverify}
file=$src/Containerfile
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
command -v objdump >/dev/null || { echo "SKIP: objdump missing"; exit 77; }
command -v dpkg >/dev/null || { echo "SKIP: dpkg missing"; exit 77; }

# The package that ships library PATH (merged /usr: either spelling, link or target).
owner() {
  local p real
  real=$(readlink -f "$1")
  for p in "$1" "$real" "/usr${1#/usr}" "${1#/usr}" "/usr${real#/usr}" "${real#/usr}"; do
    dpkg -S "$p" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
  done
  return 0
}

# Whole outputs in variables: no reader in a pipeline exits early (SIGPIPE under pipefail).
block=$(sed -n '/# runtime-packages-begin/,/# runtime-packages-end/p' "$file")
listed=$(grep -v '^#' <<<"$block" | tr '\\ ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
  grep -vxE 'RUN|apt-get|update|install|rm|-rf|&&|-y' | sort -u)
[[ -n $listed ]] || fail "no runtime package list between the markers"
needed=$(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }')
[[ -n $needed ]] || fail "objdump found no NEEDED libraries in $bin"
linked=""
for lib in $needed; do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  [[ -n $path ]] || { fail "$lib: not found by ldconfig"; continue; }
  pkg=$(owner "$path")
  [[ -n $pkg ]] || { fail "$lib ($path): no package ships it"; continue; }
  linked+="$pkg"$'\n'
  echo "  $lib -> $pkg"
done
linked=$(sort -u <<<"$linked" | grep .)
want=$(printf '%s\nca-certificates\n' "$linked" | sort -u)
[[ $listed == "$want" ]] ||
  fail "runtime packages differ from what the binary links (+ca-certificates): $(diff <(echo "$want") <(echo "$listed") | grep '^[<>]' | tr '\n' ' ')"
# ldd agrees that every library resolves on this system (nothing missing to install).
lddout=$(ldd "$bin")
grep -q 'not found' <<<"$lddout" && fail "ldd: $(grep 'not found' <<<"$lddout")"

froms=$(grep -c '^FROM ' "$file")
[[ $froms -ge 2 ]] || fail "not multi-stage ($froms FROM lines)"
last_from=$(grep '^FROM ' "$file" | tail -n 1)
grep -q 'debian:bookworm-slim' <<<"$last_from" || fail "runtime stage is not Debian slim: $last_from"
grep -qx 'USER 65532:65532' "$file" || fail "no non-root USER 65532:65532"
grep -qF 'ENTRYPOINT ["/usr/bin/meshverify"]' "$file" || fail "entry point is not meshverify"
grep -q 'COPY --from=build /build/meshverify' "$file" || fail "binary not copied from the build stage"

# Without an engine the build script says so and exits 3 (could not run).
if ! command -v podman >/dev/null && ! command -v docker >/dev/null; then
  out=$(PATH=/usr/bin:/bin bash "$src/scripts/build-image.sh" 2>&1)
  rc=$?
  [[ $rc -eq 3 ]] || fail "build-image.sh without an engine exited $rc: $out"
  grep -q 'no container engine' <<<"$out" || fail "build-image.sh: $out"
fi
[[ $failures -eq 0 ]] && echo "ok: Containerfile runtime packages match the binary's libraries"
exit $((failures > 0))
