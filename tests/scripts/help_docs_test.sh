#!/usr/bin/env bash
# The man page and bash completion come from the binary's help texts (cmake/help_docs.py, run
# when meshverify links): the build's files are what the binary says now, every command and
# flag of every `--help` is in both, a command the binary grows appears without any list being
# edited, and a help text that cannot be read fails the generator (so the build) loudly.
set -euo pipefail
src=${MESHVERIFY_SOURCE_DIR:?}
build=${MESHVERIFY_BUILD_DIR:?}
bin=${MESHVERIFY_BINARY:?}
gen=$src/cmake/help_docs.py

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# complete FILE WORD... -> what the completion offers for the last word.
complete_words() {
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _meshverify
    printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' _ "$@"
}

echo "== the build's man page and completion are the binary's help, now"
schemas=()
for s in "$src"/reports/*.schema.json; do schemas+=(--schema "$(basename "$s")"); done
python3 "$gen" --binary "$bin" --man "$tmp/meshverify.1" --completion "$tmp/meshverify.bash" \
  "${schemas[@]}"
[ -f "$build/docs/meshverify.1" ] || fail "no $build/docs/meshverify.1 (is python3 installed?)"
# The build adds the package's summary and description at the top: compare from the commands on.
diff <(sed -n '/^\.SH COMMANDS/,$p' "$tmp/meshverify.1") \
  <(sed -n '/^\.SH COMMANDS/,$p' "$build/docs/meshverify.1") >/dev/null ||
  fail "build/docs/meshverify.1 differs from the binary's help (stale?)"
cmp -s "$tmp/meshverify.bash" "$build/docs/completions/meshverify" ||
  fail "build/docs/completions/meshverify differs from the binary's help (stale?)"
[ "$(gzip -dc "$build/docs/meshverify.1.gz")" = "$(cat "$build/docs/meshverify.1")" ] ||
  fail "meshverify.1.gz is not meshverify.1"

echo "== every command and flag of every --help is in both"
mapfile -t cmds < <("$bin" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ ${#cmds[@]} -ge 6 ] || fail "meshverify --help lists ${#cmds[@]} commands"
MANWIDTH=200 man --warnings -l "$build/docs/meshverify.1" >"$tmp/man.txt" 2>"$tmp/man.err"
[ ! -s "$tmp/man.err" ] || fail "man warnings: $(cat "$tmp/man.err")"
[ "$(complete_words "$build/docs/completions/meshverify" meshverify '')" = \
  "$(printf '%s\n' "${cmds[@]}" | sort | paste -sd' ')" ] || fail "commands completed differ"
checked=0
for cmd in "${cmds[@]}"; do
  grep -qxF "   meshverify $cmd" "$tmp/man.txt" || fail "man: no section for $cmd"
  offered=" $(complete_words "$build/docs/completions/meshverify" meshverify "$cmd" -) "
  # Flags as the help prints them: "  -c [ --config ] FILE", "  --dry-run", "  -h [ --help ]".
  while read -r flag; do
    grep -qF -- "$flag" "$tmp/man.txt" || fail "man: $cmd $flag missing"
    [[ $offered == *" $flag "* ]] || fail "completion: $cmd $flag missing (offers$offered)"
    checked=$((checked + 1))
  done < <("$bin" "$cmd" --help | grep -oE '^  -(-[a-z][a-z-]*|[a-z]( \[ --[a-z-]+ \])?)' |
    sed -E 's/^  //; s/ \[ (--[a-z-]+) \]/\n\1/')
done
[ "$checked" -ge 50 ] || fail "only $checked flags checked"
echo "  $checked flags of ${#cmds[@]} commands"

echo "== values: files, choices"
mkdir "$tmp/files" && touch "$tmp/files/mesh.yaml" "$tmp/files/other.json"
[ "$(cd "$tmp/files" && complete_words "$build/docs/completions/meshverify" meshverify check -c mes)" \
  = mesh.yaml ] || fail "check -c does not complete file names"
# -o is the stdout format, any of the renderer registry's (issue 10: it was text or json).
[ "$(complete_words "$build/docs/completions/meshverify" meshverify check -o '')" = \
  "html json junit markdown text" ] || fail "check -o does not offer every output format"
# ("j" is now json and junit: "js" is json alone.)
[ "$(complete_words "$build/docs/completions/meshverify" meshverify check --output = js)" = json ] ||
  fail "check --output=js does not offer json"
[ "$(complete_words "$build/docs/completions/meshverify" meshverify report -f '')" = \
  "html json junit markdown text" ] || fail "report -f does not offer its formats"
[ "$(complete_words "$build/docs/completions/meshverify" meshverify plan --alpha '')" = "" ] ||
  fail "plan --alpha offers words"
[ "$(complete_words "$build/docs/completions/meshverify" meshverify check --dry-run --rec)" = \
  --records ] || fail "a flag after a flag without value"
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -s bash "$build/docs/completions/meshverify" "$build/kubectl_complete-meshverify" ||
    fail "shellcheck on the completions"
fi

echo "== kubectl_complete-meshverify (kubectl 1.26+ plugin completion): cobra's protocol"
kc=$build/kubectl_complete-meshverify
[ -x "$kc" ] || fail "no executable $kc"
kcomplete() { (cd "$tmp/files" && "$kc" "$@") | paste -sd' '; }
[ "$(kcomplete)" = "$(printf '%s ' "${cmds[@]}"):4" ] || fail "commands: $(kcomplete)"
[ "$(kcomplete ch)" = "check :4" ] || fail "ch: $(kcomplete ch)"
[ "$(kcomplete check --kube)" = "--kubeconfig :4" ] || fail "check --kube: $(kcomplete check --kube)"
[ "$(kcomplete check -o '')" = "text json markdown junit html :4" ] || fail "check -o: $(kcomplete check -o '')"
[ "$(kcomplete check --output=js)" = "--output=json :4" ] || fail "--output=js: $(kcomplete check --output=js)"
[ "$(kcomplete check --output=j)" = "--output=json --output=junit :4" ] ||
  fail "--output=j: $(kcomplete check --output=j)"
[ "$(kcomplete check -c me)" = ":0" ] || fail "check -c leaves file names to the shell: $(kcomplete check -c me)"
[ "$(kcomplete plan --alpha '')" = ":4" ] || fail "plan --alpha: $(kcomplete plan --alpha '')"

echo "== a command the binary grows is documented and completed; nothing is listed by hand"
cat >"$tmp/fake" <<'FAKE'
#!/usr/bin/env bash
case "$*" in
  --help) printf 'usage: meshverify <command> [options]\n\ncommands:\n  check       verify\n  load        load experiments over time\n\nExit codes: 0 passed.\n' ;;
  --version) echo "meshverify 9.9.9" ;;
  "check --help") printf 'usage: meshverify check [options]\n\nChecks.\n\nmeshverify check options:\n  -h [ --help ]   show this help\n' ;;
  "load --help") printf 'usage: meshverify load -c mesh.yaml [options]\n\nRuns load.\n\nmeshverify load options:\n  -h [ --help ]            show this help\n  --rate R (=100)          requests per second\n  --mode M                 loop: open | closed\n  --out-dir DIR            where windows go, a very long description that\n                           wraps onto a second line\n  --at T=CMD               a fault on the timeline\n' ;;
  *) echo "fake: $*" >&2; exit 2 ;;
esac
FAKE
chmod +x "$tmp/fake"
python3 "$gen" --binary "$tmp/fake" --man "$tmp/fake.1" --completion "$tmp/fake.bash"
MANWIDTH=200 man --warnings -l "$tmp/fake.1" >"$tmp/fake.txt" 2>"$tmp/fake.err"
[ ! -s "$tmp/fake.err" ] || fail "man warnings: $(cat "$tmp/fake.err")"
grep -qxF "   meshverify load" "$tmp/fake.txt" || fail "no load section"
grep -qF "meshverify load -c mesh.yaml [options]" "$tmp/fake.txt" || fail "no load usage"
grep -qF "requests per second (default: 100)" "$tmp/fake.txt" || fail "no --rate text"
grep -qF "where windows go, a very long description that wraps onto a second line" \
  "$tmp/fake.txt" || fail "wrapped description not joined"
grep -qF "meshverify 9.9.9" "$tmp/fake.txt" || fail "version not from the binary"
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$tmp/fake.txt" | grep -qF "Exit codes: 0 passed." ||
  fail "no EXIT STATUS from the help"
[ "$(complete_words "$tmp/fake.bash" meshverify l)" = load ] || fail "load not completed"
[ "$(complete_words "$tmp/fake.bash" meshverify load --)" = "--at --help --mode --out-dir --rate" ] ||
  fail "load flags: $(complete_words "$tmp/fake.bash" meshverify load --)"
[ "$(complete_words "$tmp/fake.bash" meshverify load --mode '')" = "closed open" ] ||
  fail "load --mode choices"
[ "$(complete_words "$tmp/fake.bash" meshverify load --rate '')" = "" ] || fail "--rate offers words"

echo "== an unreadable help fails the generator"
printf '#!/bin/sh\necho "usage: meshverify"\n' >"$tmp/nocommands"
chmod +x "$tmp/nocommands"
if python3 "$gen" --binary "$tmp/nocommands" --man "$tmp/x.1" --completion "$tmp/x.bash" \
  2>"$tmp/err"; then
  fail "a help without commands was accepted"
fi
grep -qF "lists no commands" "$tmp/err" || fail "message: $(cat "$tmp/err")"
sed 's/"check --help") printf/"check --help") exit 3; printf/' "$tmp/fake" >"$tmp/broken"
chmod +x "$tmp/broken"
if python3 "$gen" --binary "$tmp/broken" --man "$tmp/x.1" --completion "$tmp/x.bash" \
  2>"$tmp/err"; then
  fail "a command whose --help fails was accepted"
fi
grep -qF "check --help: exit code 3" "$tmp/err" || fail "message: $(cat "$tmp/err")"
[ ! -e "$tmp/x.1" ] || fail "a page was written for a broken help"
echo "PASS: man page and completion follow the binary's help"
