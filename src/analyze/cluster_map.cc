// Pod CIDRs -> mesh clusters (cluster_map.h).
#include "meshverify/cluster_map.h"

#include <algorithm>
#include <set>

#include "meshverify/ip.h"

namespace meshverify {

namespace {

IpAddress ToIp(const ClusterMap::Range& r) { return IpAddress{r.v6, r.net}; }

bool Contains(const ClusterMap::Range& r, const IpAddress& ip) {
  return PrefixMatch(ToIp(r), ip, r.prefix_len);
}

bool Overlaps(const ClusterMap::Range& a, const ClusterMap::Range& b) {
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

std::set<std::string> WithGateways(const std::vector<ClusterConfig>& clusters) {
  std::set<std::string> out;
  for (const ClusterConfig& c : clusters) {
    if (!c.gateways.empty()) out.insert(c.name);
  }
  return out;
}

std::string Shown(const GatewayAddress& g) {
  std::string host = g.ip.v6 ? "[" + g.address + "]" : g.address;
  return g.port == 0 ? g.address : host + ":" + std::to_string(g.port);
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
  for (const ClusterConfig& c : clusters) {
    for (const std::string& text : c.gateways) {
      Result<GatewayAddress> g = ParseGatewayAddress(text);
      if (!g.ok()) return Status::InvalidInput(c.name + ": gateways: " + g.status().message());
      for (const Gateway& other : map.gateways_) {
        bool same_port = other.address.port == 0 || g->port == 0 || other.address.port == g->port;
        if (other.cluster != c.name && same_port &&
            IsGateway(other.address, g->ip, other.address.port)) {
          return Status::InvalidInput("gateway " + Shown(*g) + " listed for " + other.cluster +
                                      " and " + c.name);
        }
      }
      map.gateways_.push_back(Gateway{*g, c.name});
    }
  }
  const std::set<std::string> multi = WithGateways(clusters);
  map.ranges_ = std::move(*ranges);
  for (size_t i = 0; i < map.ranges_.size(); ++i) {
    for (size_t j = i + 1; j < map.ranges_.size(); ++j) {
      const Range& a = map.ranges_[i];
      const Range& b = map.ranges_[j];
      if (a.cluster == b.cluster || !Overlaps(a, b)) continue;
      bool multi_network = multi.count(a.cluster) != 0 && multi.count(b.cluster) != 0;
      if (policy == OverlapPolicy::kReject && !multi_network) {
        return Status::InvalidInput(OverlapMessage(a, b));
      }
      // The intersection is the longer prefix.
      map.overlaps_.push_back(
          Overlap{a.prefix_len >= b.prefix_len ? a : b, a.cluster, b.cluster, multi_network});
    }
  }
  return map;
}

std::vector<std::string> ClusterMap::FindOverlaps(const std::vector<ClusterConfig>& clusters) {
  std::vector<std::string> out;
  Result<std::vector<Range>> ranges = Ranges(clusters, /*skip_invalid=*/true);
  const std::set<std::string> multi = WithGateways(clusters);
  for (size_t i = 0; i < ranges->size(); ++i) {
    for (size_t j = i + 1; j < ranges->size(); ++j) {
      const Range& a = (*ranges)[i];
      const Range& b = (*ranges)[j];
      if (multi.count(a.cluster) != 0 && multi.count(b.cluster) != 0) continue;
      if (a.cluster != b.cluster && Overlaps(a, b)) out.push_back(OverlapMessage(a, b));
    }
  }
  return out;
}

std::string ClusterMap::ClusterOf(std::string_view address) const { return ClusterOf(address, ""); }

std::string ClusterMap::ClusterOf(std::string_view address, std::string_view local_cluster) const {
  std::optional<IpAddress> ip = ParseIp(address);
  if (!ip) return "";
  // Inside an overlap: the caller's cluster when it is one of the clusters there and every
  // overlap there is between networks; otherwise nobody can tell.
  bool in_overlap = false, local = false;
  for (const Overlap& o : overlaps_) {
    if (!Contains(o.range, *ip)) continue;
    if (!o.multi_network) return "";
    in_overlap = true;
    local = local || (!local_cluster.empty() && (o.a == local_cluster || o.b == local_cluster));
  }
  if (in_overlap) return local ? std::string(local_cluster) : "";
  const Range* best = nullptr;
  for (const Range& r : ranges_) {
    if (Contains(r, *ip) && (best == nullptr || r.prefix_len > best->prefix_len)) best = &r;
  }
  return best != nullptr ? best->cluster : "";
}

std::string ClusterMap::GatewayOf(std::string_view address, uint32_t port) const {
  if (gateways_.empty()) return "";
  std::optional<IpAddress> ip = ParseIp(address);
  if (!ip) return "";
  for (const Gateway& g : gateways_) {
    if (IsGateway(g.address, *ip, port)) return g.cluster;
  }
  return "";
}

void ClusterMap::Assign(Endpoint& e, std::string_view local_cluster) const {
  e.via.clear();
  e.cluster = GatewayOf(e.address, e.port);
  if (!e.cluster.empty()) {
    e.via = "gateway";
    return;
  }
  e.cluster = ClusterOf(e.address, local_cluster);
  if (e.cluster.empty()) e.cluster = e.workload_cluster_id;
}

void ClusterMap::AssignClusters(std::vector<Endpoint>& endpoints,
                                std::string_view local_cluster) const {
  for (Endpoint& e : endpoints) Assign(e, local_cluster);
}

}  // namespace meshverify
