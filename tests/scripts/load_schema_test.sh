#!/usr/bin/env bash
# Validates every load report the project holds or produces against
# reports/meshverify.load.v1.schema.json (JSON Schema draft 2020-12, python3-jsonschema):
# reports/samples/load/*.json and every *.json under $MESHVERIFY_BUILD_DIR/test-reports-load/
# (written by load_direct_test and the load lab test). Beyond the schema it checks the
# accounting the schema cannot say: requests == ok + sum(errors) in every window, pooled
# windows are the sum of the sources', shares sum to 1 over answered requests, the histogram
# counts match the latency counts. It also checks that broken reports are rejected.
set -euo pipefail

root="${MESHVERIFY_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
build="${MESHVERIFY_BUILD_DIR:-$root/build}"
schema="$root/reports/meshverify.load.v1.schema.json"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "load_schema_test: python3-jsonschema missing (scripts/deps.sh installs it)" >&2
  exit 77
fi
mkdir -p "$build/test-reports-load"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  find "$root/reports/samples/load" -maxdepth 1 -name "*.json" -print0
  find "$build/test-reports-load" -name '*.json' -print0)

python3 - "$schema" "${files[@]}" <<'PY'
import copy, json, sys
import jsonschema

schema_path, paths = sys.argv[1], sys.argv[2:]
schema = json.load(open(schema_path))
Validator = jsonschema.validators.validator_for(schema)
Validator.check_schema(schema)
validator = Validator(schema)

def errors(doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))

def accounting(doc):
    out = []
    def window(w, where):
        if w["requests"] != w["ok"] + sum(w["errors"].values()):
            out.append(f"{where}: requests != ok + sum(errors)")
        if w["ok"] and w["by_cluster"] and sum(s["count"] for s in w["by_cluster"].values()) != w["ok"]:
            out.append(f"{where}: by_cluster counts do not add up to ok")
        for c, l in w["latency_ms"].items():
            if w["latency_hist"][c]["count"] != l["count"]:
                out.append(f"{where}: latency_hist[{c}] count differs")
    for i, w in enumerate(doc["windows"]):
        window(w, f"windows[{i}]")
    for i, w in enumerate(doc["pooled"]):
        window(w, f"pooled[{i}]")
        parts = [s for s in doc["windows"] if s["step"] == w["step"] and s["index"] == w["index"]]
        if sum(s["requests"] for s in parts) != w["requests"]:
            out.append(f"pooled[{i}]: not the sum of its sources")
    if doc["requests"] != sum(w["requests"] for w in doc["windows"]):
        out.append("requests != the sum over windows")
    return out

bad = 0
for path in paths:
    doc = json.load(open(path, encoding="utf-8"))
    errs = errors(doc)
    for e in errs[:5]:
        print(f"INVALID {path}: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
    acc = accounting(doc) if not errs else []
    for a in acc[:5]:
        print(f"INVALID {path}: {a}")
    bad += bool(errs or acc)
print(f"load_schema_test: {len(paths) - bad} of {len(paths)} load reports valid")
if len(paths) < 1:
    print("load_schema_test: expected at least reports/samples/load/direct.json")
    bad += 1

good = json.load(open(schema_path.replace("meshverify.load.v1.schema.json", "samples/load/direct.json")))
assert not errors(good) and not accounting(good)
def broken(mutate):
    doc = copy.deepcopy(good)
    mutate(doc)
    return doc
mutations = {
    "wrong schema": lambda d: d.update(schema="meshverify.report/v1"),
    "unknown mode": lambda d: d.update(mode="remote"),
    "missing windows": lambda d: d.pop("windows"),
    "window without late": lambda d: d["windows"][0].pop("late"),
    "share above 1": lambda d: d["summary"]["by_version"]["v1"].update(share=1.5),
    "histogram scheme": lambda d: next(iter(d["summary"]["latency_hist"].values())).update(scheme="hdr"),
    "slo status": lambda d: d["slos"][0].update(status="ok"),
    "event without detect_s": lambda d: d["events"][0].pop("detect_s"),
}
for name, mutate in mutations.items():
    if not errors(broken(mutate)):
        print(f"load_schema_test: the schema accepts a broken report ({name})")
        bad += 1
def lose_one(d):
    d["windows"][1]["requests"] += 1
if not accounting(broken(lose_one)):
    print("load_schema_test: the accounting check accepts a broken window")
    bad += 1
sys.exit(1 if bad else 0)
PY
