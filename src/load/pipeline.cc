// RunLoadExperiment: the steps, then the report: windows with shares and percentiles, step
// and run summaries, event statistics, SLO gates, verdict.
#include <set>
#include <sstream>

#include "load/step.h"
#include "load/windows.h"
#include "meshverify/load.h"
#include "meshverify/reply_parser.h"

namespace meshverify::load {
namespace {

using internal::WindowCounts;

// This shard's part of a step: the rate divided by the shards, closed-loop connections too.
internal::StepSettings ShardStep(const LoadSettings& s, internal::StepSettings st) {
  if (s.shard_count <= 1) return st;
  st.rate /= s.shard_count;
  if (st.rate <= 0) {
    st.concurrency = std::max(1, static_cast<int>(ShardPart(static_cast<uint64_t>(st.concurrency),
                                                            s.shard_index, s.shard_count)));
  }
  return st;
}

std::vector<internal::StepSettings> Steps(const LoadSettings& s) {
  std::vector<internal::StepSettings> steps;
  if (!s.sweep) return {ShardStep(s, {0, s.rate, s.concurrency})};
  for (size_t i = 0; i < s.sweep->values.size(); ++i) {
    const double v = s.sweep->values[i];
    internal::StepSettings st{static_cast<int>(i), s.rate, s.concurrency};
    if (s.sweep->axis == "rate") {
      st.rate = v;
    } else {
      st.concurrency = static_cast<int>(v);
    }
    steps.push_back(ShardStep(s, st));
  }
  return steps;
}

Status Validate(const LoadSettings& s) {
  if (s.sources.empty()) return Status::Usage("load: no source to send from");
  if (s.url.empty()) return Status::Usage("load: no URL to send to");
  if (s.concurrency < 1) return Status::Usage("load: --concurrency must be at least 1");
  if (s.rate < 0) return Status::Usage("load: --rate must not be negative");
  if (s.duration.count() <= 0 && s.requests == 0) {
    return Status::Usage("load: give --duration or --requests");
  }
  if (s.window.count() <= 0) return Status::Usage("load: --window must be positive");
  if (s.shard_count < 1 || s.shard_index < 0 || s.shard_index >= s.shard_count) {
    return Status::Usage("load: --shard " + std::to_string(s.shard_index) + "/" +
                         std::to_string(s.shard_count) + ": expected i/N with 0 <= i < N");
  }
  if (!s.events.empty() && s.duration.count() <= 0) {
    return Status::Usage("load: --at needs --duration (events are placed on its timeline)");
  }
  return Status::Ok();
}

std::string Measured(std::string_view mode) {
  if (mode == "direct") {
    return "latency_ms is from the intended send time (open loop: t0 + i/R on one schedule per "
           "source; closed loop: the actual send) to the end of the answer, so a stall is "
           "charged to every request it delayed (no coordinated omission); send_latency_ms is "
           "from the actual send; both as libcurl timed them in this process";
  }
  return "latency_ms is curl's time_total inside the source pod, from its actual send of each "
         "request to the end of the answer (the kubectl exec start-up is not included); a "
         "request's window is that of its send as estimated when the pod's output came in (it "
         "sends what curl wrote every 0.2 s in open loop, every 1 s in closed loop): never early, "
         "late by up to the time from the answer to the arrival of the next flush (more on a "
         "loaded machine); open loop: each of a pod's --concurrency curls paces itself at "
         "rate / concurrency (curl --rate), never in a burst, and late sends are not detected "
         "(late is 0)";
}

// Sums a window's outcome counts into the run totals.
void AddTotals(const WindowCounts& w, LoadReport& r) {
  r.requests += w.requests;
  r.ok += w.ok;
  r.late += w.late;
  for (const auto& [k, n] : w.errors) r.errors[k] += n;
}

void AddOutcomeNotes(const std::vector<ProbeOutcome>& outcomes, int step, LoadReport& r) {
  for (const ProbeOutcome& o : outcomes) {
    r.not_issued += o.not_issued;
    const std::string who = "step " + std::to_string(step) + ", " + o.source.pod;
    if (o.deadline_reached) r.notes.push_back(who + ": deadline reached; in-flight requests lost");
    if (o.gave_up) r.notes.push_back(who + ": gave up: " + o.last_error);
    if (o.late > 0) {
      r.notes.push_back(who + ": " + std::to_string(o.late) +
                        " sends went out more than 1 ms after they were due (no free slot under "
                        "the in-flight cap, or the client was not scheduled in time); their "
                        "latency counts from the intended time");
    }
  }
}

}  // namespace

Result<LoadReport> RunLoadExperiment(const LoadSettings& settings, Prober& prober, Clock& clock,
                                     CommandRunner* runner, const std::atomic<bool>* cancel,
                                     const LoadHooks& hooks) {
  if (Status s = Validate(settings); !s.ok()) return s;
  Result<ReplyParser> parser = ReplyParser::Create(settings.pattern);
  if (!parser.ok()) return parser.status();
  LoadReport report;
  report.tool_version = MESHVERIFY_VERSION;
  report.started_at = FormatRfc3339(clock.Now());
  report.mode = std::string(prober.mode());
  report.latency_measured = Measured(report.mode);
  report.config = settings.config;
  report.expected = settings.expected;
  report.tolerance = settings.tolerance;
  const auto start = clock.Monotonic();

  std::vector<internal::StepResult> results;
  for (const internal::StepSettings& step : Steps(settings)) {
    if (cancel != nullptr && *cancel) break;
    results.push_back(
        internal::RunStep(settings, step, *parser, prober, clock, runner, cancel, hooks));
    for (const ProbeOutcome& o : results.back().outcomes) {
      report.interrupted = report.interrupted || o.interrupted;
    }
  }
  report.interrupted = report.interrupted || (cancel != nullptr && *cancel);
  report.duration_s = std::chrono::duration<double>(clock.Monotonic() - start).count();

  // Every destination seen anywhere gets an entry (0 when absent) in every window.
  std::set<std::string> clusters, versions;
  for (const auto& res : results) {
    for (const WindowCounts& w : res.pooled) {
      for (const auto& [c, n] : w.by_cluster) clusters.insert(c);
      for (const auto& [v, n] : w.by_version) versions.insert(v);
    }
  }
  for (const auto& [name, share] : settings.expected) {
    (settings.expected_clusters ? clusters : versions).insert(name);
  }
  const std::vector<internal::StepSettings> steps = Steps(settings);
  WindowCounts all_steady;
  double steady_s = 0, send_span_s = 0;
  for (size_t si = 0; si < results.size(); ++si) {
    internal::StepResult& res = results[si];
    WindowCounts step_steady;
    double step_steady_s = 0;
    for (size_t k = 0; k < res.pooled.size(); ++k) {
      const WindowCounts& pool = res.pooled[k];
      const bool warm = internal::InWarmup(pool, settings);
      for (size_t i = 0; i < res.per_source.size(); ++i) {
        const ProbeSource& src = settings.sources[i];
        report.windows.push_back(internal::ToWindow(res.per_source[i][k], src.pod, src.cluster,
                                                    warm, settings.alpha, clusters, versions));
        report.windows.back().start_unix_s = res.origin_unix_s + report.windows.back().start_s;
        AddTotals(res.per_source[i][k], report);
        res.per_source[i][k] = WindowCounts();  // counted: free it (long runs)
      }
      report.pooled.push_back(internal::ToWindow(pool, std::string(kPooledSource), "", warm,
                                                 settings.alpha, clusters, versions));
      report.pooled.back().start_unix_s = res.origin_unix_s + report.pooled.back().start_s;
      if (!warm) {
        step_steady.Merge(pool);
        step_steady_s += (pool.end_ms - pool.start_ms) / 1000.0;
      }
      res.pooled[k] = WindowCounts();
    }
    all_steady.Merge(step_steady);
    steady_s += step_steady_s;
    Step st;
    st.index = steps[si].index;
    st.axis = settings.sweep ? settings.sweep->axis : "";
    st.value = st.axis == "rate" ? steps[si].rate : steps[si].concurrency;
    st.rate = steps[si].rate;
    st.concurrency = steps[si].concurrency;
    st.duration_s = res.elapsed_s;
    st.start_unix_s = res.origin_unix_s;
    st.summary = internal::ToWindow(step_steady, std::string(kPooledSource), "", false,
                                    settings.alpha, clusters, versions);
    // A summary spans its steady time: end_s - start_s is the time its requests took.
    st.summary.step = st.index;
    st.summary.start_s = res.elapsed_s - step_steady_s;
    st.summary.end_s = res.elapsed_s;
    const double sent_span = std::max(step_steady_s, st.summary.sent_end_s - st.summary.start_s);
    st.achieved_rate = sent_span > 0 ? static_cast<double>(st.summary.requests) / sent_span : 0;
    send_span_s += sent_span;
    report.steps.push_back(std::move(st));
    for (const Event& e : res.events) report.events.push_back(e);
    AddOutcomeNotes(res.outcomes, steps[si].index, report);
  }
  report.summary = internal::ToWindow(all_steady, std::string(kPooledSource), "", false,
                                      settings.alpha, clusters, versions);
  report.summary.end_s = steady_s;
  DetectAndRecover(report, settings.alpha);

  bool failed = false, inconclusive = false;
  for (const Slo& slo : settings.slos) {
    SloResult r = EvaluateSlo(slo, report.summary, send_span_s, settings.alpha);
    failed = failed || r.status == "fail";
    inconclusive = inconclusive || r.status == "inconclusive";
    report.slos.push_back(std::move(r));
  }
  if (report.requests == 0) {
    report.verdict = Verdict::kError;
    report.notes.push_back("no request was sent");
  } else {
    report.verdict = failed         ? Verdict::kFail
                     : inconclusive ? Verdict::kInconclusive
                                    : Verdict::kPass;
  }
  return report;
}

}  // namespace meshverify::load
