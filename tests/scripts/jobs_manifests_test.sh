#!/usr/bin/env bash
# `meshverify jobs` manifests for `load` and `check`, both sidecar modes, checked against the
# strict Kubernetes Job/ConfigMap schema in tests/data/jobs/ and the API server's cross-field
# rules (jobs_manifests_check.py); then broken copies (a misspelt field, a missing deadline, a
# wrong restartPolicy, a Job-level backoffLimit of the old kind) must fail the check, and bad
# invocations must exit 2 with one line.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
bin=${MESHVERIFY_BINARY:-$src/build/meshverify}
python3 -c 'import jsonschema, yaml' 2>/dev/null || { echo "SKIP: python3-jsonschema/yaml missing"; exit 77; }
schema=$src/tests/data/jobs/k8s-job.schema.json
check=$src/tests/scripts/jobs_manifests_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# No kubectl reaches a cluster here: destination discovery fails, which is only a warning.
export PATH="$tmp/bin:$PATH"
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "error: no cluster in this test" >&2\nexit 1\n' >"$tmp/bin/kubectl"
chmod +x "$tmp/bin/kubectl"
mesh=$src/scripts/lab/mesh.yaml

gen() { "$bin" jobs -c "$mesh" --run-id abc123 --image registry.example/meshverify:0.1.0 "$@" 2>"$tmp/err"; }
gen --shards 3 -- load --rate 300 --duration 20s --slo 'errors<1%' >"$tmp/load.yaml"
python3 "$check" "$schema" "$tmp/load.yaml" load 3
gen --shards 5 --sidecar quit -- load --requests 1000 --concurrency 8 >"$tmp/load_quit.yaml"
python3 "$check" "$schema" "$tmp/load_quit.yaml" load 5
grep -q -- '"--quit-sidecar"' "$tmp/load_quit.yaml" || fail "--sidecar quit: no --quit-sidecar"
gen --shards 2 -- check >"$tmp/check.yaml"
python3 "$check" "$schema" "$tmp/check.yaml" check 2
[ "$(grep -c '^kind: "ConfigMap"' "$tmp/check.yaml")" -eq 2 ] || fail "check: one ConfigMap per cluster"
gen --shards 2 --cluster cluster2 -- load --duration 5s >"$tmp/one.yaml"
[ "$(grep -c '^kind: "Job"' "$tmp/one.yaml")" -eq 1 ] || fail "--cluster: one Job"
grep -q 'kind-cluster2 apply -f -' "$tmp/one.yaml" || fail "--cluster: the header names its context"
echo "ok: load, load --sidecar quit, check and --cluster manifests validate"

# The check can fail: broken copies.
mutate() { # name sed-expression
  sed "$2" "$tmp/load.yaml" >"$tmp/bad.yaml"
  cmp -s "$tmp/bad.yaml" "$tmp/load.yaml" && fail "mutation $1 changed nothing"
  if python3 "$check" "$schema" "$tmp/bad.yaml" load 3 >"$tmp/out" 2>&1; then
    fail "mutation $1 passed the check"
  fi
  echo "ok: mutation $1 fails: $(head -c 160 "$tmp/out")"
}
mutate misspelt-field 's/  completionMode:/  completionmode:/'
mutate no-deadline '/activeDeadlineSeconds/d'
mutate restart-always 's/restartPolicy: "Never"/restartPolicy: "Always"/'
mutate bad-pull-policy 's/imagePullPolicy: "IfNotPresent"/imagePullPolicy: "Sometimes"/'
mutate bad-quantity 's/cpu: "250m"/cpu: "a lot"/'
mutate root 's/runAsNonRoot: true/runAsNonRoot: false/'
mutate no-hold 's/holdApplicationUntilProxyStarts/holdApplication/'
mutate too-many-failed 's/maxFailedIndexes: 3/maxFailedIndexes: 4/'
mutate bad-label 's/meshverify.io\/run: "abc123"/meshverify.io\/run: "abc 123"/'

# Bad invocations: one line, exit 2.
bad() { # expected-text args...
  local want=$1 rc=0
  shift
  "$bin" jobs "$@" >/dev/null 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 2 ] || fail "jobs $*: exit $rc, want 2"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "jobs $*: not one line: $(cat "$tmp/err")"
  grep -qF -- "$want" "$tmp/err" || fail "jobs $*: '$(cat "$tmp/err")' lacks '$want'"
}
bad "give the command after --" -c "$mesh" --shards 2
bad "expected check or load" -c "$mesh" -- plan
bad "--shards must be in" -c "$mesh" --shards 0 -- load
bad "set by the Job itself" -c "$mesh" -- load --json x.json
bad "--run-id" -c "$mesh" --run-id UPPER -- load
bad "meshverify jobs: -- load: --rate must be positive" -c "$mesh" -- load --rate -1
bad "fault commands cannot run" -c "$mesh" -- load --duration 5s --at 1s=true
bad "are for \`jobs run\`" -c "$mesh" --json m.json -- load
bad "meshverify jobs: -- check: --looks: must be in [1, 100]" -c "$mesh" -- check --looks 0
echo "PASS"
