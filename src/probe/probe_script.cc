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

std::string BuildProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                             uint64_t chunk, int concurrency, std::chrono::milliseconds timeout,
                             std::string_view marker) {
  assert(count > 0 && chunk > 0 && concurrency > 0);
  char max_time[32];
  std::snprintf(max_time, sizeof(max_time), "%.3f", static_cast<double>(timeout.count()) / 1000.0);
  // curl caps --parallel-max at 300.
  int parallel = concurrency > 300 ? 300 : concurrency;
  std::string s;
  s += "m=" + ShellQuote(marker) + "; u=" + ShellQuote(CurlConfigQuote(url));
  s += "; s=" + std::to_string(first_seq) + "; e=" + std::to_string(first_seq + count);
  s += "; k=" + std::to_string(chunk) + "; c=" + std::to_string(parallel);
  s += "; t=" + std::string(max_time) + "\n";
  // Bodies go to one file per request, so that any bytes in them (newlines, our marker) cannot
  // break the framing: the results come from -w, the bodies by length (wc -c) after curl ends.
  // File names are zero-padded seqs, so the shell's sorted glob lists them in seq order.
  // One file per request: on a tmpfs (/dev/shm) when there is one, as creating hundreds of
  // files per second on a disk-backed /tmp costs more than the requests (7x in the lab).
  s += R"SH(d=
for b in /dev/shm "${TMPDIR:-/tmp}"; do d=$(mktemp -d "$b/meshverify.XXXXXX" 2>/dev/null) && break; done
[ -n "$d" ] || exit 71
trap 'rm -rf "$d"' EXIT
trap 'exit 143' HUP INT TERM PIPE
cd "$d" || exit 71
while [ "$s" -lt "$e" ]; do
  b=$((s + k)); if [ "$b" -gt "$e" ]; then b=$e; fi
  echo "$m S $s $b"
  i=$s
  while [ "$i" -lt "$b" ]; do
    printf 'url = %s\noutput = "%010d"\n' "$u" "$i"
    i=$((i + 1))
  done > cfg
  curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max "$c" --max-time "$t" -K cfg -w "$m W %{filename_effective} %{http_code} %{exitcode} %{time_connect} %{time_total} %{num_connects} %{size_download}\n"
  echo "$m C $?"
  set -- [0-9]*
  if [ -e "$1" ]; then wc -c -- "$@"; echo "$m B"; cat -- "$@"; rm -f -- "$@"; else echo "$m B"; fi
  echo "$m E"
  s=$b
done
)SH";
  return s;
}

std::vector<std::string> ExecArgv(const ExecTarget& target, const std::string& script,
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
