// Multi-network: `gateway_split`, the split among the pods reached through one east-west
// gateway. A gateway passes each connection through to one pod (AUTO_PASSTHROUGH), so with
// long-lived connections from the caller's sidecar the remote split follows the connections,
// not the load balancer: Istio users see it as an unexplained skew (istio/istio#31549).

#include <set>
#include <string>
#include <vector>

#include "analyze/checks.h"
#include "meshverify/stats.h"

namespace meshverify::analyze_internal {
namespace {

bool HasView(const SourceView& s) { return s.expect != nullptr && s.expect->has_endpoint_view; }

// The clusters a source's view reaches through a routable gateway endpoint.
std::set<std::string> GatewayClusters(const SourceView& s) {
  std::set<std::string> out;
  if (!HasView(s)) return out;
  for (const Endpoint& e : s.expect->endpoints) {
    if (!e.via.empty() && !e.cluster.empty() && e.Routable()) out.insert(e.cluster);
  }
  return out;
}

// True when the source's split between clusters was gated and found balanced.
bool ClusterSplitBalanced(const SourceReport& r) {
  bool any = false;
  for (const auto& [cluster, share] : r.by_cluster) {
    if (!share.expected) continue;
    any = true;
    if (share.gate != GateVerdict::kBalanced) return false;
  }
  return any;
}

struct Split {
  stats::Gate gate = stats::Gate::kBalanced;
  std::string detail;
};

// Gates each Ready pod's share of the answers from `cluster` against an equal split.
Split GateSplit(const SourceReport& r, const std::vector<PodInfo>& destinations,
                const std::string& cluster, const GateOptions& opt) {
  std::vector<std::pair<std::string, uint64_t>> pods;
  uint64_t n = 0;
  for (const PodInfo& p : destinations) {
    if (p.cluster != cluster || !(p.phase == "Running" && p.ready)) continue;
    auto it = r.by_instance.find(p.name);
    uint64_t k = it == r.by_instance.end() ? 0 : it->second.count;
    pods.emplace_back(p.name, k);
    n += k;
  }
  Split out;
  if (pods.size() < 2 || n == 0) {
    out.gate = stats::Gate::kInconclusive;
    return out;
  }
  const double expected = 1.0 / static_cast<double>(pods.size());
  const int decisions = stats::SkewDecisions(static_cast<int>(pods.size()));
  bool all_balanced = true, skewed = false;
  std::vector<std::string> parts;
  for (const auto& [name, k] : pods) {
    stats::ShareGate g = stats::GateShare(k, n, expected, opt.tolerance, opt.alpha, decisions);
    skewed = skewed || g.gate == stats::Gate::kSkewed;
    all_balanced = all_balanced && g.gate == stats::Gate::kBalanced;
    parts.push_back(name + " " + std::to_string(k) + " (" +
                    Fixed(100.0 * static_cast<double>(k) / static_cast<double>(n), 1) +
                    "%, expected " + Fixed(100.0 * expected, 1) + "%)");
  }
  out.gate = skewed         ? stats::Gate::kSkewed
             : all_balanced ? stats::Gate::kBalanced
                            : stats::Gate::kInconclusive;
  out.detail = SourceLabel(r) + " through the gateway of " + cluster + ": " + Join(parts, ", ");
  return out;
}

}  // namespace

std::string StickinessExplanation(const std::string& cluster) {
  return "requests through the east-west gateway of " + cluster +
         " reach one pod per connection: the gateway passes connections through "
         "(AUTO_PASSTHROUGH), so with long-lived connections the remote split follows the "
         "connections";
}

bool HasGatewayEndpoints(const CheckInput& in) {
  for (const SourceView& s : in.sources) {
    if (!GatewayClusters(s).empty()) return true;
  }
  return false;
}

CheckResult CheckGatewaySplit(const CheckInput& in) {
  const char* kName = "gateway_split";
  std::vector<std::string> sticky, skewed, undecided, balanced;
  std::set<std::string> sticky_clusters;
  for (const SourceView& s : in.sources) {
    for (const std::string& cluster : GatewayClusters(s)) {
      Split split = GateSplit(*s.report, *in.destinations, cluster, in.opt);
      if (split.detail.empty()) continue;  // fewer than two pods behind it, or no answers
      if (split.gate == stats::Gate::kSkewed && ClusterSplitBalanced(*s.report)) {
        sticky.push_back(split.detail);
        sticky_clusters.insert(cluster);
      } else if (split.gate == stats::Gate::kSkewed) {
        skewed.push_back(split.detail);
      } else {
        (split.gate == stats::Gate::kBalanced ? balanced : undecided).push_back(split.detail);
      }
    }
  }
  if (!sticky.empty()) {
    std::vector<std::string> why;
    for (const std::string& c : sticky_clusters) why.push_back(StickinessExplanation(c));
    return Make(kName, CheckStatus::kFail, Join(why, "; ") + ". " + Join(sticky, "; "),
                HintForStickiness());
  }
  if (!skewed.empty()) {
    return Make(kName, CheckStatus::kFail,
                "the split among the pods behind a gateway is skewed (and so is the split "
                "between clusters): " +
                    Join(skewed, "; "),
                HintForSkew());
  }
  if (!undecided.empty()) {
    return Make(kName, CheckStatus::kInconclusive, Join(undecided, "; "),
                "too few answers through the gateway to tell: send more requests");
  }
  if (balanced.empty()) {
    return Make(kName, CheckStatus::kSkipped,
                "fewer than two Ready pods behind each gateway, or no answers through one");
  }
  return Make(kName, CheckStatus::kPass,
              "the pods behind each gateway share its requests evenly: " + Join(balanced, "; "));
}

}  // namespace meshverify::analyze_internal
