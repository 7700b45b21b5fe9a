#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed tool as a user meets it: the
# files in place, `kubectl meshverify` through a real kubectl (flags and exit codes passed
# through), `man` on the installed page, the bash completion. Needs a real kubectl on PATH
# (Debian's kubernetes-client, from scripts/deps.sh; the lab's front-end does not count) and
# skips (77) with the reason when there is none.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
build=${MESHVERIFY_BUILD_DIR:?}
bin=${MESHVERIFY_BINARY:?}

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

echo "== cmake --install $build --prefix <tmp>"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "cmake --install failed"; }
for f in bin/meshverify bin/kubectl-meshverify bin/kubectl_complete-meshverify \
  share/man/man1/meshverify.1.gz \
  share/man/man1/kubectl-meshverify.1.gz share/bash-completion/completions/meshverify \
  share/bash-completion/completions/kubectl-meshverify share/doc/meshverify/README.md; do
  [ -e "$prefix/$f" ] || fail "$f not installed"
done
for s in "$src"/reports/*.schema.json; do
  cmp -s "$s" "$prefix/share/meshverify/$(basename "$s")" || fail "$(basename "$s") not installed"
done
[ "$(readlink "$prefix/bin/kubectl-meshverify")" = meshverify ] ||
  fail "bin/kubectl-meshverify is not a link to meshverify"
[ -x "$prefix/bin/meshverify" ] || fail "bin/meshverify is not executable"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ "$("$prefix/bin/meshverify" --version | head -n 1)" = "meshverify $version" ] ||
  fail "installed meshverify --version: $("$prefix/bin/meshverify" --version)"

echo "== man, from the installed page"
MANWIDTH=100 man --warnings -l "$prefix/share/man/man1/meshverify.1.gz" >"$tmp/man.txt" \
  2>"$tmp/man.err" || fail "man -l failed: $(cat "$tmp/man.err")"
[ ! -s "$tmp/man.err" ] || fail "man page warnings: $(cat "$tmp/man.err")"
[ "$(MANPATH=$prefix/share/man man -w kubectl-meshverify)" = \
  "$(MANPATH=$prefix/share/man man -w meshverify)" ] || fail "man kubectl-meshverify is not meshverify.1"
grep -q '^   meshverify check$' "$tmp/man.txt" || fail "man page has no meshverify check section"

echo "== bash completion, from the installed file"
got=$(bash -c '. "$1"; COMP_WORDS=(meshverify ch); COMP_CWORD=1; _meshverify; echo "${COMPREPLY[*]}"' \
  _ "$prefix/share/bash-completion/completions/meshverify")
[ "$got" = check ] || fail "completion of 'meshverify ch' gave '$got'"

# A real kubectl: on PATH without the lab's front-end, and an executable that is not a script.
kubectl=$(PATH=$(tr ':' '\n' <<<"$PATH" | grep -vxF "$src/scripts/lab/bin" | paste -sd:) \
  command -v kubectl || true)
if [ -z "$kubectl" ]; then
  echo "SKIP: no kubectl on PATH for 'kubectl meshverify' (scripts/deps.sh installs kubernetes-client)"
  exit 77
fi
case $(head -c 2 "$(readlink -f "$kubectl")") in '#!')
  echo "SKIP: $kubectl is a script, not kubectl (scripts/deps.sh installs kubernetes-client)"
  exit 77 ;;
esac
"$kubectl" version --client >"$tmp/kv" 2>&1 || fail "$kubectl version --client: $(cat "$tmp/kv")"
echo "== kubectl meshverify, through $kubectl ($(grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' "$tmp/kv" | head -n 1))"
# Only the prefix's bin and kubectl's own directory: the plugin must come from the install.
kpath=$prefix/bin:$(dirname "$kubectl"):/usr/bin:/bin
kube() { env -u KUBECONFIG HOME="$tmp/home" PATH="$kpath" "$kubectl" "$@"; }
mkdir -p "$tmp/home"
kube plugin list 2>&1 | grep -qxF "$prefix/bin/kubectl-meshverify" ||
  fail "kubectl plugin list does not list the installed plugin: $(kube plugin list 2>&1)"
help=$(kube meshverify --help) || fail "kubectl meshverify --help: exit $?"
[ "$help" = "$("$bin" --help)" ] || fail "kubectl meshverify --help differs: $help"
kube meshverify check --help | grep -q -- '--kubeconfig' || fail "kubectl meshverify check --help"

# kubectl 1.26 and later complete plugins with kubectl_complete-<plugin> from PATH.
minor=$(grep -oE 'v1\.[0-9]+' "$tmp/kv" | head -n 1 | cut -d. -f2)
if [ "${minor:-0}" -ge 26 ]; then
  got=$(kube __complete meshverify check --kube 2>/dev/null | paste -sd' ')
  [ "$got" = "--kubeconfig :4" ] || fail "kubectl __complete meshverify check --kube: $got"
else
  echo "  (kubectl 1.$minor completes no plugins (1.26+ does): kubectl_complete-meshverify not tried)"
fi

# kubectl's flags go to meshverify as meshverify's own flags, as they do without kubectl.
plan=$(kube meshverify check -c "$src/scripts/lab/mesh.yaml" --dry-run \
  --context kind-cluster2 --kubeconfig "$tmp/kubeconfig" -n other)
grep -qF "cluster2: context kind-cluster2, kubeconfig $tmp/kubeconfig" <<<"$plan" ||
  fail "--context/--kubeconfig did not reach meshverify: $plan"
grep -qF "pods -n other -l app=sleep" <<<"$plan" || fail "-n did not reach meshverify: $plan"
[ "$plan" = "$("$bin" check -c "$src/scripts/lab/mesh.yaml" --dry-run --context kind-cluster2 \
  --kubeconfig "$tmp/kubeconfig" -n other)" ] || fail "the plan differs through kubectl"

# Exit codes come through kubectl unchanged (CI gates read them).
expect_rc() {
  local want=$1 rc=0
  shift
  kube meshverify "$@" >/dev/null 2>&1 || rc=$?
  [ "$rc" = "$want" ] || fail "kubectl meshverify $*: exit $rc, want $want"
}
expect_rc 0 report "$src/reports/samples/pass.json"
expect_rc 1 report "$src/reports/samples/fail.json"
expect_rc 4 report "$src/reports/samples/inconclusive.json"
expect_rc 2 no-such-command
echo "PASS: installed into a prefix; kubectl meshverify works through $kubectl"
