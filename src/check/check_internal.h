#pragma once
// Private to src/check: the record sinks (records -> counts, on each source's probe thread)
// and the look loop (probing in looks, with the progress drawn from the caller's thread).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/aggregate.h"
#include "meshverify/check.h"
#include "meshverify/clock.h"
#include "meshverify/file_system.h"
#include "meshverify/prober.h"
#include "meshverify/reply_parser.h"

namespace meshverify::check_internal {

// The records file shared by every source's sink: Write may be called from any thread. After
// the first failed write every later one is skipped (nothing more piles up in memory).
class RecordsOut {
 public:
  explicit RecordsOut(FileWriter* writer) : writer_(writer) {}
  void Write(std::string_view lines);
  Status status() const;

 private:
  mutable std::mutex mu_;
  FileWriter* writer_;
  Status status_;
};

// Counts one source's records. Add is called on that source's probe thread only; the other
// members are read once probing has stopped (ProbeEverySource joins its threads).
struct SourceSink {
  const ReplyParser* parser = nullptr;
  const std::map<std::string, std::string>* cluster_of_pod = nullptr;  // destination pods
  std::atomic<uint64_t>* done = nullptr;  // records of every source so far, for progress
  RecordsOut* records_out = nullptr;      // nullptr: no records asked for
  Aggregator agg;
  std::string pending;  // records lines not yet written, at most about kRecordsChunkBytes

  void Add(ProbeRecord&& r);
  // Writes the pending lines to records_out.
  void Flush();
};

// The probing of a run, summed over its looks.
struct Looks {
  std::vector<ProbeOutcome> outcomes;  // one per source
  int looks = 1;                       // at most
  double look_alpha = 0;               // the gate's alpha at each look
  int looked = 0;
  uint64_t sent = 0;  // requests per source asked for
  double seconds = 0;
};

struct LookPlan {
  uint64_t requests = 0;  // per source, at most
  int looks = 1;
  double alpha = 0.01;  // the run's alpha, spent over the looks
  std::chrono::milliseconds deadline{300000};
  ProbeSpec spec;  // url, concurrency, timeout; first_seq, requests and deadline set per look
};

// Runs prober.Preflight on every source at once and keeps in `*sources` those without a
// problem. Returns the `preflight` check: pass, or fail naming each problem with its hint.
CheckResult PreflightSources(Prober& prober, const std::atomic<bool>* cancel,
                             std::vector<ProbeSource>* sources);

// Probes every source in looks at evenly spaced totals of plan.requests; after each look but
// the last, stops when `every_gate_decided(look_alpha)` says so, or when a source was given
// up, reached the deadline or was interrupted. Progress goes to `progress` (may be nullptr).
Looks ProbeInLooks(const LookPlan& plan, Prober& prober, Clock& clock,
                   const std::vector<ProbeSource>& sources, std::vector<SourceSink>& sinks,
                   std::atomic<uint64_t>& done, const std::atomic<bool>* cancel,
                   ProgressSink* progress,
                   const std::function<bool(double look_alpha)>& every_gate_decided);

}  // namespace meshverify::check_internal
