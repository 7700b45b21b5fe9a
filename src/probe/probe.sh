# shellcheck shell=sh disable=SC2154 # the parameters below are assigned before this file
# The in-pod probe of exec mode (include/meshverify/probe.h). `kubectl exec POD -- sh -c` runs
# it with these parameters assigned first, by BuildProbeScript:
#   marker       a fresh word per exec; every framing line starts with it
#   url_config   the target URL as a curl config-file string ("...")
#   first_seq    the first request of this exec; end_seq is one past the last
#   concurrency  curls side by side: curl j sends first_seq+j, first_seq+j+concurrency, ...
#   timeout_s    per request (curl --max-time), in seconds
#   flush_s      how often the output so far is sent back, in seconds
#   limit_s      wall-clock limit in whole seconds (0: none); past it the probe stops itself
# and, for open loop only (BuildPacedProbeScript; unset = closed loop):
#   rate_per_hour  each curl starts its transfers at this rate (curl --rate N/h: the next one
#                  starts one interval after the previous one started, or at once when that one
#                  took longer; a late transfer is never made up in a burst)
#   stagger_s      the pause between starting one curl and the next (1/rate of the source)
#
# Output, read by FrameParser (one framing line each; a D line is followed by raw bytes):
#   <marker> S <first_seq> <end_seq>
#   <marker> F <curl> <its first request> <stride = concurrency>     once per curl
#   <marker> D <curl> <n>, then the next n bytes of that curl's file  every flush_s, and at the end
#   <marker> H                                  every flush_s (a write that fails stops the probe)
#   <marker> C <curl> <the curl's exit status>                        once per curl, at the end
#   <marker> E
# Each curl writes into its own file, per request, the body as received and then
#   <marker> W <urlnum> <http_code> <exitcode> <time_connect> <time_total> <num_connects> <size> <local_port>
# One writer per file and one transfer at a time make that stream unambiguous: a body is the
# bytes between two W lines, and its length must equal the W line's size.
#
# Works with dash and busybox ash (Istio's curl image); needs mktemp, wc, head, tail, sleep, rm,
# date and curl >= 7.75. Exits 71 with one line on stderr when no temp dir is writable. Removes
# its temp dir and stops its curls on exit and on SIGHUP, SIGINT, SIGTERM and SIGPIPE.
#
# Killing kubectl does not reach this script (kubernetes/kubernetes#89031), so it stops itself:
# when its stdout goes away (a write fails, or SIGPIPE: exit 74 or 143; the flusher writes a
# heartbeat every flush_s, so it notices even while the curls hang) and when limit_s passes
# (exit 143, one line on stderr). When this shell dies and the flusher survives it, the flusher
# sends what is left once the curls are done and exits, so the exec ends with every result.

# A tmpfs when there is one: a disk-backed /tmp costs more than the requests.
work_dir=
for base in /dev/shm "${TMPDIR:-/tmp}"; do
  work_dir=$(mktemp -d "$base/meshverify.XXXXXX" 2>/dev/null) && break
done
if [ -z "$work_dir" ]; then
  echo "meshverify: no writable temp dir in the pod (/dev/shm, \$TMPDIR, /tmp)" >&2
  exit 71
fi
main_pid=$$
in_flusher=0
started_s=$(date +%s 2>/dev/null) || started_s=0
curl_pids=
flusher_pid=
trap 'kill $curl_pids $flusher_pid 2>/dev/null; rm -rf "$work_dir"' EXIT
trap 'exit 143' HUP INT TERM PIPE
cd "$work_dir" || exit 71

# A write to stdout failed: nobody reads the results any more. The flusher takes the main shell
# down with it, whose exit trap stops the curls.
stdout_gone() {
  [ "$in_flusher" -eq 1 ] && kill -TERM "$main_pid" 2>/dev/null
  exit 74
}

# True when the wall-clock limit has passed.
past_limit() {
  [ "$limit_s" -gt 0 ] || return 1
  now_s=$(date +%s 2>/dev/null) || return 1
  [ $((now_s - started_s)) -gt "$limit_s" ]
}

# True while some curl still runs.
curls_running() {
  for pid in $curl_pids; do
    kill -0 "$pid" 2>/dev/null && return 0
  done
  return 1
}

# Sends what each curl's file gained since the last call: "<marker> D <curl> <n>" and the bytes.
# The flusher and the main shell never call it at the same time.
send_new_output() {
  wc -c out* >sizes
  while read -r size file; do
    [ "$file" = total ] && continue
    curl_index=${file#out}
    read -r sent <"sent$curl_index"
    if [ "$size" -gt "$sent" ]; then
      echo "$marker D $curl_index $((size - sent))" || stdout_gone
      if [ "$sent" -eq 0 ]; then
        head -c "$size" "$file" || stdout_gone
      else
        tail -c +$((sent + 1)) "$file" | head -c $((size - sent)) || stdout_gone
      fi
      echo "$size" >"sent$curl_index"
    fi
  done <sizes
}

# Curl j has ceil((end_seq - first_seq - j) / concurrency) requests: the first curls have
# most_requests, the others one fewer. Both configs are written once.
most_requests=$(((end_seq - first_seq + concurrency - 1) / concurrency))
line=0
while [ "$line" -lt "$most_requests" ]; do
  printf 'url = %s\n' "$url_config"
  line=$((line + 1))
done >config_most
[ "$most_requests" -gt 1 ] && head -n $((most_requests - 1)) config_most >config_fewer

# Closed loop: each curl sends back to back. Open loop: each curl paces itself (--rate has no
# effect with --parallel, and one transfer at a time is what --parallel-max 1 gave).
pacing="--parallel --parallel-max 1"
[ "${rate_per_hour:-0}" -gt 0 ] && pacing="--rate ${rate_per_hour}/h"

echo "$marker S $first_seq $end_seq" || stdout_gone
curl_index=0
while [ "$curl_index" -lt "$concurrency" ] && [ $((first_seq + curl_index)) -lt "$end_seq" ]; do
  config=config_most
  if [ $(((end_seq - first_seq - curl_index + concurrency - 1) / concurrency)) -lt "$most_requests" ]; then
    config=config_fewer
  fi
  : >"out$curl_index"
  echo 0 >"sent$curl_index"
  # -q: no ~/.curlrc in the pod, so the requests are the ones meshverify describes.
  # shellcheck disable=SC2086 # $pacing is two or three words
  curl -q -sS --no-progress-meter $pacing --max-time "$timeout_s" \
    -K "$config" \
    -w "$marker W %{urlnum} %{http_code} %{exitcode} %{time_connect} %{time_total} %{num_connects} %{size_download} %{local_port}\n" \
    >"out$curl_index" &
  curl_pids="$curl_pids $!"
  echo "$marker F $curl_index $((first_seq + curl_index)) $concurrency" || stdout_gone
  curl_index=$((curl_index + 1))
  [ -n "${stagger_s:-}" ] && [ "$curl_index" -lt "$concurrency" ] && sleep "$stagger_s"
done

# The flusher: sends what the curls wrote every flush_s seconds, until told to stop (USR1).
# It also keeps the wall-clock limit, and ends the exec when the main shell died before it.
(
  in_flusher=1
  stop=0
  trap 'stop=1' USR1
  trap 'stdout_gone' PIPE
  while [ "$stop" -eq 0 ]; do
    sleep "$flush_s" &
    sleeper=$!
    wait "$sleeper"
    kill "$sleeper" 2>/dev/null
    [ "$stop" -eq 0 ] || break
    send_new_output
    echo "$marker H" || stdout_gone
    if past_limit; then
      echo "meshverify: the probe's wall-clock limit (${limit_s}s) passed; stopping" >&2
      kill -TERM "$main_pid" 2>/dev/null
      exit 143
    fi
    if ! kill -0 "$main_pid" 2>/dev/null && ! curls_running; then
      send_new_output
      exit 0
    fi
  done
) &
flusher_pid=$!

exit_statuses=
for pid in $curl_pids; do
  wait "$pid"
  exit_statuses="$exit_statuses $?"
done
curl_pids=
kill -USR1 "$flusher_pid" 2>/dev/null
wait "$flusher_pid"
flusher_pid=
send_new_output

curl_index=0
for status in $exit_statuses; do
  echo "$marker C $curl_index $status" || stdout_gone
  curl_index=$((curl_index + 1))
done
echo "$marker E" || stdout_gone
