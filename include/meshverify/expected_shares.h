#pragma once
// What a sidecar's endpoint view predicts: the expected share of traffic per mesh cluster or
// per endpoint, as Envoy's load balancer splits it (src/analyze/expected_shares.cc). Pure;
// thread-safe.

#include <map>
#include <string>
#include <vector>

#include "meshverify/model.h"

namespace meshverify {

// The `expect: endpoints` mode of DESIGN.md. Returns the expected share of traffic per mesh
// cluster (Endpoint::cluster; unmapped endpoints under ""), from the routable endpoints
// (Endpoint::Routable) weighted by Envoy weight. Across priorities, load is split as Envoy does
// (overprovisioning factor 1.4, Istio's default; no panic mode, as Istio's default
// minHealthPercent is 0). Shares sum to 1; the map is empty when no endpoint is routable.
// Callers pass one sidecar's view of one Envoy cluster (see FilterByEnvoyCluster).
std::map<std::string, double> ExpectedClusterShares(const std::vector<Endpoint>& endpoints);

// Same as ExpectedClusterShares, keyed by endpoint address (so per pod when each pod has one
// address); endpoints sharing an address add up.
std::map<std::string, double> ExpectedEndpointShares(const std::vector<Endpoint>& endpoints);

}  // namespace meshverify
