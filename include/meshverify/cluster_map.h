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
#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

// What to do when two clusters' CIDRs overlap.
enum class OverlapPolicy {
  kReject,         // Create() fails
  kLeaveUnmapped,  // Create() succeeds; addresses inside an overlap map to no cluster
};

// Maps addresses (IPv4 and IPv6) to mesh clusters by their pod CIDRs.
class ClusterMap {
 public:
  // Builds the map from each cluster's `name` and `pod_cidrs` (other fields are ignored).
  // Fails with InvalidInput when a CIDR is invalid ("<cluster>: pod_cidrs: <reason>"), or,
  // under kReject, when CIDRs of two clusters overlap:
  // "pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16".
  static Result<ClusterMap> Create(std::vector<ClusterConfig> clusters,
                                   OverlapPolicy policy = OverlapPolicy::kReject);

  // Returns one line per pair of overlapping CIDRs of two different clusters, in the form of the
  // kReject error message; empty when none overlap. Invalid CIDRs are skipped.
  static std::vector<std::string> FindOverlaps(const std::vector<ClusterConfig>& clusters);

  // Returns the mesh cluster whose pod CIDRs contain `address` (IPv4, IPv6 with or without
  // brackets); "" when none does, when `address` is not an IP (e.g. "unix://..."), or when it
  // lies inside an overlap (kLeaveUnmapped). The longest matching prefix wins within a cluster.
  std::string ClusterOf(std::string_view address) const;

  // Sets each endpoint's `cluster`: ClusterOf(address) when non-empty, else its
  // `workload_cluster_id` (Istio's cluster ID from EDS metadata), else "".
  void AssignClusters(std::vector<Endpoint>& endpoints) const;

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
  std::vector<Range> ranges_;    // every cluster's CIDRs
  std::vector<Range> overlaps_;  // intersections of two clusters' CIDRs (kLeaveUnmapped)
  std::vector<std::string> names_;
};

}  // namespace meshverify
