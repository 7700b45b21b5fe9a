#pragma once
// Private to src/analyze: the checks and hints that Analyze and MergeReports run on computed
// per-source reports. Each check works from SourceReport counts plus the source's expectation
// (its endpoint view), so a merged report can re-run them without the raw records.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "meshverify/analyze.h"
#include "meshverify/format.h"
#include "meshverify/report.h"

namespace meshverify::analyze_internal {

inline CheckResult Make(std::string name, CheckStatus status, std::string detail,
                        std::string hint = "") {
  return CheckResult{std::move(name), status, std::move(detail), std::move(hint)};
}

inline std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// Key of an unknown destination cluster in a report's by_cluster ("" in SourceCounts).
inline constexpr const char* kUnknownCluster = "unknown";

struct SourceView {
  const SourceReport* report = nullptr;
  const SourceExpectation* expect = nullptr;  // nullptr when nothing is expected
};

struct CheckInput {
  std::vector<SourceView> sources;
  const SourceReport* total = nullptr;
  const std::vector<PodInfo>* destinations = nullptr;  // may be empty
  std::vector<std::string> clusters;                   // config clusters, may be empty
  std::vector<std::string> gateway_clusters;           // AnalyzeInput::gateway_clusters
  GateOptions opt;
};

CheckResult CheckErrorRate(const CheckInput& in);
CheckResult CheckBalance(const CheckInput& in);
CheckResult CheckReachability(const CheckInput& in);
CheckResult CheckEndpointsReached(const CheckInput& in);
CheckResult CheckInstancesKnown(const CheckInput& in);
CheckResult CheckEndpointsInCidrs(const CheckInput& in);
// Multi-network (checks_gateway.cc): `gateway_split` gates, per source and gateway endpoint,
// the split among the Ready pods of the gateway's cluster against an equal split; skewed
// while the split between clusters is balanced, it fails with StickinessExplanation. Run only
// when HasGatewayEndpoints (so single-network reports keep their checks).
CheckResult CheckGatewaySplit(const CheckInput& in);
bool HasGatewayEndpoints(const CheckInput& in);
// "requests through the east-west gateway of <cluster> reach one pod per connection: ...".
std::string StickinessExplanation(const std::string& cluster);

// The pooled total's expected shares of one dimension: the sources' expected shares averaged
// with weights equal to their ok counts (equal weights when no source has answers). Each part
// is (ok, expected shares); empty unless every part has a non-empty expectation. Used by
// Analyze and MergeReports alike.
std::map<std::string, double> PooledExpectation(
    const std::vector<std::pair<uint64_t, const std::map<std::string, double>*>>& parts);

// "dns 3, timeout 2" in descending count order.
std::string DescribeErrors(const std::map<std::string, uint64_t>& errors);

// Hints (hints.cc): the likely cause of a pattern, "" when none applies.
// Errors seen by a source, by class.
std::string HintForErrors(const std::map<std::string, uint64_t>& errors);

// A cluster a source had to reach but did not.
struct Unreached {
  std::string cluster;
  int listed = 0;    // endpoints of that cluster in the source's view
  int routable = 0;  // of which routable (Endpoint::Routable)
  // Multi-network: the cluster has gateways of its own and the view lists this many of its
  // routable endpoints by pod IP (not through a gateway), unreachable from another network.
  int pod_ips_across_networks = 0;
};
// Why `r` did not reach `missing`; `view_known` says whether it has an endpoint view.
std::string HintForUnreached(const SourceReport& r, const std::vector<Unreached>& missing,
                             bool view_known);
// What to look at when shares are skewed although every category answers.
std::string HintForSkew();
// What to do when the pods behind a gateway follow the caller's connections.
std::string HintForStickiness();
// A gateway endpoint `address` (host:port) of `cluster` is listed routable but no request
// through it was answered; `cluster_has_pods` says whether Ready destination pods of that
// cluster are known (none: the cluster may be gone while its gateway stays HEALTHY).
std::string HintForDeadGateway(const std::string& address, const std::string& cluster,
                               bool cluster_has_pods);
// No Running and Ready source pod matches `selector` ("-n NS -l SELECTOR") in some cluster.
std::string HintForNoSources(const std::string& selector);
// A sidecar's view still lacks a cluster with Ready destination pods after the wait.
std::string HintForNotConverged();
// The prober lost requests (a pod or its exec died, the deadline came first).
std::string HintForLostRequests();

// A cluster a source must reach.
struct Requirement {
  double share = 0;       // expected share of answers (0 when unknown)
  int listed = 0;         // endpoints of it in the view
  int routable = 0;       // of which routable
  bool has_pods = false;  // a ready destination pod is known in it
};
// The clusters `s` must reach: those with routable endpoints in its view, those with an
// expected by_cluster share > 0, and, when it has a view, those with ready destination pods.
std::map<std::string, Requirement> RequiredClusters(const SourceView& s,
                                                    const std::vector<PodInfo>& destinations);

}  // namespace meshverify::analyze_internal
