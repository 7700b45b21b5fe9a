// Pod CIDRs -> mesh clusters (cluster_map.h).
#include "meshverify/cluster_map.h"

#include <algorithm>

#include "meshverify/ip.h"

namespace meshverify {

namespace {

IpAddress ToIp(const ClusterMap::Range& r) { return IpAddress{r.v6, r.net}; }

bool Contains(const ClusterMap::Range& r, const IpAddress& ip) {
  return PrefixMatch(ToIp(r), ip, r.prefix_len);
}

bool Overlap(const ClusterMap::Range& a, const ClusterMap::Range& b) {
  return a.v6 == b.v6 && PrefixMatch(ToIp(a), ToIp(b), std::min(a.prefix_len, b.prefix_len));
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
      auto parsed = ParseCidr(cidr);
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
  std::optional<IpAddress> ip = ParseIp(address);
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

}  // namespace meshverify
