// Multi-network misconfigured (istio.io's multicluster troubleshooting): cluster2 has an
// east-west gateway, yet cluster1's sidecar lists cluster2's pods by their pod IPs, which are
// not routable from cluster1's network, so only cluster1 answers. The reachability hint names
// the network labels, not the pod routes of a single-network mesh.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyze/builders.h"
#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"

namespace meshverify {
namespace {

constexpr char kSrc[] = "sleep-1";

using testing_analyze::Pod;

// cluster2's pods by their pod IPs (`via` ""), or its gateway's address (port 15443).
Endpoint Ep(const std::string& address, const std::string& cluster, const std::string& via) {
  return testing_analyze::NetworkEp(kSrc, address, via.empty() ? 5000 : 15443, cluster, 1, via);
}

// cluster1's sleep got 3000 answers, all from its own pod; cluster2's pod is listed as `remote`.
Report Scenario(const Endpoint& remote, std::vector<std::string> gateway_clusters) {
  Aggregator agg;
  agg.AddOkCount("cluster1", kSrc, "cluster1", "v1", "helloworld-v1-a", 3000);
  AnalyzeInput in;
  in.sources = agg.sources();
  in.destinations = {Pod("helloworld-v1-a", "cluster1", "10.241.0.8", "v1"),
                     Pod("helloworld-v2-a", "cluster2", "10.244.0.8", "v2")};
  std::vector<Endpoint> view = {Ep("10.241.0.8", "cluster1", ""), remote};
  in.expect[std::string("cluster1/") + kSrc] = ExpectationFromEndpoints(view, in.destinations);
  in.clusters = {"cluster1", "cluster2"};
  in.gateway_clusters = std::move(gateway_clusters);
  return Analyze(in, GateOptions{});
}

std::string ReachabilityHint(const Report& r) {
  for (const CheckResult& c : r.checks) {
    if (c.name != "reachability") continue;
    EXPECT_EQ(c.status, CheckStatus::kFail) << c.detail;
    return c.hint;
  }
  ADD_FAILURE() << "no reachability check";
  return "";
}

bool Has(const std::string& hint, const std::string& text) {
  return hint.find(text) != std::string::npos;
}

TEST(PodIpHintTest, RemotePodIpsInAMultiNetworkMeshNameTheNetworkLabels) {
  Report r = Scenario(Ep("10.244.0.8", "cluster2", ""), {"cluster1", "cluster2"});
  std::string hint = ReachabilityHint(r);
  EXPECT_TRUE(Has(hint,
                  "cluster1/sleep-1's sidecar lists cluster2 endpoints by their pod IPs, but "
                  "cluster2 is on a network of its own (it has an east-west gateway)"))
      << hint;
  EXPECT_TRUE(Has(hint, "topology.istio.io/network label")) << hint;
  EXPECT_TRUE(Has(hint, "meshNetworks")) << hint;
  EXPECT_FALSE(Has(hint, "static route")) << hint;
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(PodIpHintTest, OnOneNetworkTheSameViewNamesThePodRoutes) {
  std::string hint = ReachabilityHint(Scenario(Ep("10.244.0.8", "cluster2", ""), {}));
  EXPECT_TRUE(Has(hint, "static route to the remote pod CIDR")) << hint;
  EXPECT_FALSE(Has(hint, "by their pod IPs")) << hint;
}

TEST(PodIpHintTest, AGatewayEndpointIsNotAPodIp) {
  // Listed through its gateway, cluster2 never answering is the dead-gateway case instead.
  std::string hint = ReachabilityHint(
      Scenario(Ep("172.18.255.202", "cluster2", "gateway"), {"cluster1", "cluster2"}));
  EXPECT_FALSE(Has(hint, "by their pod IPs")) << hint;
}

}  // namespace
}  // namespace meshverify
