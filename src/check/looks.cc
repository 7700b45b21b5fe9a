// The look loop and the progress thread (check_internal.h).
#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "check/check_internal.h"
#include "meshverify/stats.h"

namespace meshverify::check_internal {
namespace {

using Ms = std::chrono::milliseconds;

// Runs ProbeEverySource on a thread while this one reports progress and waits: woken the
// moment probing ends (the probe phase is timed), else every 200 ms to report.
std::vector<ProbeOutcome> ProbeWithProgress(Prober& prober, const std::vector<ProbeSource>& sources,
                                            const ProbeSpec& spec, std::vector<SourceSink>& sinks,
                                            std::atomic<uint64_t>& done,
                                            const std::atomic<bool>* cancel,
                                            ProgressSink* progress) {
  std::vector<RecordSink> fns;
  for (SourceSink& s : sinks) fns.push_back([&s](ProbeRecord&& r) { s.Add(std::move(r)); });
  std::vector<ProbeOutcome> outcomes;
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread worker([&] {
    auto out = ProbeEverySource(prober, sources, spec, cancel, fns);
    std::lock_guard<std::mutex> lock(mu);
    outcomes = std::move(out);
    finished = true;
    cv.notify_one();
  });
  const uint64_t want = done.load() + spec.requests * sources.size();
  {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, Ms(200), [&] { return finished; })) {
      if (progress != nullptr) progress->Probing(done.load(), want);
    }
  }
  worker.join();
  if (progress != nullptr) progress->ProbingDone();
  return outcomes;
}

// True when probing cannot go on: interrupted, deadline, or a source given up.
bool ProbingStopped(const std::vector<ProbeOutcome>& outcomes) {
  for (const ProbeOutcome& o : outcomes) {
    if (o.interrupted || o.deadline_reached || o.gave_up) return true;
  }
  return false;
}

}  // namespace

Looks ProbeInLooks(const LookPlan& plan, Prober& prober, Clock& clock,
                   const std::vector<ProbeSource>& sources, std::vector<SourceSink>& sinks,
                   std::atomic<uint64_t>& done, const std::atomic<bool>* cancel,
                   ProgressSink* progress,
                   const std::function<bool(double look_alpha)>& every_gate_decided) {
  const auto start = clock.Monotonic();
  Looks r;
  r.looks = std::max(1, plan.looks);
  r.look_alpha = stats::SequentialAlpha(plan.alpha, 1, r.looks);
  ProbeSpec spec = plan.spec;
  while (!sources.empty() && r.looked < r.looks) {
    ++r.looked;
    const uint64_t upto = (plan.requests * static_cast<uint64_t>(r.looked) + r.looks - 1) / r.looks;
    const auto left = plan.deadline - std::chrono::duration_cast<Ms>(clock.Monotonic() - start);
    spec.first_seq = r.sent;
    spec.requests = upto - r.sent;
    spec.deadline = std::max(Ms(1), left);
    std::vector<ProbeOutcome> look =
        ProbeWithProgress(prober, sources, spec, sinks, done, cancel, progress);
    if (r.outcomes.empty()) {
      r.outcomes = std::move(look);
    } else {
      for (size_t i = 0; i < look.size(); ++i) r.outcomes[i].Add(look[i]);
    }
    r.sent = upto;
    if (r.looked == r.looks || ProbingStopped(r.outcomes)) break;
    if (every_gate_decided(r.look_alpha)) break;
  }
  r.seconds = std::chrono::duration<double>(clock.Monotonic() - start).count();
  return r;
}

}  // namespace meshverify::check_internal
