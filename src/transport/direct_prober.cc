#include "transport/direct_prober.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "transport/direct_lane.h"

namespace meshverify {
namespace {

using internal::DirectLane;

// Records of the other lanes on their way to the calling thread, which runs lane 0 and
// passes them on after each of its own wake-ups: no thread waits for them while lane 0 runs,
// and a lane takes the lock once per wake-up, not per record.
class Handover {
 public:
  // A lane's records of one wake-up (`batch` is left empty).
  void Put(std::vector<ProbeRecord>& batch) {
    if (batch.empty()) return;
    std::lock_guard<std::mutex> lock(mu_);
    const bool was_empty = queue_.empty();
    if (was_empty) {
      queue_.swap(batch);  // the caller's drained vector comes back: no reallocation
    } else {
      for (ProbeRecord& r : batch) queue_.push_back(std::move(r));
      batch.clear();
    }
    pending_.store(true, std::memory_order_release);
    if (was_empty && caller_waits_) cv_.notify_one();
  }

  void LaneDone() {
    std::lock_guard<std::mutex> lock(mu_);
    ++done_;
    cv_.notify_one();
  }

  // On the calling thread, while lane 0 runs: whatever has arrived.
  void Pass(const RecordSink& sink) {
    if (!pending_.load(std::memory_order_acquire)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      out_.swap(queue_);
      pending_.store(false, std::memory_order_relaxed);
    }
    for (ProbeRecord& r : out_) sink(std::move(r));
    out_.clear();
  }

  // On the calling thread, after lane 0: everything until `lanes` lanes are done.
  void PassUntilDone(int lanes, const RecordSink& sink) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        caller_waits_ = true;
        cv_.wait(lock, [&] { return !queue_.empty() || done_ == lanes; });
        if (queue_.empty()) return;
        out_.swap(queue_);
        pending_.store(false, std::memory_order_relaxed);
      }
      for (ProbeRecord& r : out_) sink(std::move(r));
      out_.clear();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ProbeRecord> queue_;  // guarded by mu_
  std::vector<ProbeRecord> out_;    // the calling thread's
  std::atomic<bool> pending_{false};
  bool caller_waits_ = false;  // guarded by mu_
  int done_ = 0;               // guarded by mu_
};

}  // namespace

DirectProber::DirectProber(Clock& clock, int lanes) : clock_(clock), lanes_(lanes) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// How many event loops (threads) share one source's call: one per core, at least 8
// connections each, at most 4; one for small calls. On 2 cores, -c 16 runs 2 loops.
int DirectProber::Lanes(const ProbeSpec& spec) const {
  if (lanes_ > 0) return std::min(lanes_, std::max(1, spec.concurrency));
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp(std::min(cores, spec.concurrency / 8), 1, 4);
}

ProbeOutcome DirectProber::Probe(const ProbeSource& source, const ProbeSpec& spec,
                                 const std::atomic<bool>* cancel, const RecordSink& sink) {
  const int lanes = Lanes(spec);
  if (lanes == 1) return DirectLane(clock_, source, spec, 0, 1, sink).Go(cancel);
  // Several loops on one schedule origin; lane 0 on this thread, so records reach the sink
  // here, as the sink asks.
  ProbeSpec shared = spec;
  if (shared.origin == std::chrono::steady_clock::time_point{}) shared.origin = clock_.Monotonic();
  Handover handover;
  std::vector<ProbeOutcome> outs(static_cast<size_t>(lanes));
  std::vector<std::thread> threads;
  for (int l = 1; l < lanes; ++l) {
    threads.emplace_back([&, l] {
      std::vector<ProbeRecord> mine;
      DirectLane lane(clock_, source, shared, l, lanes,
                      [&](ProbeRecord&& r) { mine.push_back(std::move(r)); });
      lane.set_after_wake([&] { handover.Put(mine); });
      outs[static_cast<size_t>(l)] = lane.Go(cancel);
      handover.Put(mine);
      handover.LaneDone();
    });
  }
  {
    DirectLane own(clock_, source, shared, 0, lanes, sink);
    own.set_after_wake([&] { handover.Pass(sink); });
    outs[0] = own.Go(cancel);
  }
  handover.PassUntilDone(lanes - 1, sink);
  for (std::thread& t : threads) t.join();
  ProbeOutcome o = outs[0];
  for (size_t l = 1; l < outs.size(); ++l) {  // ProbeOutcome::Add lives in the probe module
    const ProbeOutcome& x = outs[l];
    o.requests += x.requests;
    o.lost += x.lost;
    o.not_issued += x.not_issued;
    o.late += x.late;
    o.attempts += x.attempts;
    o.failed_attempts += x.failed_attempts;
    o.gave_up = o.gave_up || x.gave_up;
    o.deadline_reached = o.deadline_reached || x.deadline_reached;
    o.interrupted = o.interrupted || x.interrupted;
    if (!x.last_error.empty()) o.last_error = x.last_error;
  }
  return o;
}

}  // namespace meshverify
