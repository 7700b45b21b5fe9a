#pragma once
// FakeProber: a Prober (prober.h) whose records are a function of (source, seq), with the times
// an open or closed loop at the spec's rate would give, so the pipelines' tests (check, load)
// run without a network, a pod or a real clock. It keeps the Prober contract (one record per
// started request, in seq order; never-started requests are not_issued) and lets a test script
// the transport's failures per source: stop after N records (a pod that died: the rest become
// lost records and the source gives up), reach the deadline, or set the cancel flag after N
// records (Ctrl-C). Thread-safe: calls are recorded under a lock, Probe keeps no other state.

#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "meshverify/prober.h"

namespace meshverify::testing {

class FakeProber : public Prober {
 public:
  // Fills a record's outcome (http_code, curl_exit, body, total_ms...) for `seq` of `source`;
  // the record comes as an HTTP 200 of 1 ms, and `intended_ms` is the request's intended send
  // time since the origin.
  using Answer = std::function<void(const ProbeSource& source, uint64_t seq, double intended_ms,
                                    ProbeRecord* r)>;

  // What goes wrong for one source, per call.
  struct Failure {
    int64_t records_before = -1;  // -1: nothing goes wrong; else after this many records ...
    enum class Kind { kGiveUp, kDeadline, kCancel } kind = Kind::kGiveUp;
    std::string error = "fake: transport failed";  // last_error and lost records' error
  };

  explicit FakeProber(Answer answer, std::string mode = "direct")
      : answer_(std::move(answer)), mode_(std::move(mode)) {}

  // From now on, calls for the source pod `pod` fail as `f` says. `cancel` is the flag a
  // kCancel failure sets (the pipeline's cancel flag).
  void FailSource(const std::string& pod, Failure f, std::atomic<bool>* cancel = nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back({pod, f, cancel});
  }
  // CheckSpec refuses every spec with Usage(`why`) ("" accepts again).
  void Refuse(std::string why) { refusal_ = std::move(why); }

  std::string_view mode() const override { return mode_; }

  Status CheckSpec(const ProbeSpec& spec) const override {
    (void)spec;
    return refusal_.empty() ? Status::Ok() : Status::Usage(refusal_);
  }

  // Open loop: request i is due at i / rate. Closed loop: each of `concurrency` connections
  // sends back to back, 1 ms per request. Requests due at or after `duration` are not issued.
  ProbeOutcome Probe(const ProbeSource& source, const ProbeSpec& spec,
                     const std::atomic<bool>* cancel, const RecordSink& sink) override {
    std::optional<Rule> rule;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back({source, spec});
      for (const Rule& r : failures_) {
        if (r.pod == source.pod) rule = r;
      }
    }
    ProbeOutcome out;
    out.source = source;
    out.attempts = 1;
    for (uint64_t i = 0; i < spec.requests; ++i) {
      if (cancel != nullptr && cancel->load()) {
        out.interrupted = true;
        break;
      }
      const uint64_t seq = spec.first_seq + i;
      if (rule && rule->failure.records_before >= 0 &&
          i == static_cast<uint64_t>(rule->failure.records_before)) {
        Fail(*rule, source, spec, seq, sink, &out);
        break;
      }
      const double t = spec.rate > 0 ? 1000.0 * static_cast<double>(i) / spec.rate
                                     : std::floor(static_cast<double>(i) / spec.concurrency);
      if (spec.duration.count() > 0 && t >= static_cast<double>(spec.duration.count())) break;
      ProbeRecord r;
      r.source_cluster = source.cluster;
      r.source_pod = source.pod;
      r.seq = seq;
      r.intended_ms = t;
      r.sent_ms = t;
      r.http_code = 200;
      r.total_ms = 1;
      r.connection = 1 + i % static_cast<uint64_t>(spec.concurrency);
      answer_(source, r.seq, t, &r);
      if (r.late) ++out.late;
      Emit(std::move(r), sink, &out);
    }
    out.not_issued = spec.requests - out.requests;
    return out;
  }

  struct Call {
    ProbeSource source;
    ProbeSpec spec;
  };
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  struct Rule {
    std::string pod;
    Failure failure;
    std::atomic<bool>* cancel = nullptr;
  };
  static void Emit(ProbeRecord&& r, const RecordSink& sink, ProbeOutcome* out) {
    ++out->requests;
    if (!r.error.empty()) ++out->lost;
    sink(std::move(r));
  }
  // The failure of `rule` at request `seq`: what is in flight and after it, as the outcome says.
  static void Fail(const Rule& rule, const ProbeSource& source, const ProbeSpec& spec,
                   uint64_t seq, const RecordSink& sink, ProbeOutcome* out) {
    const Failure& f = rule.failure;
    if (f.kind == Failure::Kind::kCancel) {
      if (rule.cancel != nullptr) *rule.cancel = true;
      out->interrupted = true;
      return;
    }
    out->last_error = f.error;
    out->failed_attempts = 1;
    if (f.kind == Failure::Kind::kDeadline) {
      out->deadline_reached = true;
      Emit(LostRecord(source, seq, "deadline reached"), sink, out);  // the one in flight
      return;
    }
    out->gave_up = true;
    const uint64_t end = spec.first_seq + spec.requests;
    for (uint64_t s = seq; s < end; ++s) Emit(LostRecord(source, s, f.error), sink, out);
  }

  Answer answer_;
  std::string mode_;
  std::string refusal_;
  mutable std::mutex mu_;
  std::vector<Rule> failures_;
  std::vector<Call> calls_;
};

}  // namespace meshverify::testing
