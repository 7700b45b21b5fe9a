// ClusterMap with east-west gateways (multi-network): gateways before pod CIDRs, overlapping
// pod CIDRs of two networks, and the expected shares of a view with gateway endpoints.
#include <gtest/gtest.h>

#include "meshverify/endpoint_parsers.h"
#include "meshverify/endpoints.h"

namespace meshverify {
namespace {

ClusterConfig Cluster(std::string name, std::vector<std::string> cidrs,
                      std::vector<std::string> gateways) {
  ClusterConfig c;
  c.name = std::move(name);
  c.pod_cidrs = std::move(cidrs);
  c.gateways = std::move(gateways);
  return c;
}

Endpoint Ep(std::string address, uint32_t port, uint32_t weight = 1) {
  Endpoint e;
  e.address = std::move(address);
  e.port = port;
  e.health = HealthStatus::kHealthy;
  e.weight = weight;
  return e;
}

TEST(ClusterMapGatewaysTest, AGatewayAddressBelongsToItsClusterBeforeAnyCidr) {
  // cluster1's pod CIDR covers cluster2's gateway address: the gateway wins.
  auto map = ClusterMap::Create({Cluster("cluster1", {"172.18.0.0/16"}, {}),
                                 Cluster("cluster2", {"10.244.0.0/16"}, {"172.18.0.3:15443"})});
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_TRUE(map->has_gateways());
  EXPECT_EQ(map->GatewayOf("172.18.0.3", 15443), "cluster2");
  EXPECT_EQ(map->GatewayOf("172.18.0.3", 5000), "");  // another port is not the gateway
  EXPECT_EQ(map->GatewayOf("172.18.0.4", 15443), "");
  std::vector<Endpoint> eps = {Ep("172.18.0.3", 15443), Ep("172.18.0.3", 5000),
                               Ep("10.244.0.7", 5000)};
  map->AssignClusters(eps);
  EXPECT_EQ(eps[0].cluster, "cluster2");
  EXPECT_EQ(eps[0].via, "gateway");
  EXPECT_EQ(eps[1].cluster, "cluster1");  // by CIDR, not through the gateway
  EXPECT_EQ(eps[1].via, "");
  EXPECT_EQ(eps[2].cluster, "cluster2");
  EXPECT_EQ(eps[2].via, "");
}

TEST(ClusterMapGatewaysTest, AGatewayWithoutPortMatchesEveryPortAndIpv6Works) {
  auto map = ClusterMap::Create(
      {Cluster("a", {}, {"192.168.229.100"}), Cluster("b", {}, {"[fd00::b]:15443"})});
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->GatewayOf("192.168.229.100", 15443), "a");
  EXPECT_EQ(map->GatewayOf("192.168.229.100", 443), "a");
  EXPECT_EQ(map->GatewayOf("fd00:0::b", 15443), "b");  // compared as addresses, not text
  EXPECT_EQ(map->GatewayOf("[fd00::b]", 15443), "b");
  EXPECT_EQ(map->GatewayOf("X.X.X.X", 15443), "");
}

TEST(ClusterMapGatewaysTest, RejectsBadAndSharedGateways) {
  auto bad = ClusterMap::Create({Cluster("c1", {}, {"172.18.0.300:15443"})});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "c1: gateways: '172.18.0.300:15443': not an IP address (ADDR[:PORT])");
  auto shared = ClusterMap::Create(
      {Cluster("c1", {}, {"172.18.0.3:15443"}), Cluster("c2", {}, {"172.18.0.3"})});
  ASSERT_FALSE(shared.ok());
  EXPECT_EQ(shared.status().message(), "gateway 172.18.0.3 listed for c1 and c2");
  // The same address on two ports of two clusters is fine (two gateways behind one IP).
  EXPECT_TRUE(ClusterMap::Create({Cluster("c1", {}, {"172.18.0.3:15443"}),
                                  Cluster("c2", {}, {"172.18.0.3:15444"})})
                  .ok());
}

TEST(ClusterMapGatewaysTest, OverlappingCidrsOfTwoNetworksMapToTheCallersCluster) {
  std::vector<ClusterConfig> clusters = {
      Cluster("cluster1", {"10.244.0.0/16"}, {"172.18.0.2:15443"}),
      Cluster("cluster2", {"10.244.0.0/16"}, {"172.18.0.3:15443"})};
  EXPECT_TRUE(ClusterMap::FindOverlaps(clusters).empty());  // a multi-network mesh
  auto map = ClusterMap::Create(clusters);                  // kReject accepts it
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->ClusterOf("10.244.0.5"), "");  // whose? only the caller can tell
  EXPECT_EQ(map->ClusterOf("10.244.0.5", "cluster1"), "cluster1");
  EXPECT_EQ(map->ClusterOf("10.244.0.5", "cluster2"), "cluster2");
  EXPECT_EQ(map->ClusterOf("10.244.0.5", "cluster3"), "");
  std::vector<Endpoint> view = {Ep("10.244.0.5", 5000), Ep("172.18.0.3", 15443, 2)};
  map->AssignClusters(view, "cluster1");
  EXPECT_EQ(view[0].cluster, "cluster1");
  EXPECT_EQ(view[1].cluster, "cluster2");
  EXPECT_EQ(view[1].via, "gateway");
  // Istio weights the gateway by the 2 remote pods behind it: 1/3 local, 2/3 remote.
  std::map<std::string, double> shares = ExpectedClusterShares(view);
  EXPECT_NEAR(shares["cluster1"], 1.0 / 3, 1e-12);
  EXPECT_NEAR(shares["cluster2"], 2.0 / 3, 1e-12);
}

TEST(ClusterMapGatewaysTest, OverlapWithoutGatewaysOnBothSidesStaysAProblem) {
  std::vector<ClusterConfig> clusters = {
      Cluster("cluster1", {"10.244.0.0/16"}, {}),
      Cluster("cluster2", {"10.244.0.0/16"}, {"172.18.0.3:15443"})};
  EXPECT_EQ(ClusterMap::FindOverlaps(clusters),
            std::vector<std::string>{
                "pod CIDRs overlap: cluster1 10.244.0.0/16 and cluster2 10.244.0.0/16"});
  EXPECT_FALSE(ClusterMap::Create(clusters).ok());
  auto lenient = ClusterMap::Create(clusters, OverlapPolicy::kLeaveUnmapped);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->ClusterOf("10.244.0.5", "cluster1"), "");
}

// istio/istio#35082, grep'd: the local pod and two remote networks' gateways.
TEST(ClusterMapGatewaysTest, RealWorldThreeNetworksTable) {
  const char kView[] =
      "172.22.0.18:9080                 HEALTHY     OK                "
      "outbound|9080||productpage.istio.svc.cluster.local\n"
      "192.168.229.100:15443            HEALTHY     OK                "
      "outbound|9080||productpage.istio.svc.cluster.local\n"
      "192.168.229.101:15443            HEALTHY     OK                "
      "outbound|9080||productpage.istio.svc.cluster.local\n";
  auto view = ParseEndpointView(kView, EndpointFormat::kAuto, "gh35082");
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto map = ClusterMap::Create({Cluster("east", {"172.22.0.0/16"}, {}),
                                 Cluster("west", {}, {"192.168.229.100:15443"}),
                                 Cluster("north", {}, {"192.168.229.101:15443"})});
  ASSERT_TRUE(map.ok());
  map->AssignClusters(view->endpoints);
  ASSERT_EQ(view->endpoints.size(), 3u);
  EXPECT_EQ(view->endpoints[0].cluster, "east");
  EXPECT_EQ(view->endpoints[0].via, "");
  EXPECT_EQ(view->endpoints[1].cluster, "west");
  EXPECT_EQ(view->endpoints[1].via, "gateway");
  EXPECT_EQ(view->endpoints[2].cluster, "north");
  EXPECT_EQ(view->endpoints[2].via, "gateway");
}

}  // namespace
}  // namespace meshverify
