#!/usr/bin/env bash
# Validates every JSON report the project holds or produces against
# reports/meshverify.report.v1.schema.json (JSON Schema draft 2020-12, python3-jsonschema):
#   - tests/data/report/*.json and *.json.gold (renderer inputs and RenderJson goldens),
#   - reports/samples/*.json,
#   - every *.json under $MESHVERIFY_BUILD_DIR/test-reports/ (any depth).
# Convention for other tests: a test that produces a report writes it to
# "$MESHVERIFY_BUILD_DIR/test-reports/<test name>/<anything>.json" (C++ tests: the build dir is
# the parent of the test binary's directory), and this test checks it; run it after the
# others (ctest runs label `script` after `unit` in the default order).
# It also checks that the validator rejects broken reports (so a pass means something), and
# that the JUnit goldens are well-formed XML.
set -euo pipefail

root="${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${MESHVERIFY_BUILD_DIR:-$root/build}"
schema="$root/reports/meshverify.report.v1.schema.json"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "report_schema_test: python3-jsonschema missing (scripts/deps.sh installs it)" >&2
  exit 77
fi

mkdir -p "$build/test-reports"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find "$root/tests/data/report" "$root/reports/samples" -maxdepth 1 \
    \( -name '*.json' -o -name '*.json.gold' \) -print0
  find "$build/test-reports" -name '*.json' -print0)

python3 - "$schema" "${files[@]}" <<'PY'
import copy, json, sys
import jsonschema

schema_path, paths = sys.argv[1], sys.argv[2:]
with open(schema_path) as f:
    schema = json.load(f)
Validator = jsonschema.validators.validator_for(schema)
Validator.check_schema(schema)
validator = Validator(schema)

def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))

bad = 0
for path in paths:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"INVALID {path}: not JSON: {e}")
        bad += 1
        continue
    errs = errors(doc)
    for e in errs[:5]:
        print(f"INVALID {path}: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
    bad += bool(errs)
print(f"report_schema_test: {len(paths) - bad} of {len(paths)} reports valid")
if len(paths) < 9:
    print("report_schema_test: expected at least the 6 test inputs and 3 samples")
    bad += 1

# The validator must catch broken reports, or the check above proves nothing.
with open(schema_path.replace("meshverify.report.v1.schema.json", "samples/pass.json"),
          encoding="utf-8") as f:
    good = json.load(f)
assert not errors(good)
def broken(mutate):
    doc = copy.deepcopy(good)
    mutate(doc)
    return doc
mutations = {
    "missing verdict": lambda d: d.pop("verdict"),
    "unknown verdict": lambda d: d.update(verdict="passed"),
    "wrong schema": lambda d: d.update(schema="meshverify.report/v2"),
    "negative requests": lambda d: d["total"].update(requests=-1),
    "check status": lambda d: d.update(checks=[{"name": "x", "status": "ok", "detail": "", "hint": ""}]),
    "outlier as bool": lambda d: d.update(endpoints=[{"source_pod": "p", "address": "a", "port": 1,
        "health": "HEALTHY", "outlier": True, "cluster": "c", "weight": 1, "locality": ""}]),
    "share above 1": lambda d: d["total"]["by_cluster"].update(c={"count": 1, "share": 1.5, "ci": [0, 1]}),
    "ci of three": lambda d: d["total"]["by_cluster"].update(c={"count": 1, "share": 0.5, "ci": [0, 0.5, 1]}),
}
for name, mutate in mutations.items():
    if not errors(broken(mutate)):
        print(f"report_schema_test: the schema accepts a broken report ({name})")
        bad += 1
sys.exit(1 if bad else 0)
PY

# JUnit goldens must be well-formed XML (CI servers drop files that are not).
python3 - "$root"/tests/data/report/*.xml.gold <<'PY'
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuite" and root.get("name") == "meshverify", path
    cases = root.findall("testcase")
    assert int(root.get("tests")) == len(cases), path
    assert int(root.get("failures")) == sum(len(c.findall("failure")) for c in cases), path
    assert int(root.get("skipped")) == sum(len(c.findall("skipped")) for c in cases), path
print(f"report_schema_test: {len(sys.argv) - 1} JUnit goldens well-formed")
PY
