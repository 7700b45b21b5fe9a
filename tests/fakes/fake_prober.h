#pragma once
// FakeProber: a Prober (prober.h) whose requests are answered by a function of the source and
// the seq, in this process and at once, for the pipelines' tests. It keeps the Prober contract
// (one record per started request, in seq order; never-started requests are not_issued) and
// lets a test script the transport's failures per source: stop after N records (a pod that
// died: the rest become lost records and the source gives up), reach the deadline, or set the
// cancel flag after N records (Ctrl-C). Thread-safe: every call is recorded under a lock.

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "meshverify/prober.h"

namespace meshverify::testing {

class FakeProber : public Prober {
 public:
  // What a source's request `seq` gets back.
  using Answer = std::function<ProbeRecord(const ProbeSource& source, uint64_t seq)>;

  // What goes wrong for one source, per call.
  struct Failure {
    int64_t records_before = -1;  // -1: nothing goes wrong; else after this many records ...
    enum class Kind { kGiveUp, kDeadline, kCancel } kind = Kind::kGiveUp;
    std::string error = "fake: transport failed";  // last_error and lost records' error
  };

  explicit FakeProber(Answer answer, std::string mode = "fake")
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
    const uint64_t end = spec.first_seq + spec.requests;
    for (uint64_t seq = spec.first_seq; seq < end; ++seq) {
      if (cancel != nullptr && cancel->load()) {
        out.interrupted = true;
        break;
      }
      const uint64_t done = seq - spec.first_seq;
      if (rule && rule->failure.records_before >= 0 &&
          done == static_cast<uint64_t>(rule->failure.records_before)) {
        const Failure& f = rule->failure;
        if (f.kind == Failure::Kind::kCancel) {
          if (rule->cancel != nullptr) *rule->cancel = true;
          out.interrupted = true;
          break;
        }
        out.last_error = f.error;
        out.failed_attempts = 1;
        if (f.kind == Failure::Kind::kDeadline) {
          out.deadline_reached = true;
          Emit(LostRecord(source, seq, "deadline reached"), sink, &out);  // the one in flight
          break;
        }
        out.gave_up = true;
        for (uint64_t s = seq; s < end; ++s) Emit(LostRecord(source, s, f.error), sink, &out);
        break;
      }
      ProbeRecord r = answer_(source, seq);
      r.source_cluster = source.cluster;
      r.source_pod = source.pod;
      r.seq = seq;
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

  // An HTTP 200 record with `body`, as curl would give it.
  static ProbeRecord Ok(std::string body) {
    ProbeRecord r;
    r.http_code = 200;
    r.connect_ms = 0.2;
    r.total_ms = 3.0;
    r.new_connection = false;
    r.body = std::move(body);
    return r;
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

  Answer answer_;
  std::string mode_;
  std::string refusal_;
  mutable std::mutex mu_;
  std::vector<Rule> failures_;
  std::vector<Call> calls_;
};

}  // namespace meshverify::testing
