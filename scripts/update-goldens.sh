#!/usr/bin/env bash
# Regenerates the renderer goldens tests/data/report/<case>.<extension>.gold from the inputs
# tests/data/report/<case>.json, by running the built `meshverify report -o FORMAT` on each one,
# for every format of the renderer registry (`meshverify report --list-formats`).
# Review the result with `git diff tests/data/report` before committing: a golden diff is a
# change users see.
#
# usage: scripts/update-goldens.sh [BUILD_DIR]     (default: $MESHVERIFY_BUILD_DIR or ./build)
#        MESHVERIFY_BINARY=/path/to/meshverify scripts/update-goldens.sh
# To add a case: drop <case>.json in tests/data/report/, add its name to kCases in
# tests/report/render_golden_test.cc, run this script.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${MESHVERIFY_BUILD_DIR:-$root/build}}"
bin="${MESHVERIFY_BINARY:-$build/meshverify}"
if [[ ! -x "$bin" ]]; then
  echo "update-goldens: no meshverify binary at $bin (build it: cmake --build $build --target meshverify)" >&2
  exit 2
fi

data="$root/tests/data/report"
formats=()
while read -r format ext; do formats+=("$format:$ext"); done < <("$bin" report --list-formats)
[[ ${#formats[@]} -gt 0 ]] || { echo "update-goldens: $bin report --list-formats listed nothing" >&2; exit 2; }
n=0
for input in "$data"/*.json; do
  name="$(basename "$input" .json)"
  for f in "${formats[@]}"; do
    format="${f%%:*}" ext="${f##*:}"
    rc=0
    "$bin" report "$input" -o "$format" >"$data/$name.$ext.gold" || rc=$?
    # The exit code is the report's verdict (0 pass, 1 fail, 3 error, 4 inconclusive); 2 means
    # the input is not a valid report.
    if [[ $rc -eq 2 ]]; then
      echo "update-goldens: $input is not a valid report" >&2
      exit 2
    fi
    n=$((n + 1))
  done
done
echo "update-goldens: wrote $n gold files in ${data#"$root/"}; review with: git diff -- ${data#"$root/"}"
