#pragma once
// FakeProber: a Prober whose records are a function of (source, seq), with the times an open
// or closed loop at the spec's rate would give, so pipeline tests run without a network or a
// real clock. Thread-safe (Probe keeps no state between calls).

#include <cmath>
#include <functional>

#include "meshverify/prober.h"

namespace meshverify::testing {

class FakeProber : public Prober {
 public:
  // Fills a record's outcome (http_code, curl_exit, body, total_ms...) for `seq` of `source`;
  // `intended_ms` is the request's intended send time since the origin.
  using Answer = std::function<void(const ProbeSource& source, uint64_t seq, double intended_ms,
                                    ProbeRecord* r)>;
  explicit FakeProber(Answer answer, std::string mode = "direct")
      : answer_(std::move(answer)), mode_(std::move(mode)) {}

  std::string_view mode() const override { return mode_; }

  // Open loop: request i is due at i / rate. Closed loop: each of `concurrency` connections
  // sends back to back, 1 ms per request. Requests due at or after `duration` are not issued.
  ProbeOutcome Probe(const ProbeSource& source, const ProbeSpec& spec,
                     const std::atomic<bool>* cancel, const RecordSink& sink) override {
    ProbeOutcome o;
    o.source = source;
    for (uint64_t i = 0; i < spec.requests; ++i) {
      if (cancel != nullptr && *cancel) break;
      const double t = spec.rate > 0 ? 1000.0 * static_cast<double>(i) / spec.rate
                                     : std::floor(static_cast<double>(i) / spec.concurrency);
      if (spec.duration.count() > 0 && t >= static_cast<double>(spec.duration.count())) break;
      ProbeRecord r;
      r.source_cluster = source.cluster;
      r.source_pod = source.pod;
      r.seq = spec.first_seq + i;
      r.intended_ms = t;
      r.sent_ms = t;
      r.http_code = 200;
      r.total_ms = 1;
      r.connection = 1 + i % static_cast<uint64_t>(spec.concurrency);
      answer_(source, r.seq, t, &r);
      if (r.late) ++o.late;
      ++o.requests;
      sink(std::move(r));
    }
    o.not_issued = spec.requests - o.requests;
    return o;
  }

 private:
  Answer answer_;
  std::string mode_;
};

}  // namespace meshverify::testing
