// The traffic shares a sidecar's endpoint view predicts (expected_shares.h).
#include "meshverify/expected_shares.h"

#include <algorithm>

namespace meshverify {
namespace {

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

std::map<std::string, double> ExpectedClusterShares(const std::vector<Endpoint>& endpoints) {
  return SharesBy(endpoints, [](const Endpoint& e) { return e.cluster; });
}

std::map<std::string, double> ExpectedEndpointShares(const std::vector<Endpoint>& endpoints) {
  return SharesBy(endpoints, [](const Endpoint& e) { return e.address; });
}

}  // namespace meshverify
