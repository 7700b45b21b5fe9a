#!/usr/bin/env bash
# The main job, on a fresh machine: install the deps, build, bring the two-cluster lab up, run
# `meshverify check` against it with the lab's kubectl/istioctl first on PATH, print the report,
# write JSON/Markdown/JUnit/HTML under reports/out/ and say where each went, take the lab down,
# exit with check's exit code.
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
out=$PWD/reports/out
mkdir -p "$out"
# Reports of an earlier run must not pass for this one's.
rm -f "$out/check.json" "$out/check.md" "$out/check.xml" "$out/check.html"
rc=0
PATH="$PWD/scripts/lab/bin:$PATH" build/meshverify check -c scripts/lab/mesh.yaml \
  --json "$out/check.json" --markdown "$out/check.md" --junit "$out/check.xml" \
  --html "$out/check.html" || rc=$?
echo "demo: reports:"
for r in "JSON:check.json" "Markdown:check.md" "JUnit:check.xml" "HTML:check.html"; do
  if [ -s "$out/${r#*:}" ]; then
    printf '  %-9s %s\n' "${r%%:*}" "$out/${r#*:}"
  else
    printf '  %-9s not written\n' "${r%%:*}"
  fi
done
echo "demo: check exit code $rc"
exit "$rc"
