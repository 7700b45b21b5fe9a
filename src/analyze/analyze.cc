// Analyze: counts + expectations -> Report (statistics, checks, verdict).

#include "meshverify/analyze.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "analyze/checks.h"
#include "meshverify/expected_shares.h"

namespace meshverify {
namespace {

using analyze_internal::CheckInput;
using analyze_internal::kUnknownCluster;
using analyze_internal::SourceView;

const PodInfo* PodByName(const std::vector<PodInfo>& pods, const std::string& name) {
  for (const PodInfo& p : pods) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string ReportClusterKey(const std::string& cluster) {
  return cluster.empty() ? kUnknownCluster : cluster;
}

// When no answer's destination cluster is known (raw captures) and none is expected, a lone
// "unknown" row says nothing: leave by_cluster empty.
void DropLoneUnknownCluster(SourceReport* r) {
  if (r->by_cluster.size() != 1) return;
  auto it = r->by_cluster.find(kUnknownCluster);
  if (it != r->by_cluster.end() && !it->second.expected) r->by_cluster.erase(it);
}

// Copies the counts of one source into a report, filling destination clusters and versions of
// instances the counting could not map from the known destination pods.
SourceReport ReportFromCounts(const SourceCounts& c, const std::vector<PodInfo>& destinations) {
  if (NeedsFold(c)) {  // counting keeps up to twice as many names as a report lists
    SourceCounts folded = c;
    FoldCategories(&folded);
    return ReportFromCounts(folded, destinations);
  }
  SourceReport r;
  r.cluster = c.cluster;
  r.pod = c.pod;
  r.requests = c.requests;
  r.ok = c.ok;
  r.errors = c.errors;
  r.unparsed_samples = c.unparsed_samples;
  r.by_connection = c.by_connection;
  std::map<std::string, uint64_t> by_cluster = c.by_cluster;
  for (const auto& [name, inst] : c.by_instance) {
    InstanceStat s{inst.count, inst.cluster, inst.version};
    const PodInfo* pod = PodByName(destinations, name);
    if (pod != nullptr && s.cluster.empty() && !pod->cluster.empty()) {
      s.cluster = pod->cluster;
      // Move this instance's answers from "unknown" to the cluster its pod is in.
      auto unknown = by_cluster.find("");
      if (unknown != by_cluster.end() && unknown->second >= inst.count) {
        unknown->second -= inst.count;
        by_cluster[pod->cluster] += inst.count;
        if (unknown->second == 0) by_cluster.erase(unknown);
      }
    }
    if (pod != nullptr && s.version.empty()) {
      auto v = pod->labels.find("version");
      if (v != pod->labels.end()) s.version = v->second;
    }
    r.by_instance[name] = s;
  }
  for (const auto& [cluster, n] : by_cluster) {
    if (n > 0) r.by_cluster[ReportClusterKey(cluster)].count = n;
  }
  for (const auto& [version, n] : c.by_version) {
    if (n > 0) r.by_version[version].count = n;
  }
  for (const auto& [cluster, h] : c.latency_ms) {
    if (h.count() == 0) continue;
    r.latency_ms[ReportClusterKey(cluster)] =
        LatencyStat{h.count(), h.Quantile(0.5), h.Quantile(0.9), h.Quantile(0.99), h.max()};
    r.latency_hist[ReportClusterKey(cluster)].Merge(h);
  }
  return r;
}

SourceCounts Pool(const std::vector<SourceCounts>& sources) {
  SourceCounts t;
  for (const SourceCounts& s : sources) AddCounts(s, &t);
  return t;
}

// The note of a source (or the total, `who` "total") with names folded into kOtherCategory.
void NoteFolded(const SourceReport& r, const std::string& who, std::vector<std::string>* notes) {
  std::vector<std::string> parts;
  auto other = [&](uint64_t n, const char* what) {
    if (n > 0) parts.push_back(std::to_string(n) + " " + what);
  };
  auto it = r.by_instance.find(std::string(kOtherCategory));
  other(it == r.by_instance.end() ? 0 : it->second.count, "answers of other instances");
  auto v = r.by_version.find(std::string(kOtherCategory));
  other(v == r.by_version.end() ? 0 : v->second.count, "of other versions");
  auto c = r.by_cluster.find(std::string(kOtherCategory));
  other(c == r.by_cluster.end() ? 0 : c->second.count, "of other clusters");
  if (parts.empty()) return;
  const std::string n = std::to_string(SourceCounts::kMaxCategories);
  std::string text = who + ": more than " + n + " distinct names: ";
  for (size_t i = 0; i < parts.size(); ++i) text += (i > 0 ? ", " : "") + parts[i];
  notes->push_back(text + " (beyond the " + n + " most frequent) are counted as \"" +
                   std::string(kOtherCategory) + "\"");
}

const SourceExpectation* FindExpectation(const std::map<std::string, SourceExpectation>& expect,
                                         const SourceCounts& c) {
  for (const std::string& key : {c.cluster + "/" + c.pod, c.pod, std::string()}) {
    if (key == "/") continue;
    auto it = expect.find(key);
    if (it != expect.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace

namespace analyze_internal {

std::map<std::string, double> PooledExpectation(
    const std::vector<std::pair<uint64_t, const std::map<std::string, double>*>>& parts) {
  std::map<std::string, double> out;
  if (parts.empty()) return out;
  uint64_t total_ok = 0;
  for (const auto& [ok, m] : parts) {
    if (m == nullptr || m->empty()) return {};
    total_ok += ok;
  }
  for (const auto& [ok, m] : parts) {
    double w = total_ok == 0 ? 1.0 / static_cast<double>(parts.size())
                             : static_cast<double>(ok) / static_cast<double>(total_ok);
    for (const auto& [k, p] : *m) out[k] += w * p;
  }
  return out;
}

}  // namespace analyze_internal

Verdict VerdictOf(const std::vector<CheckResult>& checks) {
  bool inconclusive = false;
  for (const CheckResult& c : checks) {
    if (c.status == CheckStatus::kFail) return Verdict::kFail;
    if (c.status == CheckStatus::kInconclusive) inconclusive = true;
  }
  return inconclusive ? Verdict::kInconclusive : Verdict::kPass;
}

namespace {

// The `version` label behind the endpoint at `address`: of the destination pod at that address
// (of the endpoint's cluster first, as pod CIDRs may overlap between networks), or, for an
// east-west gateway, the one version of every destination pod of the gateway's cluster. ""
// when unknown or mixed.
std::string VersionBehind(const std::vector<Endpoint>& view, const std::string& address,
                          const std::vector<PodInfo>& destinations) {
  const Endpoint* ep = nullptr;
  for (const Endpoint& x : view) {
    if (x.address == address && (ep == nullptr || (!ep->Routable() && x.Routable()))) ep = &x;
  }
  if (ep == nullptr) return "";
  auto label = [](const PodInfo& p) {
    auto v = p.labels.find("version");
    return v == p.labels.end() ? std::string() : v->second;
  };
  if (!ep->via.empty()) {
    std::string version;
    for (const PodInfo& p : destinations) {
      if (p.cluster != ep->cluster) continue;
      std::string v = label(p);
      if (v.empty() || (!version.empty() && v != version)) return "";
      version = v;
    }
    return version;
  }
  const PodInfo* pod = nullptr;
  for (const PodInfo& p : destinations) {
    if (p.ip == address && (pod == nullptr || p.cluster == ep->cluster)) pod = &p;
  }
  return pod == nullptr ? "" : label(*pod);
}

}  // namespace

SourceExpectation ExpectationFromEndpoints(const std::vector<Endpoint>& view,
                                           const std::vector<PodInfo>& destinations) {
  SourceExpectation e;
  e.has_endpoint_view = true;
  e.endpoints = view;
  e.by_cluster = ExpectedClusterShares(view);
  std::map<std::string, double> by_version;
  for (const auto& [address, share] : ExpectedEndpointShares(view)) {
    std::string version = VersionBehind(view, address, destinations);
    if (version.empty()) return e;  // versions not all known: leave by_version empty
    by_version[version] += share;
  }
  e.by_version = std::move(by_version);
  return e;
}

Report Analyze(const AnalyzeInput& in, const GateOptions& opt) {
  Report report;
  report.sources.reserve(in.sources.size());
  std::vector<const SourceExpectation*> expectations;
  std::vector<std::pair<uint64_t, const std::map<std::string, double>*>> by_cluster_parts,
      by_version_parts;
  for (const SourceCounts& c : in.sources) {
    const SourceExpectation* e = FindExpectation(in.expect, c);
    SourceReport r = ReportFromCounts(c, in.destinations);
    static const std::map<std::string, double> kNone;
    ComputeShareStatistics(e ? e->by_cluster : kNone, e ? e->by_version : kNone, opt, &r);
    DropLoneUnknownCluster(&r);
    by_cluster_parts.emplace_back(c.ok, e ? &e->by_cluster : nullptr);
    by_version_parts.emplace_back(c.ok, e ? &e->by_version : nullptr);
    expectations.push_back(e);
    report.sources.push_back(std::move(r));
  }

  report.total = ReportFromCounts(Pool(in.sources), in.destinations);
  ComputeShareStatistics(analyze_internal::PooledExpectation(by_cluster_parts),
                         analyze_internal::PooledExpectation(by_version_parts), opt, &report.total);
  DropLoneUnknownCluster(&report.total);
  if (in.sources.size() > 1 && report.total.gate != GateVerdict::kNone) {
    report.notes.push_back(
        "total: expected shares are the sources' expected shares averaged with weights equal "
        "to their ok counts");
  }

  for (const SourceReport& r : report.sources)
    NoteFolded(r, r.cluster + "/" + r.pod, &report.notes);
  if (in.sources.size() > 1) NoteFolded(report.total, "total", &report.notes);

  // Every view once, in source order.
  std::set<const SourceExpectation*> seen;
  for (const SourceExpectation* e : expectations) {
    if (e == nullptr || !e->has_endpoint_view || !seen.insert(e).second) continue;
    report.endpoints.insert(report.endpoints.end(), e->endpoints.begin(), e->endpoints.end());
  }

  CheckInput ci;
  for (size_t i = 0; i < report.sources.size(); ++i) {
    ci.sources.push_back(SourceView{&report.sources[i], expectations[i]});
  }
  ci.total = &report.total;
  ci.destinations = &in.destinations;
  ci.clusters = in.clusters;
  ci.gateway_clusters = in.gateway_clusters;
  ci.opt = opt;

  report.checks = in.extra_checks;
  for (auto* check :
       {analyze_internal::CheckErrorRate, analyze_internal::CheckBalance,
        analyze_internal::CheckReachability, analyze_internal::CheckEndpointsReached,
        analyze_internal::CheckInstancesKnown, analyze_internal::CheckEndpointsInCidrs}) {
    report.checks.push_back(check(ci));
  }
  if (analyze_internal::HasGatewayEndpoints(ci)) {
    report.checks.push_back(analyze_internal::CheckGatewaySplit(ci));
  }
  report.verdict = VerdictOf(report.checks);
  return report;
}

}  // namespace meshverify
