#!/usr/bin/env bash
# `meshverify check` stopped by a signal, against a fake kubectl/istioctl (tests/data/check/)
# whose calls hang: SIGTERM and SIGHUP stop it as SIGINT does (exit 130, every report file
# written, marked interrupted), also during discovery; a second signal kills the children's
# process groups and exits 130 at once, leaving no kubectl behind.
set -uo pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
skip_without jq "scripts/deps.sh installs it"
data="$src/tests/data/check"
fakes="$tmp/bin"
mkdir -p "$fakes"

# The fakes log "<tool> <verb> <pid>" to $FAKE_LOG; FAKE_HANG=get or exec makes that call hang,
# FAKE_IGNORE_TERM=1 makes a hanging call ignore SIGTERM, SIGINT and SIGHUP.
cat >"$fakes/kubectl" <<'SH'
#!/usr/bin/env bash
echo "kubectl $1 $$" >>"$FAKE_LOG"
ctx= sel=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in --context) ctx=${args[i + 1]} ;; -l) sel=${args[i + 1]} ;; esac
done
# The preflight (sh, curl, temp dir) answers at once: the hang is the probe's exec.
case ${*: -1} in
  "echo '"*" sh ok'"*)
    m=${*: -1}; m=${m#echo \'}; m=${m%% sh ok\'*}
    printf '%s sh ok\n%s curl curl 8.11.1 (x86_64-pc-linux-musl)\n%s tmp /dev/shm\n' "$m" "$m" "$m"
    exit 0 ;;
esac
if [ "$1" = "${FAKE_HANG:-}" ]; then
  [ -n "${FAKE_IGNORE_TERM:-}" ] && trap '' TERM INT HUP
  sleep 300 &
  echo "sleep $1 $!" >>"$FAKE_LOG"
  wait
  exit 1
fi
case $sel in
  app=sleep) cat "$FAKE_DATA/pods_sleep_cluster${ctx#kind-cluster}.json" ;;
  app=helloworld) cat "$FAKE_DATA/pods_helloworld_cluster${ctx#kind-cluster}.json" ;;
  *) exit 1 ;;
esac
SH
cat >"$fakes/istioctl" <<'SH'
#!/usr/bin/env bash
for a in "$@"; do case $a in kind-cluster*) ctx=$a ;; esac; done
cat "$FAKE_DATA/view_healthy_cluster${ctx#kind-cluster}.json"
SH
chmod +x "$fakes/kubectl" "$fakes/istioctl"
export FAKE_DATA=$data FAKE_LOG=$tmp/log PATH="$fakes:$PATH"

# Starts a check whose FAKE_HANG call hangs, waits for that call, sends the signals (a word
# list, 0.2 s apart), and waits for the exit: sets rc and seconds (from the first signal).
run_stopped() {
  local hang=$1 signals=$2 out=$3
  : >"$FAKE_LOG"
  rm -rf "$out"
  mkdir -p "$out"
  FAKE_HANG=$hang "$bin" check -c "$data/mesh.yaml" --json "$out/r.json" --junit "$out/r.xml" \
    --markdown "$out/r.md" --html "$out/r.html" >"$out/stdout" 2>"$out/stderr" &
  local pid=$! i
  for ((i = 0; i < 100; i++)); do
    grep -q "^sleep $hang" "$FAKE_LOG" && break
    sleep 0.1
  done
  grep -q "^sleep $hang" "$FAKE_LOG" || bad "$hang: the fake's call never started"
  local t0=$SECONDS
  for s in $signals; do
    kill -s "$s" "$pid"
    sleep 0.2
  done
  rc=0
  wait "$pid" || rc=$?
  seconds=$((SECONDS - t0))
}

# Every file asked for is there and says interrupted.
expect_partial_report() {
  local name=$1 out=$2 verdict=$3
  jq -e --arg v "$verdict" '.interrupted == true and .verdict == $v' "$out/r.json" >/dev/null ||
    bad "$name: r.json is not an interrupted $verdict report: $(head -c 300 "$out/r.json")"
  for f in r.xml r.md r.html stdout; do
    grep -q "interrupted" "$out/$f" 2>/dev/null || bad "$name: $f does not say interrupted"
  done
}

# No process the fakes logged is alive.
expect_children_gone() {
  local name=$1 pid i alive
  for ((i = 0; i < 20; i++)); do
    alive=
    while read -r _ _ pid; do
      kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
    done <"$FAKE_LOG"
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  bad "$name: children still running:$alive"
  # shellcheck disable=SC2086 # a list of pids
  kill -9 $alive 2>/dev/null
}

for sig in INT TERM HUP; do
  run_stopped exec "$sig" "$tmp/$sig"
  [ "$rc" -eq 130 ] || bad "SIG$sig while probing: exit $rc, want 130; $(head -c 300 "$tmp/$sig/stderr")"
  expect_partial_report "SIG$sig while probing" "$tmp/$sig" inconclusive
  expect_children_gone "SIG$sig while probing"
done
ok "SIGINT, SIGTERM and SIGHUP while probing: exit 130, partial reports in every format"

run_stopped get TERM "$tmp/discovery"
[ "$rc" -eq 130 ] || bad "SIGTERM during discovery: exit $rc, want 130; $(head -c 300 "$tmp/discovery/stderr")"
expect_partial_report "SIGTERM during discovery" "$tmp/discovery" error
jq -e '.notes | any(startswith("interrupted during discovery"))' "$tmp/discovery/r.json" >/dev/null ||
  bad "SIGTERM during discovery: no note says so"
expect_children_gone "SIGTERM during discovery"
ok "SIGTERM during discovery: exit 130, an interrupted report with verdict error"

FAKE_IGNORE_TERM=1 run_stopped exec "INT TERM" "$tmp/second"
[ "$rc" -eq 130 ] || bad "a second signal: exit $rc, want 130"
[ "$seconds" -le 2 ] || bad "a second signal: exited after $seconds s, want at once"
expect_children_gone "a second signal (children ignoring SIGTERM)"
ok "a second signal kills the children's process groups and exits 130 at once"

finish check_signals
