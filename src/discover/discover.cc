// Discover(): pods, views and the convergence wait (discover.h).
#include "meshverify/discover.h"

#include <thread>

#include "meshverify/analyze.h"

namespace meshverify::discover {
namespace {

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

}  // namespace

Result<Discovery> Discover(CommandRunner& runner, Clock& clock, const MeshConfig& config,
                           const DiscoverOptions& options) {
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

  // Clusters without configured gateways: their istio=eastwestgateway services say.
  std::vector<ClusterConfig> clusters = config.clusters;
  for (ClusterConfig& c : clusters) {
    if (!c.gateways.empty()) continue;
    Result<std::vector<std::string>> gws =
        DiscoverGateways(runner, c, options.command_timeout, &d.notes);
    if (!gws.ok()) {
      d.notes.push_back(c.name + ": east-west gateways not discovered (" + gws.status().message() +
                        ")");
      continue;
    }
    for (const std::string& g : *gws) {
      d.notes.push_back(c.name + ": east-west gateway " + g +
                        " (discovered: istio=eastwestgateway in istio-system)");
    }
    c.gateways = *gws;
  }
  d.clusters = clusters;
  Result<ClusterMap> cmap = ClusterMap::Create(clusters, OverlapPolicy::kLeaveUnmapped);
  if (!cmap.ok()) return cmap.status();
  d.checks.push_back(SourcesFoundCheck(d.sources, without_sources,
                                       "-n " + src_ns + " -l " + config.source.selector));
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
  d.checks.push_back(
      EndpointViewsCheck(d.views.size(), config.target.envoy_cluster,
                         d.method == ViewMethod::kIstioctl ? "istioctl" : "pilot-agent"));
  d.checks.push_back(ConvergedCheck(gap, d.waited_s, d.view_reads));
  return d;
}

}  // namespace meshverify::discover
