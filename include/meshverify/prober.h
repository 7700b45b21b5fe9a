#pragma once
// Prober: the seam between a pipeline (check, load, jobs) and the transport that sends its
// requests. "Send these requests from this source, with this concurrency (and, in open loop,
// at this rate), stream one record per request to this sink, stop on cancel."
//
// Implementations:
// - ExecProber (src/probe/): `kubectl exec` into the source pod, curl inside it, one exec per
//   batch (include/meshverify/probe.h);
// - DirectProber (src/transport/): libcurl's multi interface in this process, for Jobs inside
//   the mesh and any URL;
// - FakeProber (tests/fakes/): records from a function of the seq, for the pipelines' tests.
//
// Contract shared by every implementation: each request of [first_seq, first_seq + requests)
// that was started ends as exactly one ProbeRecord handed to the sink (a result, or a lost
// record with `error` set and http_code 0), so `requests == ok + sum(errors)` holds
// downstream. Requests never started (cancel, deadline, duration) get no record and are counted
// in ProbeOutcome::not_issued. Probe never fails: what went wrong is in the outcome.
// Implementations must allow Probe to be called from several threads at once, one source each.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

// Where requests come from: a pod of the mesh (exec mode), or this process (direct mode,
// `pod` "direct" unless the pipeline names it).
struct ProbeSource {
  std::string cluster;  // mesh cluster of the source (copied into records); "" when unknown
  std::string pod;      // the source pod's name, or "direct"
  // How to reach the pod; used by ExecProber only.
  std::string context;     // kubeconfig context; "" = kubectl's current one
  std::string kubeconfig;  // "" = kubectl's default
  std::string ns;
  std::string container;  // the container with sh and curl ("sleep")

  friend bool operator==(const ProbeSource&, const ProbeSource&) = default;
};

// What to send from one source in one call.
struct ProbeSpec {
  std::string url;
  uint64_t first_seq = 0;  // requests [first_seq, first_seq + requests)
  uint64_t requests = 0;   // REQUIRES: > 0
  // In flight at most. Closed loop (rate == 0): `concurrency` senders, each sending its
  // requests back to back on one keep-alive connection.
  int concurrency = 4;
  // Open loop when > 0: request first_seq + i is due at origin + i / rate seconds (one
  // schedule for the source, not per connection), in flight capped at `concurrency`.
  double rate = 0;
  // The schedule's origin and the zero of ProbeRecord::sent_ms / intended_ms; a time of the
  // Clock the prober was built with (Clock::Monotonic). Default: the start of the call.
  std::chrono::steady_clock::time_point origin{};
  // When > 0, no request is started later than origin + duration (load's --duration).
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds timeout{5000};     // per request
  std::chrono::milliseconds deadline{300000};  // whole call, from its start
  size_t max_body_bytes = 64 * 1024;           // longer bodies are cut
};

// Receives one source's records, on the thread that called Probe.
using RecordSink = std::function<void(ProbeRecord&&)>;

// What happened to one source in one call.
struct ProbeOutcome {
  ProbeSource source;
  uint64_t requests = 0;    // records handed to the sink
  uint64_t lost = 0;        // of which lost records (transport failures, deadline)
  uint64_t not_issued = 0;  // requests never started (cancel, deadline, duration)
  uint64_t late = 0;        // open loop: requests sent after they were due (see the prober)
  int attempts = 0;         // transport attempts (ExecProber: kubectl exec calls)
  int failed_attempts = 0;  // of which failed and were retried or given up
  bool gave_up = false;     // stopped after too many failed attempts
  bool deadline_reached = false;
  bool interrupted = false;  // stopped by the cancel flag
  std::string last_error;    // one line, "" if none

  // Adds `later`, the outcome of the same source's next call: counts add up, flags stick,
  // the last error stays.
  void Add(const ProbeOutcome& later);
};

class Prober {
 public:
  virtual ~Prober() = default;

  // "exec" or "direct": the report's `mode`.
  virtual std::string_view mode() const = 0;

  // Ok when this prober can send `spec` (for example, one without open-loop pacing cannot take
  // rate > 0); else Usage with one line saying what it cannot do. Pipelines call it once before
  // probing, so that a spec no source can run is a usage error, not a run of lost requests.
  virtual Status CheckSpec(const ProbeSpec& spec) const {
    (void)spec;
    return Status::Ok();
  }

  // Sends spec.requests requests from `source` and hands each one's record to `sink` as it
  // completes (mostly in seq order). Returns when every started request has its record, or
  // soon after `*cancel` becomes true (requests in flight then either finish or get no
  // record and count as not_issued), or at the deadline (requests in flight become lost
  // records). `cancel` may be nullptr.
  virtual ProbeOutcome Probe(const ProbeSource& source, const ProbeSpec& spec,
                             const std::atomic<bool>* cancel, const RecordSink& sink) = 0;
};

// The record of a request that was started but got no result: the source's cluster and pod,
// `seq`, http_code 0 and `why` in `error` (ClassifyRecord: "transport").
ProbeRecord LostRecord(const ProbeSource& source, uint64_t seq, std::string why);

// Probes every source at once, one thread each; sinks[i] receives sources[i]'s records on
// that thread. Returns outcomes in source order. REQUIRES: sinks.size() == sources.size().
std::vector<ProbeOutcome> ProbeEverySource(Prober& prober, const std::vector<ProbeSource>& sources,
                                           const ProbeSpec& spec, const std::atomic<bool>* cancel,
                                           const std::vector<RecordSink>& sinks);

}  // namespace meshverify
