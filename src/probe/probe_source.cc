// Running the probe script in source pods, with retries and a deadline (probe.h).
#include <algorithm>
#include <random>
#include <thread>

#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

// A one-line reason for a failed exec; kubectl's own message first, not curl's per-request
// complaints (curl -sS writes those to the same stderr).
std::string DescribeFailure(const ExecTarget& t, const Result<CommandResult>& r,
                            const FrameParser& parser) {
  std::string where = "kubectl exec " + t.pod + " (" + t.cluster + ")";
  if (!r.ok()) return where + ": " + r.status().message();
  if (r->timed_out) return where + ": timed out";
  std::string_view err = r->stderr_text;
  std::string_view first, chosen;
  while (!err.empty()) {
    size_t nl = err.find('\n');
    std::string_view line = err.substr(0, nl);
    err = nl == std::string_view::npos ? std::string_view() : err.substr(nl + 1);
    if (line.empty()) continue;
    if (first.empty()) first = line;
    if (line.rfind("curl: (", 0) != 0) {
      chosen = line;
      break;
    }
  }
  if (chosen.empty()) chosen = first;
  std::string out = where + ": exit " + std::to_string(r->exit_code);
  if (!chosen.empty()) out += ": " + std::string(chosen.substr(0, 300));
  if (!parser.ok()) out += " (output: " + parser.error() + ")";
  return out;
}

}  // namespace

ProbeRecord LostRecord(const ExecTarget& source, uint64_t seq, std::string why) {
  ProbeRecord r;
  r.source_cluster = source.cluster;
  r.source_pod = source.pod;
  r.seq = seq;
  r.error = std::move(why);
  return r;
}

std::string RandomMarker() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device random;
  std::string marker = "meshverify-";
  for (int i = 0; i < 4; ++i) {
    uint32_t word = random();
    for (int j = 0; j < 8; ++j, word >>= 4) marker += kHex[word & 0xF];
  }
  return marker;
}

SourceOutcome ProbeSource(CommandRunner& runner, Clock& clock, const ExecTarget& target,
                          const ProbeOptions& options, const std::atomic<bool>* interrupted,
                          const std::function<void(ProbeRecord&&)>& sink) {
  SourceOutcome out;
  out.target = target;
  const auto deadline_at = clock.Monotonic() + options.deadline;
  const uint64_t n = options.first_seq + options.requests;
  uint64_t next = options.first_seq;  // [first_seq, next) have a record; later ones have none
  int failures = 0;   // consecutive failed execs
  auto emit = [&](ProbeRecord&& r) {
    ++out.requests;
    if (!r.error.empty()) ++out.lost;
    sink(std::move(r));
  };

  while (next < n) {
    if (interrupted != nullptr && interrupted->load()) {
      out.interrupted = true;
      break;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_at - clock.Monotonic());
    if (left.count() <= 0) {
      out.deadline_reached = true;
      break;
    }
    uint64_t count = n - next;
    if (options.exec_requests > 0) count = std::min(count, options.exec_requests);
    const uint64_t exec_end = next + count;
    const std::string marker = RandomMarker();
    std::string script =
        BuildProbeScript(options.url, next, count, std::max(1, options.concurrency),
                         options.timeout, options.flush_every, marker);
    FrameParser parser(marker, target, options.max_body_bytes, emit);
    parser.Expect(next, exec_end);
    ++out.execs;
    Result<CommandResult> r = runner.Stream(ExecArgv(target, script, options.kubectl), left,
                                            [&](std::string_view c) { parser.Feed(c); });
    next = std::max(next, parser.next_seq());  // next_seq() is 0 before the S line
    if (next >= exec_end) {  // every request of this exec has its record
      failures = 0;
      continue;
    }
    if (interrupted != nullptr && interrupted->load()) {
      // Stopped by the user: finished requests count, what was in flight has no outcome.
      parser.Stop("");
      out.interrupted = true;
      break;
    }
    if (r.ok() && r->timed_out) {
      // The deadline: requests in flight are lost (the mesh was too slow to answer them).
      out.deadline_reached = true;
      out.last_error = DescribeFailure(target, r, parser);
      parser.Stop("deadline reached");
      break;
    }
    // A failed exec: the requests from `next` on are sent again; results the parser held back
    // behind a missing one are dropped with it, so none is counted twice.
    ++out.failed_execs;
    ++failures;
    out.last_error = DescribeFailure(target, r, parser);
    if (failures >= options.max_exec_failures) {
      out.gave_up = true;
      for (uint64_t seq = next; seq < n; ++seq) emit(LostRecord(target, seq, out.last_error));
      break;
    }
    clock.SleepFor(options.retry_backoff * failures);
  }
  out.not_issued = options.requests - std::min(options.requests, out.requests);
  return out;
}

std::vector<SourceOutcome> ProbeAll(CommandRunner& runner, Clock& clock,
                                    const std::vector<ExecTarget>& targets,
                                    const ProbeOptions& options,
                                    const std::atomic<bool>* interrupted,
                                    const std::vector<std::function<void(ProbeRecord&&)>>& sinks) {
  std::vector<SourceOutcome> outcomes(targets.size());
  std::vector<std::thread> threads;
  threads.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    threads.emplace_back([&, i] {
      outcomes[i] = ProbeSource(runner, clock, targets[i], options, interrupted, sinks[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  return outcomes;
}

}  // namespace meshverify::probe
