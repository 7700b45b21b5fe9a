#!/usr/bin/env bash
# Throughput of `meshverify analyze` against `grep -c 'version: v1'` on the same file, in the
# same run, and resident memory of `meshverify analyze -` on a very large piped input (issue 2:
# >= 0.5x grep's throughput, < 64 MB resident for 100M lines).
#
# usage: bench/analyze_vs_grep.sh [LINES] [REPEATS] [RSS_LINES]
#   LINES      lines in the generated file (default 20000000, ~1.2 GB in $TMPDIR)
#   REPEATS    timed runs of each command; medians are reported (default 5)
#   RSS_LINES  lines piped from a generator for the memory run (default 100000000; 0 skips it;
#              nothing is written to disk)
# The binary is $MESHVERIFY_BINARY, else build/meshverify. Until `analyze` is implemented, the
# same measurements fall back to `ingest_bench --stdin` ($INGEST_BENCH, else
# build/bench/ingest_bench), which drives the same Ingestor, and the output says so.
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-20000000}
repeats=${2:-5}
rss_lines=${3:-100000000}
bin=${MESHVERIFY_BINARY:-build/meshverify}
ingest_bench=${INGEST_BENCH:-build/bench/ingest_bench}

work=$(mktemp -d "${TMPDIR:-/tmp}/analyze_vs_grep.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A block of realistic answers (v1/v2, 4 pods, shuffled), repeated by `yes`: fast and bounded.
block() {
  awk 'BEGIN {
    srand(42)
    split("helloworld-v1-86f77cd7bd-cpxhv helloworld-v2-79d5467d55-4xq2m " \
          "helloworld-v1-86f77cd7bd-n7k2p helloworld-v2-79d5467d55-zt9wq", pods, " ")
    for (i = 0; i < 997; i++) {
      p = pods[int(rand() * 4) + 1]
      v = substr(p, 12, 2)
      printf "%sHello version: %s, instance: %s", (i ? "\n" : ""), v, p
    }
  }'
}
generate() {  # generate N: N lines on stdout
  { yes "$(block)" || true; } | head -n "$1"
}

# Which command analyzes stdin/files?
analyze=("$bin" analyze)
label="meshverify analyze"
if ! [ -x "$bin" ] || printf 'Hello version: v1, instance: a\n' | "$bin" analyze - -o json 2>&1 \
    | grep -q 'not implemented'; then
  if ! [ -x "$ingest_bench" ]; then
    echo "analyze_vs_grep: neither a working '$bin analyze' nor $ingest_bench" >&2
    exit 77
  fi
  echo "analyze_vs_grep: '$bin analyze' is not available; measuring '$ingest_bench --stdin'" \
       "(the same Ingestor, without statistics and report)" >&2
  analyze=("$ingest_bench" --stdin)
  label="ingest_bench --stdin"
fi

# Prints "WALL CPU": the median wall-clock and CPU (user + sys) seconds of `"$@"` over $repeats
# runs. CPU time is the fairer figure on a shared, loaded machine; both come from one run.
median_seconds() {
  local walls=() cpus=() t
  for ((i = 0; i < repeats; i++)); do
    local rc=0
    # stdin is the file too, for `ingest_bench --stdin`; the others read their argument. Output
    # goes to a file: GNU grep stops at the first match when stdout is /dev/null.
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" <"$file" >"$work/out" || rc=$?
    # 1 and 4 are analyze's fail and inconclusive verdicts: the run itself worked.
    case $rc in 0 | 1 | 4) ;; *) echo "analyze_vs_grep: '$*' exited $rc" >&2; exit 1 ;; esac
    read -r -a t <"$work/time"
    walls+=("${t[0]}")
    cpus+=("$(awk -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { print u + s }')")
  done
  echo "$(median "${walls[@]}") $(median "${cpus[@]}")"
}
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {
    printf "%.3f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

file=$work/capture.txt
generate "$lines" >"$file"
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null  # warm the page cache for both tools
echo "file: $lines lines, $((bytes / 1000000)) MB; $repeats runs each; medians"
count=$(grep -c 'version: v1' "$file")
read -r g_wall g_cpu < <(median_seconds grep -c 'version: v1' "$file")
if [ "${analyze[1]}" = --stdin ]; then
  read -r a_wall a_cpu < <(median_seconds "${analyze[@]}")
else
  read -r a_wall a_cpu < <(median_seconds "${analyze[@]}" "$file" -o json)
fi
awk -v gw="$g_wall" -v gc="$g_cpu" -v aw="$a_wall" -v ac="$a_cpu" -v n="$lines" -v c="$count" \
    -v label="$label" 'BEGIN {
  printf "%-24s wall %7.3f s (%6.1f M lines/s)  cpu %7.3f s (%6.1f M lines/s)  %d matches\n",
         "grep -c \"version: v1\"", gw, n / gw / 1e6, gc, n / (gc > 0 ? gc : 1e-3) / 1e6, c
  printf "%-24s wall %7.3f s (%6.1f M lines/s)  cpu %7.3f s (%6.1f M lines/s)\n",
         label, aw, n / aw / 1e6, ac, n / (ac > 0 ? ac : 1e-3) / 1e6
  printf "analyze/grep throughput: %.2f by wall clock, %.2f by CPU time (goal >= 0.5)\n",
         gw / aw, (gc > 0 ? gc : 1e-3) / (ac > 0 ? ac : 1e-3)
}'

if [ "$rss_lines" -gt 0 ]; then
  if [ "${analyze[1]}" = --stdin ]; then cmd=("${analyze[@]}"); else cmd=("${analyze[@]}" - -o json); fi
  out=$( { generate "$rss_lines" | /usr/bin/time -v "${cmd[@]}" >/dev/null; } 2>&1 ) || true
  kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' <<<"$out")
  secs=$(sed -n 's/.*Elapsed (wall clock) time.*: *//p' <<<"$out")
  if [ -z "$kb" ]; then echo "analyze_vs_grep: no RSS measured: $out" >&2; exit 1; fi
  echo "$label on $rss_lines piped lines: max RSS $((kb / 1024)) MB (goal < 64 MB), wall $secs"
fi
