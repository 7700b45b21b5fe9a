#!/usr/bin/env bash
# The main job, on a fresh machine: install the deps, build, bring the two-cluster lab up, run
# `meshverify check` against it with the lab's kubectl/istioctl first on PATH, print the report,
# write JSON/Markdown/JUnit under reports/out/, take the lab down, exit with check's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "demo: the lab needs root (network namespaces); run: sudo scripts/demo.sh" >&2
  exit 2
fi
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" --target meshverify helloworld-server
export MESHVERIFY_BUILD_DIR=$PWD/build  # the lab runs build/helloworld-server
# One lab per machine: wait for any lab test of another checkout to finish first.
exec {lab_lock}>"${MESHVERIFY_LAB_LOCK:-/run/lock/meshverify-lab.lock}"
flock -w 3600 "$lab_lock"
trap 'scripts/lab/lab down >/dev/null 2>&1 || true' EXIT
scripts/lab/lab up
mkdir -p reports/out
rc=0
PATH="$PWD/scripts/lab/bin:$PATH" build/meshverify check -c scripts/lab/mesh.yaml \
  --json reports/out/check.json --markdown reports/out/check.md --junit reports/out/check.xml ||
  rc=$?
echo "demo: reports in reports/out/ (check.json, check.md, check.xml); check exit code $rc"
exit "$rc"
