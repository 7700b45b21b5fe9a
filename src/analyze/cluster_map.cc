// Pod CIDRs -> mesh clusters, and the expected traffic shares of a sidecar's endpoint view.
#include <algorithm>

#include "meshverify/endpoints.h"
#include "parse/endpoints_internal.h"

namespace meshverify {

namespace {

namespace ei = endpoints_internal;

ei::IpAddress ToIp(const ClusterMap::Range& r) { return ei::IpAddress{r.v6, r.net}; }

bool Contains(const ClusterMap::Range& r, const ei::IpAddress& ip) {
  return ei::PrefixMatch(ToIp(r), ip, r.prefix_len);
}

bool Overlap(const ClusterMap::Range& a, const ClusterMap::Range& b) {
  return a.v6 == b.v6 && ei::PrefixMatch(ToIp(a), ToIp(b), std::min(a.prefix_len, b.prefix_len));
}

std::string OverlapMessage(const ClusterMap::Range& a, const ClusterMap::Range& b) {
  return "pod CIDRs overlap: " + a.cluster + " " + a.cidr + " and " + b.cluster + " " + b.cidr;
}

// Parses every cluster's CIDRs; invalid ones fail, or are skipped when `skip_invalid`.
Result<std::vector<ClusterMap::Range>> Ranges(const std::vector<ClusterConfig>& clusters,
                                              bool skip_invalid) {
  std::vector<ClusterMap::Range> ranges;
  for (const ClusterConfig& c : clusters) {
    for (const std::string& cidr : c.pod_cidrs) {
      auto parsed = ei::ParseCidr(cidr);
      if (!parsed.ok()) {
        if (skip_invalid) continue;
        return Status::InvalidInput(c.name + ": pod_cidrs: " + parsed.status().message());
      }
      ClusterMap::Range r;
      r.cluster = c.name;
      r.cidr = cidr;
      r.v6 = parsed->first.v6;
      r.net = parsed->first.bytes;
      r.prefix_len = parsed->second;
      ranges.push_back(std::move(r));
    }
  }
  return ranges;
}

// Each endpoint's expected share of the traffic: Envoy's priority load split (each priority's
// health = 1.4 x routable/total hosts, capped at 100%; loads fill from priority 0 down, scaled
// up when the total health is under 100%), then Envoy weights within a priority.
std::vector<double> EndpointShares(const std::vector<Endpoint>& endpoints) {
  constexpr double kOverprovisioning = 1.4;
  struct Level {
    size_t hosts = 0, routable = 0;
    double routable_weight = 0;
    double load = 0;
  };
  std::map<uint32_t, Level> levels;
  for (const Endpoint& e : endpoints) {
    Level& l = levels[e.priority];
    ++l.hosts;
    if (e.Routable() && e.weight > 0) {
      ++l.routable;
      l.routable_weight += e.weight;
    }
  }
  double total_health = 0;
  for (auto& [p, l] : levels) {
    l.load = std::min(1.0, kOverprovisioning * double(l.routable) / double(l.hosts));
    if (l.routable_weight == 0) l.load = 0;
    total_health += l.load;
  }
  std::vector<double> shares(endpoints.size(), 0.0);
  if (total_health == 0) return shares;
  double scale = total_health < 1.0 ? 1.0 / total_health : 1.0;
  double remaining = 1.0;
  for (auto& [p, l] : levels) {
    l.load = std::min(remaining, l.load * scale);
    remaining -= l.load;
  }
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const Endpoint& e = endpoints[i];
    const Level& l = levels[e.priority];
    if (e.Routable() && e.weight > 0) shares[i] = l.load * e.weight / l.routable_weight;
  }
  return shares;
}

template <typename KeyFn>
std::map<std::string, double> SharesBy(const std::vector<Endpoint>& endpoints, KeyFn key) {
  std::vector<double> shares = EndpointShares(endpoints);
  std::map<std::string, double> out;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (shares[i] > 0) out[key(endpoints[i])] += shares[i];
  }
  return out;
}

}  // namespace

Result<ClusterMap> ClusterMap::Create(std::vector<ClusterConfig> clusters, OverlapPolicy policy) {
  Result<std::vector<Range>> ranges = Ranges(clusters, /*skip_invalid=*/false);
  if (!ranges.ok()) return ranges.status();
  ClusterMap map;
  for (const ClusterConfig& c : clusters) {
    if (std::find(map.names_.begin(), map.names_.end(), c.name) == map.names_.end()) {
      map.names_.push_back(c.name);
    }
  }
  map.ranges_ = std::move(*ranges);
  for (size_t i = 0; i < map.ranges_.size(); ++i) {
    for (size_t j = i + 1; j < map.ranges_.size(); ++j) {
      const Range& a = map.ranges_[i];
      const Range& b = map.ranges_[j];
      if (a.cluster == b.cluster || !Overlap(a, b)) continue;
      if (policy == OverlapPolicy::kReject) return Status::InvalidInput(OverlapMessage(a, b));
      map.overlaps_.push_back(a.prefix_len >= b.prefix_len ? a : b);  // the intersection
    }
  }
  return map;
}

std::vector<std::string> ClusterMap::FindOverlaps(const std::vector<ClusterConfig>& clusters) {
  std::vector<std::string> out;
  Result<std::vector<Range>> ranges = Ranges(clusters, /*skip_invalid=*/true);
  for (size_t i = 0; i < ranges->size(); ++i) {
    for (size_t j = i + 1; j < ranges->size(); ++j) {
      const Range& a = (*ranges)[i];
      const Range& b = (*ranges)[j];
      if (a.cluster != b.cluster && Overlap(a, b)) out.push_back(OverlapMessage(a, b));
    }
  }
  return out;
}

std::string ClusterMap::ClusterOf(std::string_view address) const {
  std::optional<ei::IpAddress> ip = ei::ParseIp(address);
  if (!ip) return "";
  for (const Range& r : overlaps_) {
    if (Contains(r, *ip)) return "";
  }
  const Range* best = nullptr;
  for (const Range& r : ranges_) {
    if (Contains(r, *ip) && (best == nullptr || r.prefix_len > best->prefix_len)) best = &r;
  }
  return best != nullptr ? best->cluster : "";
}

void ClusterMap::AssignClusters(std::vector<Endpoint>& endpoints) const {
  for (Endpoint& e : endpoints) {
    e.cluster = ClusterOf(e.address);
    if (e.cluster.empty()) e.cluster = e.workload_cluster_id;
  }
}

std::map<std::string, double> ExpectedClusterShares(const std::vector<Endpoint>& endpoints) {
  return SharesBy(endpoints, [](const Endpoint& e) { return e.cluster; });
}

std::map<std::string, double> ExpectedEndpointShares(const std::vector<Endpoint>& endpoints) {
  return SharesBy(endpoints, [](const Endpoint& e) { return e.address; });
}

}  // namespace meshverify
