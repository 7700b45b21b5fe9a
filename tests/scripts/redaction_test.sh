#!/usr/bin/env bash
# URL credentials are never printed (issue 15 item 7): userinfo and query values are "***" in
# every report format (stdout and files) of report, check --dry-run and load, in the JSONL
# stream and in messages; `check --dry-run` prints commands that are safe to paste (a hostile
# mesh.yaml value stays one word and runs nothing).
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
secret_url='https://alice:s3cr3t@helloworld.sample:5000/hello?token=t0k3n&x=1'
redacted='https://***@helloworld.sample:5000/hello?token=***&x=***'
sed_url=${secret_url//&/\\&} # sed's replacement reads & as the match

# no_secret FILE WHAT: FILE holds neither secret.
no_secret() {
  if grep -q -e s3cr3t -e t0k3n "$1"; then bad "$2 prints a credential: $(grep -m1 -e s3cr3t -e t0k3n "$1")"; fi
}

# `report` of a saved report whose config holds the URL: every format, stdout and files.
sed "s|http://helloworld.sample:5000/hello|$sed_url|" \
  "$src/tests/data/report/one_source_pass.json" >"$tmp/saved.json"
grep -q s3cr3t "$tmp/saved.json" || bad "the saved report does not hold the URL"
for format in text json markdown junit html; do
  expect_rc 0 "$bin" report "$tmp/saved.json" -o "$format"
  no_secret "$tmp/out" "report -o $format"
done
expect_rc 0 "$bin" report "$tmp/saved.json" -o json
grep -qF "\"$redacted\"" "$tmp/out" || bad "report -o json: no redacted URL in $(grep url "$tmp/out")"
expect_rc 0 "$bin" report "$tmp/saved.json" --json "$tmp/r.json" --junit "$tmp/r.xml" \
  --markdown "$tmp/r.md" --html "$tmp/r.html"
for f in r.json r.xml r.md r.html; do no_secret "$tmp/$f" "report --${f#r.} file"; done

# check --dry-run, text and JSON, with a hostile Envoy cluster name.
sed -e "s|url: http://helloworld.sample:5000/hello|url: \"$sed_url\"|" \
  -e "s|envoy_cluster: .*|envoy_cluster: \"x'\$(touch $tmp/pwned)'\"|" \
  "$src/scripts/lab/mesh.yaml" >"$tmp/mesh.yaml"
expect_rc 0 "$bin" check -c "$tmp/mesh.yaml" --dry-run
no_secret "$tmp/out" "check --dry-run"
grep -qF "target:      $redacted" "$tmp/out" || bad "dry run: no redacted target line"
cp "$tmp/out" "$tmp/plan.txt"
expect_rc 0 "$bin" check -c "$tmp/mesh.yaml" --dry-run -o json
no_secret "$tmp/out" "check --dry-run -o json"
# Pasting the printed commands runs kubectl and istioctl with the values as single words.
mkdir "$tmp/fakebin"
# shellcheck disable=SC2016 # the fake's $a expands when it runs
printf '#!/bin/sh\nfor a; do printf "[%%s]" "$a"; done; echo\n' >"$tmp/fakebin/kubectl"
cp "$tmp/fakebin/kubectl" "$tmp/fakebin/istioctl"
chmod +x "$tmp/fakebin/kubectl" "$tmp/fakebin/istioctl"
sed -n '/^commands:/,$p' "$tmp/plan.txt" | tail -n +2 >"$tmp/commands.sh"
PATH="$tmp/fakebin:$PATH" bash "$tmp/commands.sh" >"$tmp/pasted" 2>"$tmp/pasted.err" ||
  bad "the printed commands do not run as pasted: $(cat "$tmp/pasted.err")"
[[ ! -e $tmp/pwned ]] || bad "pasting the dry run's commands ran code from mesh.yaml"
grep -qF "[--cluster][x'\$(touch $tmp/pwned)'][-o]" "$tmp/pasted" ||
  bad "the Envoy cluster is not one word: $(grep -F -- --cluster "$tmp/pasted")"
[[ $(wc -l <"$tmp/pasted") -eq 4 ]] || bad "pasted commands: $(cat "$tmp/pasted")"

# load --direct: every file it writes, its stdout, and its messages (the request goes out with
# the URL as given; nothing listens on port 9, so every request fails fast; no SLO: exit 0).
load_url='http://bob:s3cr3t@127.0.0.1:9/hello?token=t0k3n'
for format in text json; do
  expect_rc 0 "$bin" load --direct --url "$load_url" --requests 2 --duration 2s --timeout 1s \
    --json "$tmp/l.json" --html "$tmp/l.html" --markdown "$tmp/l.md" --jsonl "$tmp/l.jsonl" \
    --fortio "$tmp/l.fortio" -o "$format"
  no_secret "$tmp/out" "load -o $format"
  no_secret "$tmp/err" "load's messages"
  for f in l.json l.html l.md l.jsonl l.fortio; do no_secret "$tmp/$f" "load --${f#l.}"; done
done
grep -qF 'http://***@127.0.0.1:9/hello?token=***' "$tmp/l.json" || bad "load --json: no redacted URL"

finish redaction_test
