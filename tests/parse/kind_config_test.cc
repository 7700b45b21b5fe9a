// ParseKindConfig (src/parse/kind_config.cc): a kind cluster's pod and service subnets.
#include <gtest/gtest.h>

#include "meshverify/config.h"

namespace meshverify {
namespace {

TEST(ParseKindConfigTest, ReadsPodAndServiceSubnets) {
  auto r = ParseKindConfig(R"(kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  podSubnet: "10.241.0.0/16"
  serviceSubnet: "10.97.0.0/16"
nodes:
  - role: control-plane
)",
                           "kind1.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pod_subnets, std::vector<std::string>{"10.241.0.0/16"});
  EXPECT_EQ(r->service_subnets, std::vector<std::string>{"10.97.0.0/16"});
  EXPECT_FALSE(r->pod_subnet_defaulted);
  EXPECT_EQ(r->ip_family, "ipv4");
}

TEST(ParseKindConfigTest, DefaultsFollowTheIpFamily) {
  auto v4 = ParseKindConfig("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", "k.yaml");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_TRUE(v4->pod_subnet_defaulted);
  EXPECT_EQ(v4->pod_subnets, std::vector<std::string>{"10.244.0.0/16"});
  auto dual = ParseKindConfig(
      "kind: Cluster\nnetworking:\n  ipFamily: dual\n  podSubnet: 10.1.0.0/16,fd00:1::/56\n",
      "k.yaml");
  ASSERT_TRUE(dual.ok()) << dual.status().ToString();
  EXPECT_EQ(dual->pod_subnets, (std::vector<std::string>{"10.1.0.0/16", "fd00:1::/56"}));
  EXPECT_EQ(dual->service_subnets, (std::vector<std::string>{"10.96.0.0/16", "fd00:10:96::/112"}));
}

TEST(ParseKindConfigTest, RejectsBadSubnetsAndOtherKinds) {
  struct Case {
    const char* yaml;
    const char* message;
  } cases[] = {
      {"kind: Cluster\nnetworking:\n  podSubnet: 10.241.0.0\n",
       "k.yaml:3: networking.podSubnet: '10.241.0.0': not a CIDR (want address/prefix)"},
      {"kind: Pod\n", "k.yaml:1: kind: expected 'Cluster'"},
      {"kind: Cluster\nnetworking:\n  ipFamily: ipv5\n",
       "k.yaml:3: networking.ipFamily: expected ipv4, ipv6 or dual"},
      {"just text\n", "k.yaml: expected a kind Cluster config"},
  };
  for (const auto& c : cases) {
    auto r = ParseKindConfig(c.yaml, "k.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.status().message(), c.message);
  }
}

}  // namespace
}  // namespace meshverify
