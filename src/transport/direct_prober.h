#pragma once
// DirectProber: the Prober that sends requests from this process with libcurl's multi
// interface (direct mode: meshverify inside a pod of the mesh, as a Job, or against any URL).
//
// One multi handle per Probe call, `concurrency` easy handles made once and reused, and the
// multi's connection cache, so requests go back to back on kept-alive connections. Open loop
// follows a Pacer (one schedule per source; a wait of more than 1 ms for a free slot makes the
// request `late`); waits between sends use a timerfd, so the schedule holds below a
// millisecond. Every record carries intended_ms, sent_ms (from ProbeSpec::origin), `late`,
// the connection id (1, 2, ... in order of first use within the call) and the peer address.
// total_ms is libcurl's total time, i.e. from the actual send; latency from the intended send
// is (sent_ms - intended_ms) + total_ms.
// Thread-safe: Probe may run on several threads at once (each call has its own handles).
// A call with many connections runs several event loops (lanes, DirectLane): lane 0 on the
// calling thread, the others on threads of their own, whose records lane 0 passes on to the
// sink after each of its wake-ups, so records still reach the sink on the calling thread.
// On cancel, requests in flight are dropped without a record (counted not_issued); at the
// deadline they become lost records ("deadline").

#include "meshverify/clock.h"
#include "meshverify/prober.h"

namespace meshverify {

class DirectProber : public Prober {
 public:
  // `clock` must be a real clock (its Monotonic() is compared with real time). `lanes`: how
  // many event loops (threads) share one source's call, each with its share of the
  // connections and every lanes-th request of the one schedule; 0 = one per core, at least
  // 8 connections each, at most 4.
  explicit DirectProber(Clock& clock, int lanes = 0);

  std::string_view mode() const override { return "direct"; }
  ProbeOutcome Probe(const ProbeSource& source, const ProbeSpec& spec,
                     const std::atomic<bool>* cancel, const RecordSink& sink) override;

 private:
  int Lanes(const ProbeSpec& spec) const;

  Clock& clock_;
  int lanes_;
};

}  // namespace meshverify
