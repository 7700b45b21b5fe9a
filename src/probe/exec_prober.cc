// ExecProber: the probe script run in source pods, with retries and a deadline (probe.h).
#include <algorithm>
#include <cmath>
#include <random>

#include "meshverify/probe.h"
#include "probe/exec_slot.h"

namespace meshverify::probe {
namespace {

// A one-line reason for a failed exec; kubectl's own message first, not curl's per-request
// complaints (curl -sS writes those to the same stderr).
std::string DescribeFailure(const ProbeSource& s, const Result<CommandResult>& r,
                            const FrameParser& parser) {
  std::string where = "kubectl exec " + s.pod + " (" + s.cluster + ")";
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

// The in-pod script outlives its exec by at most this much past the deadline (probe.sh limit_s).
constexpr std::chrono::milliseconds kPodLimitSlack{2000};

constexpr char kHex[] = "0123456789abcdef";

void AppendHex(uint64_t word, int digits, std::string* out) {
  for (int j = 0; j < digits; ++j, word >>= 4) *out += kHex[word & 0xF];
}

// SplitMix64 (Steele, Lea & Flood 2014): a well-mixed 64-bit function of its input.
uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// FNV-1a, to fold a source's name into the seed.
uint64_t Fnv1a(std::string_view s, uint64_t h = 0xCBF29CE484222325ULL) {
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

}  // namespace

std::string RandomMarker() {
  std::random_device random;
  std::string marker = "meshverify-";
  for (int i = 0; i < 4; ++i) AppendHex(random(), 8, &marker);
  return marker;
}

MarkerSource RandomMarkers() {
  return [](const ProbeSource&, uint64_t) { return RandomMarker(); };
}

MarkerSource SeededMarkers(uint64_t seed) {
  return [seed](const ProbeSource& source, uint64_t first_seq) {
    const uint64_t who = Fnv1a(source.pod, Fnv1a(source.cluster + "/"));
    const uint64_t a = SplitMix64(seed ^ SplitMix64(who ^ SplitMix64(first_seq)));
    std::string marker = "meshverify-";
    AppendHex(a, 16, &marker);
    AppendHex(SplitMix64(a), 16, &marker);
    return marker;
  };
}

ExecProber::ExecProber(CommandRunner& runner, Clock& clock, ExecOptions options)
    : runner_(runner), clock_(clock), options_(std::move(options)) {
  if (!options_.markers) options_.markers = RandomMarkers();
}

Status ExecProber::CheckSpec(const ProbeSpec& spec) const {
  if (spec.rate != 0 && (spec.rate > 1e6 || spec.rate < 1.0 / 3600)) {
    return Status::Usage("exec mode paces from 1 request per hour to 1e6/s per source, not " +
                         std::to_string(spec.rate) + "/s");
  }
  return Status::Ok();
}

namespace {

// Requests for the next exec of a closed loop with a duration: about one second at the rate
// the last exec reached, no more than the time left allows.
uint64_t NextBatch(uint64_t done, std::chrono::duration<double> took,
                   std::chrono::duration<double> left, int concurrency) {
  const double rate = took.count() > 0 ? static_cast<double>(done) / took.count() : 0;
  const double want = rate * std::min(1.0, std::max(0.0, left.count()));
  return std::max<uint64_t>(static_cast<uint64_t>(concurrency), static_cast<uint64_t>(want));
}

// Stamps each result of one curl's D piece (in its order) with an estimate of its send, from
// `in` (when the piece came in, from the origin): the last one's answer ended before `in`, and
// one curl sends one request at a time, each at least `interval_ms` after the one before, so
// each send is at most the next one's less max(its time_total, interval_ms). Upper bounds:
// late by the time from the last answer to the piece's arrival, never early.
void StampSends(const std::vector<ProbeRecord*>& piece, std::chrono::duration<double> in,
                double interval_ms) {
  double bound = std::chrono::duration<double, std::milli>(in).count();
  for (auto it = piece.rbegin(); it != piece.rend(); ++it) {
    ProbeRecord& r = **it;
    const double took = std::max(0.0, r.total_ms);
    const double sent = it == piece.rbegin() ? bound - took : bound - std::max(took, interval_ms);
    r.sent_ms = std::max(0.0, sent);
    bound = sent;
  }
}

}  // namespace

ProbeOutcome ExecProber::Probe(const ProbeSource& source, const ProbeSpec& spec,
                               const std::atomic<bool>* cancel, const RecordSink& sink) {
  ProbeOutcome out;
  out.source = source;
  if (Status s = CheckSpec(spec); !s.ok()) {
    out.gave_up = true;
    out.last_error = s.message();
    out.not_issued = spec.requests;
    return out;
  }
  const auto start = clock_.Monotonic();
  const auto deadline_at = start + spec.deadline;
  const auto origin = spec.origin == std::chrono::steady_clock::time_point{} ? start : spec.origin;
  const bool timed = spec.duration.count() > 0;
  const auto stop_at = origin + spec.duration;  // with `timed`: no exec starts later
  const int concurrency = std::max(1, spec.concurrency);
  uint64_t batch = options_.exec_requests;  // 0 = all
  // Open loop: the least time between two sends of one curl (curl --rate's whole ms).
  const double interval_ms =
      spec.rate > 0 ? std::floor(3600000.0 / PerHour(spec.rate, concurrency)) : 0.0;
  if (timed && spec.rate <= 0) batch = 10 * static_cast<uint64_t>(concurrency);
  const uint64_t n = spec.first_seq + spec.requests;
  uint64_t next = spec.first_seq;  // [first_seq, next) have a record; later ones have none
  int failures = 0;                // consecutive failed execs
  uint64_t connection_base = 0;    // connection ids of earlier execs: ids stay unique per source
  auto emit = [&](ProbeRecord&& r) {
    if (r.connection > 0) r.connection += connection_base;
    ++out.requests;
    if (!r.error.empty()) ++out.lost;
    sink(std::move(r));
  };
  auto cancelled = [&] { return cancel != nullptr && cancel->load(); };

  while (next < n) {
    if (cancelled()) {
      out.interrupted = true;
      break;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_at - clock_.Monotonic());
    if (left.count() <= 0) {
      out.deadline_reached = true;
      break;
    }
    const auto exec_start = clock_.Monotonic();
    if (timed && exec_start >= stop_at) break;  // the rest are not issued
    uint64_t count = n - next;
    if (batch > 0) count = std::min(count, batch);
    if (options_.exec_requests > 0) count = std::min(count, options_.exec_requests);
    const uint64_t exec_end = next + count;
    const std::string marker = options_.markers(source, next);
    const std::chrono::milliseconds limit = left + kPodLimitSlack;
    std::string script =
        spec.rate > 0 ? BuildPacedProbeScript(spec.url, next, count, concurrency, spec.timeout,
                                              options_.flush_every, marker, spec.rate, limit)
                      : BuildProbeScript(spec.url, next, count, concurrency, spec.timeout,
                                         options_.flush_every, marker, limit);
    FrameParser parser(marker, source, spec.max_body_bytes, emit);
    parser.Expect(next, exec_end);
    if (options_.stamp_sent) {
      parser.OnPiece([&](const std::vector<ProbeRecord*>& piece) {
        StampSends(piece, clock_.Monotonic() - origin, interval_ms);
      });
    }
    Slot slot(*this, cancel);  // at most max_parallel execs at once
    if (!slot.ok()) continue;  // cancelled while waiting: the loop's top says so
    ++out.attempts;
    Result<CommandResult> r = runner_.Stream(ExecArgv(source, script, options_.kubectl), left,
                                             [&](std::string_view c) { parser.Feed(c); });
    connection_base += parser.connections();
    next = std::max(next, parser.next_seq());  // next_seq() is 0 before the S line
    if (next >= exec_end) {                    // every request of this exec has its record
      failures = 0;
      if (timed && spec.rate <= 0) {
        const auto now = clock_.Monotonic();
        batch = NextBatch(count, now - exec_start, stop_at - now, concurrency);
      }
      continue;
    }
    if (cancelled()) {
      // Stopped by the user: finished requests count, what was in flight has no outcome.
      parser.Stop("");
      out.interrupted = true;
      break;
    }
    if (r.ok() && r->timed_out) {
      // The deadline: requests in flight are lost (the mesh was too slow to answer them).
      out.deadline_reached = true;
      out.last_error = DescribeFailure(source, r, parser);
      parser.Stop("deadline reached");
      break;
    }
    // A failed exec: the requests from `next` on are sent again; results the parser held back
    // behind a missing one are dropped with it, so none is counted twice.
    ++out.failed_attempts;
    ++failures;
    out.last_error = DescribeFailure(source, r, parser);
    if (parser.out_of_order() > 0) {
      // Records past the missing one went out already (the reorder buffer was full): sending
      // from `next` again would count them twice, so the rest of this exec's block is lost.
      parser.StopAll(out.last_error);
      next = exec_end;
    }
    if (failures >= options_.max_exec_failures) {
      out.gave_up = true;
      for (uint64_t seq = next; seq < n; ++seq) emit(LostRecord(source, seq, out.last_error));
      break;
    }
    clock_.SleepFor(options_.retry_backoff * failures);
  }
  out.not_issued = spec.requests - std::min(spec.requests, out.requests);
  return out;
}

}  // namespace meshverify::probe
