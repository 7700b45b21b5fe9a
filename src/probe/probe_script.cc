// The in-pod script and the exec argv (probe.h).
#include <cassert>
#include <cstdio>

#include "meshverify/probe.h"

namespace meshverify::probe {

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string CurlConfigQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        out += c;
    }
  }
  out += "\"";
  return out;
}

namespace {

// "2" or "0.250": whole seconds without a fraction, for a sleep(1) that takes only integers.
std::string SecondsText(std::chrono::milliseconds d) {
  char text[32];
  if (d.count() % 1000 == 0) {
    std::snprintf(text, sizeof(text), "%lld", static_cast<long long>(d.count() / 1000));
  } else {
    std::snprintf(text, sizeof(text), "%.3f", static_cast<double>(d.count()) / 1000.0);
  }
  return text;
}

}  // namespace

std::string BuildProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                             int concurrency, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds flush_every, std::string_view marker) {
  assert(count > 0 && concurrency > 0);
  std::string s;
  s += "m=" + ShellQuote(marker) + "; u=" + ShellQuote(CurlConfigQuote(url));
  s += "; s=" + std::to_string(first_seq) + "; e=" + std::to_string(first_seq + count);
  s += "; c=" + std::to_string(concurrency) + "; t=" + SecondsText(timeout);
  s += "; w=" + SecondsText(flush_every) + "\n";
  // Curl j has ceil((e - s - j) / c) requests: n0 for the first ones, n0 - 1 for the rest; the
  // two configs are written once. Each curl writes to its own file (on a tmpfs when there is
  // one: a disk-backed /tmp costs more than the requests); a background flusher sends what the
  // files gained every $w seconds; once every curl has ended, the main shell stops it (USR1)
  // and sends the rest. The flusher and the main shell never write at the same time. curl -q
  // skips any ~/.curlrc in the pod: the requests are the ones meshverify describes.
  s += R"SH(d=
for b in /dev/shm "${TMPDIR:-/tmp}"; do d=$(mktemp -d "$b/meshverify.XXXXXX" 2>/dev/null) && break; done
[ -n "$d" ] || { echo "meshverify: no writable temp dir in the pod (/dev/shm, \$TMPDIR, /tmp)" >&2; exit 71; }
p=; f=
trap 'kill $p $f 2>/dev/null; rm -rf "$d"' EXIT
trap 'exit 143' HUP INT TERM PIPE
cd "$d" || exit 71
flush() {  # uses j o x z
  wc -c out* > sizes
  while read -r z x; do
    [ "$x" = total ] && continue
    j=${x#out}
    read -r o < "o$j"
    if [ "$z" -gt "$o" ]; then
      echo "$m D $j $((z - o))"
      if [ "$o" -eq 0 ]; then head -c "$z" "$x"; else tail -c +$((o + 1)) "$x" | head -c $((z - o)); fi
      echo "$z" > "o$j"
    fi
  done < sizes
}
n0=$(((e - s + c - 1) / c))
i=0; while [ "$i" -lt "$n0" ]; do printf 'url = %s\n' "$u"; i=$((i + 1)); done > cfg
[ "$n0" -gt 1 ] && head -n $((n0 - 1)) cfg > cfg1
echo "$m S $s $e"
j=0
while [ "$j" -lt "$c" ] && [ $((s + j)) -lt "$e" ]; do
  k=cfg; [ $(((e - s - j + c - 1) / c)) -lt "$n0" ] && k=cfg1
  : > "out$j"; echo 0 > "o$j"
  curl -q -sS --no-progress-meter --parallel --parallel-max 1 --max-time "$t" -K "$k" -w "$m W %{urlnum} %{http_code} %{exitcode} %{time_connect} %{time_total} %{num_connects} %{size_download}\n" > "out$j" &
  p="$p $!"
  echo "$m F $j $((s + j)) $c"
  j=$((j + 1))
done
(
  h=0; trap 'h=1' USR1
  while [ "$h" -eq 0 ]; do
    sleep "$w" & y=$!
    wait "$y"; kill "$y" 2>/dev/null
    [ "$h" -eq 0 ] && flush
  done
) &
f=$!
r=
for q in $p; do wait "$q"; r="$r $?"; done
p=
kill -USR1 "$f" 2>/dev/null; wait "$f"; f=
flush
j=0
for q in $r; do echo "$m C $j $q"; j=$((j + 1)); done
echo "$m E"
)SH";
  return s;
}

std::vector<std::string> ExecArgv(const ProbeSource& target, const std::string& script,
                                  const std::string& kubectl) {
  std::vector<std::string> argv = {kubectl, "exec", "-n", target.ns, "-c", target.container};
  if (!target.context.empty()) {
    argv.push_back("--context");
    argv.push_back(target.context);
  }
  if (!target.kubeconfig.empty()) {
    argv.push_back("--kubeconfig");
    argv.push_back(target.kubeconfig);
  }
  argv.push_back(target.pod);
  for (const char* word : {"--", "sh", "-c"}) argv.push_back(word);
  argv.push_back(script);
  return argv;
}

}  // namespace meshverify::probe
