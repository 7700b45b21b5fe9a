// Discover(): pods, views and the convergence wait (discover.h).
#include "meshverify/discover.h"

#include <thread>

namespace meshverify::discover {
namespace {

CheckResult Check(std::string name, CheckStatus status, std::string detail, std::string hint = {}) {
  return CheckResult{std::move(name), status, std::move(detail), std::move(hint)};
}

// Reads every source's view at the same time (one thread per source: istioctl is slow), and
// sets `*warnings` to the parsers' warnings, "view of <cluster>/<pod>: <warning>".
Status ReadViews(CommandRunner& runner, const MeshConfig& config, const ClusterMap& cmap,
                 const DiscoverOptions& options, Discovery* d, std::vector<std::string>* warnings) {
  std::map<std::string, const ClusterConfig*> by_name;
  for (const ClusterConfig& c : config.clusters) by_name[c.name] = &c;
  std::vector<Result<std::vector<Endpoint>>> results(d->sources.size(),
                                                     Status::Unavailable("not read"));
  // Find out once, on the first source, whether istioctl is there at all.
  std::vector<ViewMethod> methods(d->sources.size(), d->method);
  std::vector<std::vector<std::string>> warned(d->sources.size());
  auto read = [&](size_t i) {
    const PodInfo& s = d->sources[i];
    results[i] =
        ReadEndpointView(runner, *by_name.at(s.cluster), s, config.target.envoy_cluster, cmap,
                         d->destinations, &methods[i], options.command_timeout, &warned[i]);
  };
  if (!d->sources.empty()) {
    read(0);
    d->method = methods[0];
    for (ViewMethod& m : methods) m = d->method;
  }
  std::vector<std::thread> threads;
  for (size_t i = 1; i < d->sources.size(); ++i) threads.emplace_back(read, i);
  for (std::thread& t : threads) t.join();
  warnings->clear();
  for (size_t i = 0; i < d->sources.size(); ++i) {
    if (!results[i].ok()) return results[i].status();
    d->views[SourceKey(d->sources[i])] = std::move(*results[i]);
    for (const std::string& w : warned[i]) {
      warnings->push_back("view of " + SourceKey(d->sources[i]) + ": " + w);
    }
  }
  return Status::Ok();
}

std::string PodList(const std::vector<PodInfo>& pods) {
  std::string out;
  for (const PodInfo& p : pods) out += (out.empty() ? "" : ", ") + SourceKey(p);
  return out;
}

}  // namespace

Result<Discovery> Discover(CommandRunner& runner, Clock& clock, const MeshConfig& config,
                           const DiscoverOptions& options) {
  Result<ClusterMap> cmap = ClusterMap::Create(config.clusters, OverlapPolicy::kLeaveUnmapped);
  if (!cmap.ok()) return cmap.status();
  Discovery d;
  const std::string& src_ns = config.source.ns;
  const std::string& dst_ns = config.target.ns.empty() ? src_ns : config.target.ns;
  std::vector<std::string> without_sources;
  for (const ClusterConfig& c : config.clusters) {
    Result<std::vector<PodInfo>> src =
        ListPods(runner, c, src_ns, config.source.selector, options.command_timeout);
    if (!src.ok()) return src.status();
    size_t before = d.sources.size();
    for (PodInfo& p : *src) {
      if (RunningAndReady(p)) d.sources.push_back(std::move(p));
    }
    if (d.sources.size() == before) without_sources.push_back(c.name);
    Result<std::vector<PodInfo>> dst =
        ListPods(runner, c, dst_ns, config.target.destinations, options.command_timeout);
    if (!dst.ok()) return dst.status();
    for (PodInfo& p : *dst) d.destinations.push_back(std::move(p));
  }

  std::string where = "-n " + src_ns + " -l " + config.source.selector;
  if (without_sources.empty()) {
    d.checks.push_back(Check("sources_found", CheckStatus::kPass,
                             std::to_string(d.sources.size()) + " Running and Ready source pod" +
                                 (d.sources.size() == 1 ? "" : "s") + ": " + PodList(d.sources)));
  } else {
    std::string names;
    for (const std::string& n : without_sources) names += (names.empty() ? "" : ", ") + n;
    d.checks.push_back(
        Check("sources_found", CheckStatus::kFail,
              "no Running and Ready pod matches " + where + " in " + names,
              "deploy the source pods (e.g. Istio's sleep sample) in every cluster, check the "
              "selector and namespace in mesh.yaml, and wait until `kubectl get pods " +
                  where + "` shows them Ready"));
  }
  if (d.sources.empty()) return d;

  const auto start = clock.Monotonic();
  std::string gap;
  std::vector<std::string> warnings;  // of the last read only: each read replaces the views
  while (true) {
    if (Status s = ReadViews(runner, config, *cmap, options, &d, &warnings); !s.ok()) return s;
    ++d.view_reads;
    gap = ConvergenceGap(d.sources, d.views, d.destinations);
    auto waited = clock.Monotonic() - start;
    d.waited_s = std::chrono::duration<double>(waited).count();
    if (gap.empty() || waited + options.poll > options.wait) break;
    if (options.interrupted != nullptr && options.interrupted->load()) break;
    clock.SleepFor(options.poll);
  }
  d.notes.insert(d.notes.end(), warnings.begin(), warnings.end());
  d.checks.push_back(Check("endpoint_views", CheckStatus::kPass,
                           "read " + std::to_string(d.views.size()) + " sidecar view" +
                               (d.views.size() == 1 ? "" : "s") + " of " +
                               config.target.envoy_cluster + " with " +
                               (d.method == ViewMethod::kIstioctl ? "istioctl" : "pilot-agent")));
  char waited[32];
  std::snprintf(waited, sizeof(waited), "%.1f", d.waited_s);
  if (gap.empty()) {
    d.checks.push_back(Check("converged", CheckStatus::kPass,
                             "every source's view lists every cluster with Ready destination pods" +
                                 (d.view_reads > 1 ? " after " + std::string(waited) + " s" : "")));
  } else {
    d.checks.push_back(
        Check("converged", CheckStatus::kFail,
              "not converged after " + std::string(waited) + " s: " + gap,
              "the control plane has not given these sidecars the other cluster's endpoints: check "
              "the remote secrets (istioctl remote-clusters), istiod's logs, and that the service "
              "exists in every cluster"));
  }
  return d;
}

}  // namespace meshverify::discover
