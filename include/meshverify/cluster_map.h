#pragma once
// The mapping of endpoint addresses onto mesh clusters by their pod CIDRs
// (src/analyze/cluster_map.cc). A ClusterMap is immutable after Create(); its const methods
// may be called from several threads without synchronization. Does no I/O.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/config.h"
#include "meshverify/ip.h"
#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

// What to do when two clusters' CIDRs overlap.
enum class OverlapPolicy {
  kReject,         // Create() fails
  kLeaveUnmapped,  // Create() succeeds; addresses inside an overlap map to no cluster
};

// Maps addresses (IPv4 and IPv6) to mesh clusters by their east-west gateways, then their pod
// CIDRs.
class ClusterMap {
 public:
  // Builds the map from each cluster's `name`, `pod_cidrs` and `gateways` (other fields are
  // ignored). Fails with InvalidInput when a CIDR or gateway is invalid ("<cluster>:
  // pod_cidrs: <reason>", "<cluster>: gateways: <reason>"), when two clusters list the same
  // gateway ("gateway 172.18.0.3:15443 listed for cluster1 and cluster2"), or, under kReject,
  // when CIDRs of two clusters overlap:
  // "pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16".
  // Overlapping CIDRs of two clusters that both have gateways are a multi-network mesh, not an
  // error: a sidecar lists the pods of its own network by pod IP and the other network's
  // through its gateway, so an address inside the overlap maps to the caller's cluster (see
  // ClusterOf with `local_cluster`).
  static Result<ClusterMap> Create(std::vector<ClusterConfig> clusters,
                                   OverlapPolicy policy = OverlapPolicy::kReject);

  // Returns one line per pair of overlapping CIDRs of two different clusters, in the form of the
  // kReject error message; empty when none overlap. Invalid CIDRs are skipped, and so are
  // overlaps between two clusters that both have gateways (a multi-network mesh).
  static std::vector<std::string> FindOverlaps(const std::vector<ClusterConfig>& clusters);

  // Returns the mesh cluster whose pod CIDRs contain `address` (IPv4, IPv6 with or without
  // brackets); "" when none does, when `address` is not an IP (e.g. "unix://..."), or when it
  // lies inside an overlap (kLeaveUnmapped). The longest matching prefix wins within a cluster.
  std::string ClusterOf(std::string_view address) const;

  // As ClusterOf, for an endpoint in the view of a sidecar of `local_cluster`: an address
  // inside an overlap of `local_cluster`'s CIDRs with another cluster's maps to
  // `local_cluster` when both have gateways (multi-network: remote pods are never listed by
  // pod IP). Gateways are not looked at (see GatewayOf).
  std::string ClusterOf(std::string_view address, std::string_view local_cluster) const;

  // The cluster whose gateway is `address:port` ("" when none is; a gateway listed without a
  // port matches every port).
  std::string GatewayOf(std::string_view address, uint32_t port) const;

  // True iff some cluster has gateways (a multi-network mesh).
  bool has_gateways() const { return !gateways_.empty(); }

  // Sets one endpoint's `cluster` and `via`: the gateway's cluster and via "gateway" when the
  // endpoint is a gateway (gateways take precedence over pod CIDRs); else ClusterOf(address,
  // local_cluster) when non-empty; else its `workload_cluster_id` (Istio's cluster ID from EDS
  // metadata), else "".
  void Assign(Endpoint& e, std::string_view local_cluster = "") const;

  // Assign() on each endpoint.
  void AssignClusters(std::vector<Endpoint>& endpoints, std::string_view local_cluster = "") const;

  // Names of the configured clusters, in config order.
  const std::vector<std::string>& cluster_names() const { return names_; }

  // An IP network: 4 or 16 address bytes and a prefix length.
  struct Range {
    std::string cluster;
    std::string cidr;  // as configured
    bool v6 = false;
    std::array<uint8_t, 16> net{};
    int prefix_len = 0;
  };

 private:
  std::vector<Range> ranges_;  // every cluster's CIDRs
  struct Overlap {
    Range range;                 // the intersection of two clusters' CIDRs
    std::string a, b;            // the two clusters
    bool multi_network = false;  // both have gateways
  };
  struct Gateway {
    GatewayAddress address;
    std::string cluster;
  };
  std::vector<Overlap> overlaps_;  // kLeaveUnmapped, or multi-network
  std::vector<Gateway> gateways_;
  std::vector<std::string> names_;
};

}  // namespace meshverify
