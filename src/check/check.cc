// RunCheck (check.h): discovery, probing in looks, analysis, the report's notes.
#include "meshverify/check.h"

#include <algorithm>
#include <map>
#include <optional>

#include "check/check_internal.h"
#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"
#include "meshverify/cluster_map.h"
#include "meshverify/discover.h"
#include "meshverify/format.h"
#include "meshverify/reply_parser.h"

namespace meshverify {
namespace {

using check_internal::Looks;
using check_internal::SourceSink;

// Expected shares for one source: its view, or the config's shares (by cluster when every
// name is a cluster, else by version); the view is attached either way for the checks.
SourceExpectation Expect(const MeshConfig& m, const std::vector<Endpoint>& view,
                         const std::vector<PodInfo>& destinations) {
  SourceExpectation e = ExpectationFromEndpoints(view, destinations);
  if (m.expect.from_endpoints) return e;
  bool all_clusters = true;
  for (const auto& [name, share] : m.expect.shares) {
    bool found = false;
    for (const ClusterConfig& c : m.clusters) found = found || c.name == name;
    all_clusters = all_clusters && found;
  }
  e.by_cluster.clear();
  e.by_version.clear();
  (all_clusters ? e.by_cluster : e.by_version) = m.expect.shares;
  return e;
}

// The source pods as the prober's sources, in discovery order.
std::vector<ProbeSource> SourcesOf(const MeshConfig& m, const discover::Discovery& d) {
  std::vector<ProbeSource> sources;
  for (const PodInfo& s : d.sources) {
    for (const ClusterConfig& c : m.clusters) {
      if (c.name != s.cluster) continue;
      sources.push_back({s.cluster, s.name, c.context, c.kubeconfig, s.ns, m.source.container});
    }
  }
  return sources;
}

// Direct mode's stand-in for discovery: the one source, the given destinations, and the
// source's own view when the caller read it.
discover::Discovery DirectDiscovery(const CheckSettings& settings) {
  discover::Discovery d;
  PodInfo source;
  source.name = settings.direct_source->pod;
  source.cluster = settings.direct_source->cluster;
  source.phase = "Running";
  source.ready = true;
  d.sources.push_back(source);
  for (const auto& [pod, cluster] : settings.direct_destinations) {
    PodInfo p;
    p.name = pod;
    p.cluster = cluster;
    auto ip = settings.direct_destination_ips.find(pod);
    if (ip != settings.direct_destination_ips.end()) p.ip = ip->second;
    d.destinations.push_back(p);
  }
  const std::string who = "direct mode: requests from this process as " +
                          (source.cluster.empty() ? std::string("") : source.cluster + "/") +
                          source.name + "; no discovery";
  const std::string from =
      settings.direct_view_from.empty() ? "" : " (" + settings.direct_view_from + ")";
  if (settings.direct_view) {
    Result<ClusterMap> cmap =
        ClusterMap::Create(settings.mesh.clusters, OverlapPolicy::kLeaveUnmapped);
    std::vector<Endpoint> view = *settings.direct_view;
    for (Endpoint& e : view) {
      e.source_pod = source.name;
      if (cmap.ok()) cmap->Assign(e, source.cluster);
    }
    d.views[discover::SourceKey(source)] = std::move(view);
    d.notes.push_back(who + "; its own sidecar's endpoint view read" + from);
    return d;
  }
  d.notes.push_back(who + " and no endpoint view read" + from +
                    (settings.mesh.expect.from_endpoints
                         ? " (expect: endpoints, so no share is gated here)"
                         : ""));
  return d;
}

// What the sinks hold so far, analysed with the gate at `alpha`.
Report AnalyzeSoFar(const MeshConfig& m, const discover::Discovery& d,
                    const std::vector<SourceSink>& sinks, double alpha,
                    const std::vector<CheckResult>& probe_checks) {
  AnalyzeInput in;
  Aggregator all;
  for (const SourceSink& s : sinks) all.Merge(s.agg);
  in.sources = all.sources();
  in.destinations = d.destinations;
  for (const ClusterConfig& c : m.clusters) in.clusters.push_back(c.name);
  // Configured gateways, and the discovered ones (Discovery::clusters).
  for (const auto* clusters : {&m.clusters, &d.clusters}) {
    for (const ClusterConfig& c : *clusters) {
      const auto& gw = in.gateway_clusters;
      if (!c.gateways.empty() && std::find(gw.begin(), gw.end(), c.name) == gw.end()) {
        in.gateway_clusters.push_back(c.name);
      }
    }
  }
  static const std::vector<Endpoint> kNoView;
  for (const PodInfo& s : d.sources) {
    auto view = d.views.find(discover::SourceKey(s));
    SourceExpectation e = Expect(m, view == d.views.end() ? kNoView : view->second, d.destinations);
    if (view == d.views.end()) e.has_endpoint_view = false;  // none was read (direct mode)
    in.expect[discover::SourceKey(s)] = std::move(e);
  }
  in.extra_checks = d.checks;
  for (const CheckResult& c : probe_checks) in.extra_checks.push_back(c);
  GateOptions gate = m.gate;
  gate.alpha = alpha;
  return Analyze(in, gate);
}

// True when no source's gate waits for more data.
bool EveryGateDecided(const Report& r) {
  for (const SourceReport& s : r.sources) {
    if (s.gate == GateVerdict::kInconclusive) return false;
  }
  return true;
}

// The report's notes on discovery, the looks and interruptions.
void AddRunNotes(const MeshConfig& m, const discover::Discovery& d, const Looks& run,
                 Report* report) {
  if (run.looks > 1 && run.looked > 0) {
    report->notes.push_back("sequential gate: looked " + std::to_string(run.looked) + " of " +
                            std::to_string(run.looks) + " times, " + std::to_string(run.sent) +
                            " of at most " + std::to_string(m.run.requests) +
                            " requests per source; alpha " + Fixed(m.gate.alpha, 4) + " spent as " +
                            Fixed(run.look_alpha, 4) + " per look");
  }
  if (!m.expect.note.empty()) report->notes.push_back(m.expect.note);
  for (const std::string& n : d.notes) report->notes.push_back(n);
  if (d.view_reads > 1) {
    report->notes.push_back("waited " + Fixed(d.waited_s, 1) + " s (" +
                            std::to_string(d.view_reads) + " reads) for the endpoint views");
  }
  for (const ProbeOutcome& o : run.outcomes) {
    if (!o.interrupted) continue;
    report->notes.push_back(o.source.cluster + "/" + o.source.pod + ": interrupted; " +
                            std::to_string(o.not_issued) + " of " + std::to_string(run.sent) +
                            " requests not sent or without a result (not counted)");
  }
}

// The report of a run stopped during discovery: nothing probed, verdict error, marked
// interrupted, with what discovery was doing when it stopped.
CheckRun InterruptedInDiscovery(const CheckSettings& settings, const std::string& started_at,
                                double duration_s, const Status& why) {
  CheckRun out;
  out.report.verdict = Verdict::kError;
  out.report.tool_version = MESHVERIFY_VERSION;
  out.report.started_at = started_at;
  out.report.duration_s = duration_s;
  out.report.config = settings.config;
  out.report.interrupted = true;
  out.report.notes.push_back("interrupted during discovery, before any request was sent (" +
                             why.message() + ")");
  return out;
}

}  // namespace

Result<CheckRun> RunCheck(const CheckSettings& settings, CommandRunner& runner, Prober& prober,
                          Clock& clock, const std::atomic<bool>* cancel, ProgressSink* progress) {
  const MeshConfig& m = settings.mesh;
  Result<ReplyParser> parser = ReplyParser::Create(m.target.pattern);
  if (!parser.ok()) return parser.status();
  check_internal::LookPlan plan;
  plan.requests = m.run.requests;
  plan.looks = m.run.looks;
  plan.alpha = m.gate.alpha;
  plan.deadline = m.run.deadline;
  plan.spec.url = m.target.url;
  plan.spec.concurrency = m.run.concurrency;
  plan.spec.timeout = m.run.timeout;
  plan.spec.requests = std::max<uint64_t>(1, m.run.requests);
  if (Status s = prober.CheckSpec(plan.spec); !s.ok()) return s;
  const std::string started_at = FormatRfc3339(clock.Now());
  const auto t0 = clock.Monotonic();

  Result<discover::Discovery> found = discover::Discovery{};
  if (settings.direct_source) {
    found = DirectDiscovery(settings);
  } else {
    if (progress != nullptr) progress->Phase("discovering pods and endpoint views");
    discover::DiscoverOptions dopt;
    dopt.wait = m.run.wait;
    dopt.interrupted = cancel;
    found = discover::Discover(runner, clock, m, dopt);
    if (!found.ok() && cancel != nullptr && cancel->load()) {
      return InterruptedInDiscovery(settings, started_at,
                                    std::chrono::duration<double>(clock.Monotonic() - t0).count(),
                                    found.status());
    }
  }
  if (!found.ok()) return found.status();
  const discover::Discovery& d = *found;

  std::map<std::string, std::string> cluster_of_pod;
  for (const PodInfo& p : d.destinations) cluster_of_pod[p.name] = p.cluster;
  std::vector<ProbeSource> sources =
      settings.direct_source ? std::vector<ProbeSource>{*settings.direct_source} : SourcesOf(m, d);
  std::vector<CheckResult> probe_checks;
  if (!sources.empty()) {
    if (progress != nullptr) progress->Phase("preflight: sh, curl and a temp dir in each source");
    probe_checks.push_back(check_internal::PreflightSources(prober, cancel, &sources));
  }
  std::atomic<uint64_t> done{0};
  std::vector<SourceSink> sinks(sources.size());
  std::optional<check_internal::RecordsOut> records;
  if (settings.records != nullptr) records.emplace(settings.records);
  for (SourceSink& s : sinks) {
    s.parser = &*parser;
    s.cluster_of_pod = &cluster_of_pod;
    s.done = &done;
    s.records_out = records ? &*records : nullptr;
  }
  const Looks run = check_internal::ProbeInLooks(
      plan, prober, clock, sources, sinks, done, cancel, progress, [&](double look_alpha) {
        return EveryGateDecided(AnalyzeSoFar(m, d, sinks, look_alpha, {}));
      });

  for (SourceSink& s : sinks) s.Flush();  // the probe threads have stopped
  if (!sources.empty()) {
    probe_checks.push_back(ProbeCheck(run.outcomes, run.seconds, prober.mode()));
  }
  CheckRun out;
  out.report = AnalyzeSoFar(m, d, sinks, run.look_alpha, probe_checks);
  out.report.tool_version = MESHVERIFY_VERSION;
  out.report.started_at = started_at;
  out.report.duration_s = std::chrono::duration<double>(clock.Monotonic() - t0).count();
  out.report.config = settings.config;
  out.report.interrupted = cancel != nullptr && cancel->load();
  AddRunNotes(m, d, run, &out.report);
  if (records) out.records_status = records->status();
  return out;
}

}  // namespace meshverify
