// The checks a pipeline decides from how the run went, before the counts are analysed:
// sources_found, endpoint_views and converged (discovery), and probe (the prober's outcomes).

#include <string>
#include <vector>

#include "analyze/checks.h"
#include "meshverify/analyze.h"
#include "meshverify/format.h"

namespace meshverify {
namespace {

using analyze_internal::Make;

// The words of a prober's attempts: "exec" sends one `kubectl exec` per batch.
struct AttemptWords {
  std::string calls;    // "kubectl exec calls"
  std::string failed;   // "failed execs"
  std::string retried;  // "exec(s) failed and were retried"
};

AttemptWords WordsFor(std::string_view mode) {
  if (mode == "exec") return {"kubectl exec calls", "failed execs", "exec(s) failed and were retried"};
  return {"transport attempts", "failed attempts", "attempt(s) failed and were retried"};
}

}  // namespace

CheckResult SourcesFoundCheck(const std::vector<PodInfo>& sources,
                              const std::vector<std::string>& clusters_without_sources,
                              const std::string& selector) {
  if (clusters_without_sources.empty()) {
    std::vector<std::string> names;
    for (const PodInfo& p : sources) names.push_back(p.cluster + "/" + p.name);
    return Make("sources_found", CheckStatus::kPass,
                std::to_string(sources.size()) + " Running and Ready source pod" +
                    (sources.size() == 1 ? "" : "s") + ": " + analyze_internal::Join(names, ", "));
  }
  return Make("sources_found", CheckStatus::kFail,
              "no Running and Ready pod matches " + selector + " in " +
                  analyze_internal::Join(clusters_without_sources, ", "),
              analyze_internal::HintForNoSources(selector));
}

CheckResult EndpointViewsCheck(size_t views, const std::string& envoy_cluster,
                               std::string_view method) {
  return Make("endpoint_views", CheckStatus::kPass,
              "read " + std::to_string(views) + " sidecar view" + (views == 1 ? "" : "s") + " of " +
                  envoy_cluster + " with " + std::string(method));
}

CheckResult ConvergedCheck(const std::string& gap, double waited_s, int view_reads) {
  const std::string waited = Fixed(waited_s, 1);
  if (gap.empty()) {
    return Make("converged", CheckStatus::kPass,
                "every source's view lists every cluster with Ready destination pods" +
                    (view_reads > 1 ? " after " + waited + " s" : ""));
  }
  return Make("converged", CheckStatus::kFail, "not converged after " + waited + " s: " + gap,
              analyze_internal::HintForNotConverged());
}

CheckResult ProbeCheck(std::span<const ProbeOutcome> outcomes, double seconds,
                       std::string_view mode) {
  const AttemptWords words = WordsFor(mode);
  uint64_t total = 0;
  int attempts = 0;
  bool failed = false;
  std::vector<std::string> problems;
  for (const ProbeOutcome& o : outcomes) {
    total += o.requests;
    attempts += o.attempts;
    failed = failed || o.gave_up || o.deadline_reached || o.lost > 0;
    std::string what;
    if (o.gave_up) {
      what = "gave up after " + std::to_string(o.failed_attempts) + " " + words.failed + "; " +
             std::to_string(o.lost) + " requests lost (transport): " + o.last_error;
    } else if (o.deadline_reached) {
      what = "deadline reached; " + std::to_string(o.lost) + " requests in flight lost, " +
             std::to_string(o.not_issued) + " not sent";
    } else if (o.failed_attempts > 0) {
      what = std::to_string(o.failed_attempts) + " " + words.retried + ": " + o.last_error;
    } else if (o.lost > 0) {
      what = std::to_string(o.lost) + " requests without a result from curl";
    }
    if (!what.empty()) problems.push_back(o.source.cluster + "/" + o.source.pod + ": " + what);
  }
  const double rate = seconds > 0 ? static_cast<double>(total) / seconds : 0;
  std::string detail = std::to_string(total) + " requests from " +
                       std::to_string(outcomes.size()) + " source pods in " + Fixed(seconds, 2) +
                       " s (" + Fixed(rate, 0) + " req/s) with " + std::to_string(attempts) + " " +
                       words.calls;
  if (!problems.empty()) detail += ". " + analyze_internal::Join(problems, "; ");
  if (!failed) return Make("probe", CheckStatus::kPass, detail);
  return Make("probe", CheckStatus::kFail, detail, analyze_internal::HintForLostRequests());
}

}  // namespace meshverify
