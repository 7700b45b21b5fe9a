// ClusterMap (pod CIDRs -> mesh clusters) and the `expect: endpoints` shares.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "meshverify/endpoints.h"

namespace meshverify {
namespace {

constexpr char kHelloworld[] = "outbound|5000||helloworld.sample.svc.cluster.local";

std::string ReadTestData(const std::string& relative) {
  std::ifstream in(std::string(MESHVERIFY_TEST_DATA) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<ClusterConfig> SeedClusters() {
  return {{"cluster1", "kind-cluster1", "", {"10.241.0.0/16"}, {}},
          {"cluster2", "kind-cluster2", "", {"10.244.0.0/16"}, {}}};
}

Endpoint Ep(std::string address, std::string health = "HEALTHY", bool ejected = false,
            uint32_t weight = 1, uint32_t priority = 0) {
  Endpoint e;
  e.address = std::move(address);
  e.health = ParseHealthStatus(health).value();
  e.outlier_ejected = ejected;
  e.weight = weight;
  e.priority = priority;
  return e;
}

TEST(ClusterMapTest, MapsTheSeedSubnets) {
  auto map = ClusterMap::Create(SeedClusters());
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->ClusterOf("10.241.3.7"), "cluster1");
  EXPECT_EQ(map->ClusterOf("10.244.0.8"), "cluster2");
  EXPECT_EQ(map->ClusterOf("10.245.0.1"), "");
  EXPECT_EQ(map->ClusterOf("172.18.0.2"), "");
  EXPECT_EQ(map->ClusterOf("unix:///sock/mixer.socket"), "");
  EXPECT_EQ(map->ClusterOf("not an ip"), "");
  EXPECT_EQ(map->cluster_names(), (std::vector<std::string>{"cluster1", "cluster2"}));
}

TEST(ClusterMapTest, MapsIpv6AndOddPrefixes) {
  auto map = ClusterMap::Create({{"c1", "", "", {"fd00:10:241::/56", "10.0.0.0/9"}, {}},
                                 {"c2", "", "", {"fd00:10:244::/56", "10.128.0.0/9"}, {}}});
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->ClusterOf("fd00:10:241::5"), "c1");
  EXPECT_EQ(map->ClusterOf("[fd00:10:244:ff::1]"), "c2");
  EXPECT_EQ(map->ClusterOf("fd00:10:245::1"), "");
  EXPECT_EQ(map->ClusterOf("10.127.255.255"), "c1");
  EXPECT_EQ(map->ClusterOf("10.128.0.0"), "c2");
  EXPECT_EQ(map->ClusterOf("::ffff:10.0.0.1"), "");  // v4-mapped v6 is not the v4 range
}

TEST(ClusterMapTest, OverlapsBetweenClustersAreErrorsOrLeftUnmapped) {
  std::vector<ClusterConfig> clusters = {{"cluster1", "", "", {"10.0.0.0/8"}, {}},
                                         {"cluster2", "", "", {"10.244.0.0/16"}, {}},
                                         {"cluster3", "", "", {"fd00::/8", "192.168.0.0/16"}, {}}};
  auto strict = ClusterMap::Create(clusters);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().message(),
            "pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16");
  EXPECT_EQ(ClusterMap::FindOverlaps(clusters),
            std::vector<std::string>{
                "pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16"});
  auto lenient = ClusterMap::Create(clusters, OverlapPolicy::kLeaveUnmapped);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->ClusterOf("10.244.0.8"), "");  // ambiguous: not silently assigned
  EXPECT_EQ(lenient->ClusterOf("10.1.0.1"), "cluster1");
  EXPECT_EQ(lenient->ClusterOf("fd12::1"), "cluster3");
  // Overlaps within one cluster are harmless.
  EXPECT_TRUE(ClusterMap::Create({{"c", "", "", {"10.0.0.0/8", "10.1.0.0/16"}, {}}}).ok());
}

TEST(ClusterMapTest, RejectsInvalidCidrs) {
  struct Case {
    const char* cidr;
    const char* message;
  } cases[] = {
      {"10.241.0.0", "c1: pod_cidrs: '10.241.0.0': not a CIDR (want address/prefix)"},
      {"10.241.0.1/16", "c1: pod_cidrs: '10.241.0.1/16': host bits set"},
      {"fd00::/129", "c1: pod_cidrs: 'fd00::/129': prefix length must be 0..128"},
      {"10.241.0.0/", "c1: pod_cidrs: '10.241.0.0/': prefix length must be 0..32"},
      {"cluster1/16", "c1: pod_cidrs: 'cluster1/16': bad address"},
  };
  for (const Case& c : cases) {
    auto map = ClusterMap::Create({{"c1", "", "", {c.cidr}, {}}});
    ASSERT_FALSE(map.ok()) << c.cidr;
    EXPECT_EQ(map.status().message(), c.message);
  }
}

TEST(ClusterMapTest, AssignsByCidrThenWorkloadClusterId) {
  auto map = ClusterMap::Create(SeedClusters());
  ASSERT_TRUE(map.ok());
  std::vector<Endpoint> eps = {Ep("10.241.0.5"), Ep("10.99.0.1"), Ep("10.98.0.1"),
                               Ep("10.244.0.8")};
  eps[1].workload_cluster_id = "cluster2";    // outside every CIDR: metadata decides
  eps[3].workload_cluster_id = "Kubernetes";  // the CIDR wins over metadata
  map->AssignClusters(eps);
  EXPECT_EQ(eps[0].cluster, "cluster1");
  EXPECT_EQ(eps[1].cluster, "cluster2");
  EXPECT_EQ(eps[2].cluster, "");
  EXPECT_EQ(eps[3].cluster, "cluster2");
}

// The seed's helloworld: v1 pods in cluster1, v2 pods in cluster2; one cluster1 endpoint is
// UNHEALTHY and one cluster2 endpoint was ejected by outlier detection.
TEST(ExpectedSharesTest, HelloworldTwoClustersFromTheTable) {
  auto all = ParseEndpoints(ReadTestData("endpoints/helloworld_two_clusters.txt"),
                            EndpointFormat::kAuto, "hw.txt");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<Endpoint> hw = FilterByEnvoyCluster(std::move(*all), kHelloworld);
  ASSERT_EQ(hw.size(), 5u);
  auto map = ClusterMap::Create(SeedClusters());
  ASSERT_TRUE(map.ok());
  map->AssignClusters(hw);
  std::map<std::string, double> shares = ExpectedClusterShares(hw);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_NEAR(shares["cluster1"], 1.0 / 3, 1e-12);  // 10.241.0.5 (10.241.0.6 is UNHEALTHY)
  EXPECT_NEAR(shares["cluster2"], 2.0 / 3, 1e-12);  // 10.244.0.8, .10 (.9 is ejected)
  std::map<std::string, double> per_pod = ExpectedEndpointShares(hw);
  ASSERT_EQ(per_pod.size(), 3u);
  EXPECT_NEAR(per_pod["10.241.0.5"], 1.0 / 3, 1e-12);
  EXPECT_EQ(per_pod.count("10.244.0.9"), 0u);
}

TEST(ExpectedSharesTest, JsonViewGivesTheSameShares) {
  auto all = ParseEndpoints(ReadTestData("endpoints/helloworld_two_clusters.json"),
                            EndpointFormat::kAuto, "hw.json");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<Endpoint> hw = FilterByEnvoyCluster(std::move(*all), kHelloworld);
  ClusterMap::Create(SeedClusters())->AssignClusters(hw);
  std::map<std::string, double> shares = ExpectedClusterShares(hw);
  EXPECT_NEAR(shares["cluster1"], 1.0 / 3, 1e-12);
  EXPECT_NEAR(shares["cluster2"], 2.0 / 3, 1e-12);
}

TEST(ExpectedSharesTest, WeightsUnmappedAndNothingRoutable) {
  std::vector<Endpoint> eps = {Ep("a", "HEALTHY", false, 3), Ep("b", "DEGRADED", false, 1),
                               Ep("c", "DRAINING"), Ep("d", "UNKNOWN")};
  eps[0].cluster = "cluster1";  // b and d stay unmapped; Envoy routes to UNKNOWN hosts too
  std::map<std::string, double> shares = ExpectedClusterShares(eps);
  EXPECT_EQ(shares, (std::map<std::string, double>{{"", 0.4}, {"cluster1", 0.6}}));
  EXPECT_TRUE(ExpectedClusterShares({Ep("x", "UNHEALTHY"), Ep("y", "HEALTHY", true)}).empty());
  EXPECT_TRUE(ExpectedClusterShares({}).empty());
}

// Envoy priority levels: priority 0 holds 1.4 x its healthy fraction of the load.
TEST(ExpectedSharesTest, SplitsLoadAcrossPrioritiesAsEnvoy) {
  std::vector<Endpoint> eps = {Ep("10.241.0.5"), Ep("10.241.0.6", "HEALTHY", true),
                               Ep("10.244.0.8", "HEALTHY", false, 1, 1)};
  ClusterMap::Create(SeedClusters())->AssignClusters(eps);
  std::map<std::string, double> shares = ExpectedClusterShares(eps);
  EXPECT_NEAR(shares["cluster1"], 0.7, 1e-12);  // min(1, 1.4 x 1/2)
  EXPECT_NEAR(shares["cluster2"], 0.3, 1e-12);
  // All of priority 0 healthy: priority 1 gets nothing (and is not listed).
  eps[1].outlier_ejected = false;
  shares = ExpectedClusterShares(eps);
  EXPECT_EQ(shares, (std::map<std::string, double>{{"cluster1", 1.0}}));
  // Total health under 100%: loads are scaled up (here 1.4 x 1/3 at priority 0 only).
  std::vector<Endpoint> weak = {Ep("10.241.0.5"), Ep("10.241.0.6", "UNHEALTHY"),
                                Ep("10.241.0.7", "UNHEALTHY")};
  ClusterMap::Create(SeedClusters())->AssignClusters(weak);
  EXPECT_EQ(ExpectedClusterShares(weak), (std::map<std::string, double>{{"cluster1", 1.0}}));
}

}  // namespace
}  // namespace meshverify
