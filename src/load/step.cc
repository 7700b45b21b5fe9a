#include "load/step.h"

#include <cmath>
#include <limits>

#include "load/events.h"

namespace meshverify::load::internal {
namespace {

using Ms = std::chrono::milliseconds;

// Gathers the sources' closed windows; pools and streams each window once every source has
// closed it. Called from the probing threads.
class Collector {
 public:
  Collector(size_t sources, const LoadSettings& s, const LoadHooks& hooks)
      : per_source_(sources), settings_(s), hooks_(hooks) {}

  void Push(size_t source, std::vector<WindowCounts>&& closed) {
    std::lock_guard<std::mutex> lock(mu_);
    for (WindowCounts& w : closed) per_source_[source].push_back(std::move(w));
    PoolReady();
  }

  // At the end of the step: sources with fewer windows get empty ones, and all are pooled.
  void Flush() {
    std::lock_guard<std::mutex> lock(mu_);
    size_t longest = 0;
    for (size_t i = 0; i < per_source_.size(); ++i) {
      if (per_source_[i].size() > per_source_[longest].size()) longest = i;
    }
    for (auto& s : per_source_) {
      while (s.size() < per_source_[longest].size()) {
        const WindowCounts& model = per_source_[longest][s.size()];
        WindowCounts empty;
        empty.step = model.step;
        empty.index = model.index;
        empty.start_ms = model.start_ms;
        empty.end_ms = model.end_ms;
        s.push_back(std::move(empty));
      }
    }
    PoolReady();
  }

  StepResult Take() {
    StepResult r;
    r.per_source = std::move(per_source_);
    r.pooled = std::move(pooled_);
    return r;
  }

 private:
  // REQUIRES: mu_ held.
  void PoolReady() {
    for (;;) {
      const size_t k = pooled_.size();
      for (const auto& s : per_source_) {
        if (s.size() <= k) return;
      }
      WindowCounts pool;
      pool.step = per_source_[0][k].step;
      pool.index = per_source_[0][k].index;
      pool.start_ms = per_source_[0][k].start_ms;
      pool.end_ms = per_source_[0][k].end_ms;
      for (const auto& s : per_source_) pool.Merge(s[k]);
      for (const auto& [c, n] : pool.by_cluster) clusters_.insert(c);
      for (const auto& [v, n] : pool.by_version) versions_.insert(v);
      pooled_.push_back(pool);
      Emit(k);
    }
  }

  void Emit(size_t k) {
    const WindowCounts& pool = pooled_[k];
    const bool warm = InWarmup(pool, settings_);
    if (hooks_.on_window) {
      Window pooled = ToWindow(pool, std::string(kPooledSource), "", warm, settings_.alpha,
                               clusters_, versions_);
      std::vector<Window> sources;
      for (size_t i = 0; i < per_source_.size(); ++i) {
        sources.push_back(ToWindow(per_source_[i][k], settings_.sources[i].pod,
                                   settings_.sources[i].cluster, warm, settings_.alpha, clusters_,
                                   versions_));
      }
      hooks_.on_window(pooled, sources);
    }
    if (hooks_.on_progress) {
      Progress p;
      p.step = pool.step;
      p.elapsed_s = pool.end_ms / 1000.0;
      const double span = (pool.end_ms - pool.start_ms) / 1000.0;
      p.rate = span > 0 ? static_cast<double>(pool.requests) / span : 0;
      p.requests = pool.requests;
      p.errors = pool.requests - pool.ok;
      p.late = pool.late;
      for (const auto& [c, n] : pool.by_cluster) {
        p.share[c] = pool.ok == 0 ? 0 : static_cast<double>(n) / static_cast<double>(pool.ok);
      }
      for (const auto& [c, h] : pool.latency) p.p99_ms[c] = h.Quantile(0.99);
      hooks_.on_progress(p);
    }
  }

  std::mutex mu_;
  std::vector<std::vector<WindowCounts>> per_source_;
  std::vector<WindowCounts> pooled_;
  std::set<std::string> clusters_, versions_;
  const LoadSettings& settings_;
  const LoadHooks& hooks_;
};

// This shard's phase: open loop i / rate (rate of the whole experiment), closed loop i ms.
std::chrono::nanoseconds Phase(const LoadSettings& s, const StepSettings& step) {
  if (s.shard_count <= 1) return std::chrono::nanoseconds(0);
  const double total_rate = step.rate * s.shard_count;
  const double seconds = total_rate > 0 ? s.shard_index / total_rate : s.shard_index * 1e-3;
  return std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
}

ProbeSpec SpecFor(const LoadSettings& s, const StepSettings& step, std::chrono::nanoseconds phase) {
  ProbeSpec spec;
  spec.url = s.url;
  spec.concurrency = step.concurrency;
  spec.rate = step.rate;
  spec.duration = s.duration;
  if (s.duration.count() > 0 && phase.count() > 0) {
    spec.duration = std::max(Ms(1), std::chrono::duration_cast<Ms>(s.duration - phase));
  }
  spec.timeout = s.timeout;
  spec.max_body_bytes = s.max_body_bytes;
  if (s.requests > 0) {
    spec.requests = ShardPart(s.requests, s.shard_index, std::max(1, s.shard_count));
  } else if (step.rate > 0) {
    // Due before the duration ends, counted from this shard's phase.
    const double seconds = (static_cast<double>(s.duration.count()) / 1000.0) -
                           static_cast<double>(phase.count()) / 1e9;
    spec.requests = static_cast<uint64_t>(std::max(0.0, std::ceil(step.rate * seconds - 1e-9)));
  } else {
    spec.requests = std::numeric_limits<uint64_t>::max() / 4;  // bounded by the duration
  }
  spec.deadline = s.duration.count() > 0 ? s.duration + 2 * s.timeout + Ms(5000) : Ms(3600000);
  return spec;
}

// The step's origin: now, or (aligned) the next multiple of the window in wall-clock time,
// slept until (in steps of at most 100 ms, so that cancel is seen).
std::chrono::steady_clock::time_point AlignedOrigin(const LoadSettings& s, Clock& clock,
                                                    const std::atomic<bool>* cancel,
                                                    double* origin_unix_s) {
  const auto wall = clock.Now();
  const auto mono = clock.Monotonic();
  const double now_ms = std::chrono::duration<double, std::milli>(wall.time_since_epoch()).count();
  if (!s.align_to_wall_clock && s.shard_count <= 1) {
    *origin_unix_s = now_ms / 1000.0;
    return mono;
  }
  const double w = static_cast<double>(s.window.count());
  const double start_ms = std::ceil(now_ms / w) * w;
  *origin_unix_s = start_ms / 1000.0;
  const auto origin = mono + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double, std::milli>(start_ms - now_ms));
  for (auto now = clock.Monotonic(); now < origin; now = clock.Monotonic()) {
    if (cancel != nullptr && *cancel) break;
    clock.SleepFor(std::min(Ms(100), std::chrono::ceil<Ms>(origin - now)));
  }
  return origin;
}

}  // namespace

bool InWarmup(const WindowCounts& w, const LoadSettings& s) {
  return w.start_ms < static_cast<double>(s.warmup.count());
}

StepResult RunStep(const LoadSettings& settings, const StepSettings& step,
                   const ReplyParser& parser, Prober& prober, Clock& clock, CommandRunner* runner,
                   const std::atomic<bool>* cancel, const LoadHooks& hooks) {
  const size_t n = settings.sources.size();
  Collector collector(n, settings, hooks);
  const std::chrono::nanoseconds phase = Phase(settings, step);
  ProbeSpec spec = SpecFor(settings, step, phase);
  double origin_unix_s = 0;
  const auto origin = AlignedOrigin(settings, clock, cancel, &origin_unix_s);
  spec.origin = origin + phase;
  const double phase_ms = static_cast<double>(phase.count()) / 1e6;
  const double window_ms = static_cast<double>(settings.window.count());
  std::vector<SourceWindows> windows;
  windows.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    windows.emplace_back(step.index, window_ms, spec.first_seq, parser,
                         settings.cluster_of_instance);
  }
  std::vector<RecordSink> sinks;
  for (size_t i = 0; i < n; ++i) {
    sinks.push_back([&, i](ProbeRecord&& r) {
      if (phase_ms > 0) {  // times from the step's origin, not this shard's shifted schedule
        if (r.intended_ms >= 0) r.intended_ms += phase_ms;
        if (r.sent_ms >= 0) r.sent_ms += phase_ms;
      }
      double arrival = -1;
      if (r.intended_ms < 0 && r.sent_ms < 0) {
        arrival = std::chrono::duration<double, std::milli>(clock.Monotonic() - origin).count();
      }
      windows[i].Add(r, arrival);
      std::vector<WindowCounts> closed = windows[i].TakeClosed();
      if (!closed.empty()) collector.Push(i, std::move(closed));
    });
  }
  EventRunner events(settings.events, step.index, runner, clock, origin, settings.event_timeout,
                     cancel);
  std::vector<ProbeOutcome> outcomes;
  if (spec.requests > 0) {
    outcomes = ProbeEverySource(prober, settings.sources, spec, cancel, sinks);
  } else {  // this shard's part of the requests is empty
    for (const ProbeSource& src : settings.sources) {
      ProbeOutcome o;
      o.source = src;
      outcomes.push_back(std::move(o));
    }
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(clock.Monotonic() - origin).count();
  bool interrupted = false;
  for (const ProbeOutcome& o : outcomes) interrupted = interrupted || o.interrupted;
  double end_ms = elapsed_ms;
  if (settings.duration.count() > 0 && !interrupted) {
    end_ms = static_cast<double>(settings.duration.count());
  }
  for (size_t i = 0; i < n; ++i) collector.Push(i, windows[i].TakeRest(end_ms));
  collector.Flush();
  StepResult r = collector.Take();
  r.outcomes = std::move(outcomes);
  r.events = events.Finish();
  r.elapsed_s = end_ms / 1000.0;
  r.origin_unix_s = origin_unix_s;
  return r;
}

}  // namespace meshverify::load::internal
