#!/usr/bin/env bash
# shellcheck disable=SC2016 # the recipes' own $VARIABLES, quoted as they are written
# The CI recipes of docs/ci/ (GitHub Actions, GitLab CI) parse, use only meshverify commands and
# flags its help lists, and gate on exit codes as they say (tests/scripts/ci_recipes_check.py).
# Then each check is shown to fail: a recipe broken one way at a time must be refused.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
bin=${MESHVERIFY_BINARY:?}
here=$(cd "$(dirname "$0")" && pwd)

python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml missing (scripts/deps.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== docs/ci as written"
mkdir "$tmp/ok"
# The mesh.yaml the recipes' check reads, as up.sh writes it: made once, shared by every run.
"$src/scripts/mesh/up.sh" --dry-run --out "$tmp/mesh-out" >"$tmp/up.log" 2>&1 ||
  { cat "$tmp/up.log"; echo "FAIL: scripts/mesh/up.sh --dry-run"; exit 1; }
python3 "$here/ci_recipes_check.py" "$src" "$bin" "$tmp/ok" "$tmp/mesh-out"

# break FILE SED-EXPRESSION EXPECTED-MESSAGE: the checker must fail on the broken copy, saying so.
break_recipe() {
  local file=$1 expr=$2 want=$3 copy=$tmp/src-$RANDOM
  mkdir -p "$copy/docs/ci" "$copy/work"
  cp -r "$src/scripts" "$copy/"
  cp "$src"/docs/ci/*.yml "$copy/docs/ci/"
  sed -i "$expr" "$copy/docs/ci/$file"
  cmp -s "$src/docs/ci/$file" "$copy/docs/ci/$file" && { echo "FAIL: '$expr' changed nothing"; exit 1; }
  if python3 "$here/ci_recipes_check.py" "$copy" "$bin" "$copy/work" "$tmp/mesh-out" \
    >"$copy/out" 2>&1; then
    echo "FAIL: $file with '$expr' was accepted"; exit 1
  fi
  grep -qF -- "$want" "$copy/out" || { echo "FAIL: $file with '$expr': want '$want' in:"; cat "$copy/out"; exit 1; }
  echo "  refused: $file with '$expr'"
  rm -rf "$copy"
}

echo "== each check fails on a recipe broken for it"
break_recipe github-actions.yml 's/--junit meshverify-junit.xml/--junitxml meshverify-junit.xml/' \
  "meshverify check --junitxml: not in meshverify check --help"
break_recipe gitlab-ci.yml 's/meshverify version/meshverify versions/' \
  "meshverify versions: not a command"
break_recipe github-actions.yml 's/if \[\[ " $FAIL_ON " == \*" $rc "\* \]\]; then/if false; then/' \
  "gate with FAIL_ON='1 3 4', meshverify exit 1: job exit 0, want 1"
break_recipe gitlab-ci.yml 's/^        \*)$/        2) ;; *)/' \
  "meshverify exit 2: job exit 0, want 2"
break_recipe gitlab-ci.yml 's/junit: meshverify-junit.xml/junit: junit.xml/' \
  "artifacts:reports:junit is not the --junit file"
break_recipe github-actions.yml 's/report_paths: meshverify-junit.xml/report_paths: other.xml/' \
  "no JUnit test report step"
break_recipe github-actions.yml 's/--markdown "$GITHUB_STEP_SUMMARY"/--markdown summary.md/' \
  'no --markdown "$GITHUB_STEP_SUMMARY"'
break_recipe gitlab-ci.yml 's/scripts\/deps.sh --build/scripts\/deps.sh --bulid/' \
  "scripts/deps.sh --bulid: the script does not know this flag"
break_recipe github-actions.yml 's/^      - name: Bring the mesh up$/      - name: [broken/' \
  "ParserError"
break_recipe gitlab-ci.yml 's/-c scripts\/mesh\/out\/mesh.yaml/-c mesh.yaml/' \
  "does not read up.sh's scripts/mesh/out/mesh.yaml"
echo "PASS: docs/ci recipes checked"
