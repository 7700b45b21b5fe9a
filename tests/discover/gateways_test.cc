// East-west gateway discovery: the service shapes Istio's gateways come in, and Discover()
// mapping gateway endpoints to their clusters (via: gateway).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_mesh.h"
#include "meshverify/discover.h"

namespace meshverify::discover {
namespace {

using meshverify::testing::FakeClock;
using meshverify::testing::FakeCommandRunner;
using meshverify::testing::ReadTestFile;

// As `kubectl get svc -n istio-system -l istio=eastwestgateway -o json` prints the service of
// samples/multicluster/gen-eastwest-gateway.sh (trimmed), with a MetalLB address.
constexpr char kLoadBalancer[] = R"({"apiVersion":"v1","kind":"List","items":[{
  "apiVersion":"v1","kind":"Service",
  "metadata":{"name":"istio-eastwestgateway","namespace":"istio-system",
              "labels":{"istio":"eastwestgateway","topology.istio.io/network":"network2"}},
  "spec":{"type":"LoadBalancer","ports":[
     {"name":"status-port","port":15021,"protocol":"TCP","targetPort":15021,"nodePort":31021},
     {"name":"tls","port":15443,"protocol":"TCP","targetPort":15443,"nodePort":30443},
     {"name":"tls-istiod","port":15012,"protocol":"TCP","targetPort":15012,"nodePort":31012}]},
  "status":{"loadBalancer":{"ingress":[{"ip":"172.18.2.1","ipMode":"VIP"}]}}}]})";

TEST(GatewayServicesTest, LoadBalancerIngressOnThePassthroughPort) {
  Result<GatewayServices> g = ParseGatewayServices(kLoadBalancer, "svc");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->addresses, std::vector<std::string>{"172.18.2.1:15443"});
  EXPECT_TRUE(g->node_ports.empty());
  EXPECT_TRUE(g->notes.empty());
}

TEST(GatewayServicesTest, ExternalIpsHostnamesAndNodePorts) {
  Result<GatewayServices> g = ParseGatewayServices(
      R"({"kind":"List","items":[
        {"metadata":{"name":"a"},"spec":{"externalIPs":["192.168.229.100"],
          "ports":[{"port":443,"targetPort":15443}]}},
        {"metadata":{"name":"b"},"spec":{"type":"LoadBalancer","ports":[{"port":15443}]},
          "status":{"loadBalancer":{"ingress":[{"hostname":"gw.elb.example"}]}}},
        {"metadata":{"name":"c"},"spec":{"type":"NodePort",
          "ports":[{"name":"tls","port":15443,"targetPort":15443,"nodePort":31443}]}},
        {"metadata":{"name":"d"},"spec":{"ports":[{"port":80}]}}]})",
      "svc");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->addresses, std::vector<std::string>{"192.168.229.100:443"});  // the service port
  EXPECT_EQ(g->node_ports, std::vector<uint32_t>{31443});  // b: a hostname and no node port
  ASSERT_EQ(g->notes.size(), 2u);
  EXPECT_EQ(g->notes[0],
            "service istio-system/b: load balancer hostname gw.elb.example not resolved: pass "
            "--gateway");
  EXPECT_EQ(g->notes[1], "service istio-system/d has no port 15443: not used as a gateway");
  EXPECT_FALSE(ParseGatewayServices("{", "svc").ok());
  Result<GatewayServices> bad = ParseGatewayServices(R"({"kind":"Service"})", "svc");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "svc: expected a List (kind, items)");
}

TEST(GatewayServicesTest, NodePortsAreReachedAtEveryNodesInternalIp) {
  FakeCommandRunner runner;
  ClusterConfig c;
  c.name = "cluster2";
  c.context = "kind-cluster2";
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "services"}, {"kind-cluster2"}),
            FakeCommandRunner::Ok(R"({"kind":"List","items":[{"metadata":{"name":"gw"},
              "spec":{"type":"NodePort","ports":[{"port":15443,"nodePort":31443}]}}]})"));
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "nodes"}, {"kind-cluster2"}),
            FakeCommandRunner::Ok(R"({"kind":"List","items":[{"status":{"addresses":[
              {"type":"InternalIP","address":"172.18.0.3"},
              {"type":"Hostname","address":"cluster2-control-plane"}]}}]})"));
  std::vector<std::string> notes;
  auto gws = DiscoverGateways(runner, c, std::chrono::seconds(1), &notes);
  ASSERT_TRUE(gws.ok()) << gws.status().ToString();
  EXPECT_EQ(*gws, std::vector<std::string>{"172.18.0.3:31443"});
  EXPECT_EQ(runner.calls()[0],
            (std::vector<std::string>{"kubectl", "get", "services", "-n", "istio-system", "-l",
                                      "istio=eastwestgateway", "--context", "kind-cluster2", "-o",
                                      "json"}));
}

// cluster1's sidecar lists its pod and cluster2's gateway (weight 1: one pod behind it).
constexpr char kGatewayView[] = R"([{"name":"outbound|5000||helloworld.sample.svc.cluster.local",
  "hostStatuses":[
   {"address":{"socketAddress":{"address":"10.241.0.8","portValue":5000}},
    "healthStatus":{"edsHealthStatus":"HEALTHY"},"weight":1},
   {"address":{"socketAddress":{"address":"172.18.0.3","portValue":15443}},
    "healthStatus":{"edsHealthStatus":"HEALTHY"},"weight":1}]}])";

TEST(GatewayDiscoverTest, DiscoveredGatewaysMapEndpointsToTheirClusters) {
  FakeCommandRunner runner;
  // Rules are tried in order: these answer before the single-network ones.
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "services"}, {"kind-cluster2"}),
            FakeCommandRunner::Ok(R"({"kind":"List","items":[{"metadata":{"name":"gw"},
              "spec":{"ports":[{"port":15443}]},
              "status":{"loadBalancer":{"ingress":[{"ip":"172.18.0.3"}]}}}]})"));
  runner.On(FakeCommandRunner::Prefix({"istioctl"}, {"kind-cluster1"}),
            FakeCommandRunner::Ok(kGatewayView));
  meshverify::testing::AddMeshDiscovery(runner);
  Result<MeshConfig> m = ParseMeshConfig(ReadTestFile("check/mesh.yaml"), "mesh.yaml");
  ASSERT_TRUE(m.ok());
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, *m, DiscoverOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const std::vector<Endpoint>& v = d->views.at("cluster1/sleep-98vj4rhb6k-bl94b");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cluster, "cluster1");
  EXPECT_EQ(v[0].via, "");
  EXPECT_EQ(v[1].cluster, "cluster2");
  EXPECT_EQ(v[1].via, "gateway");
  ASSERT_EQ(d->clusters.size(), 2u);
  EXPECT_EQ(d->clusters[1].gateways, std::vector<std::string>{"172.18.0.3:15443"});
  EXPECT_TRUE(d->clusters[0].gateways.empty());
  bool noted = false;
  for (const std::string& n : d->notes) {
    noted = noted || n == "cluster2: east-west gateway 172.18.0.3:15443 (discovered: "
                          "istio=eastwestgateway in istio-system)";
  }
  EXPECT_TRUE(noted);
  for (const CheckResult& c : d->checks) EXPECT_EQ(c.status, CheckStatus::kPass) << c.name;
}

TEST(GatewayDiscoverTest, ConfiguredGatewaysAreNotDiscoveredAndFailuresAreNotes) {
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "services"}, {"kind-cluster1"}),
            FakeCommandRunner::Fail(1, "Error from server (Forbidden): services is forbidden\n"));
  runner.On(FakeCommandRunner::Prefix({"istioctl"}, {"kind-cluster1"}),
            FakeCommandRunner::Ok(kGatewayView));
  meshverify::testing::AddMeshDiscovery(runner);
  Result<MeshConfig> m = ParseMeshConfig(ReadTestFile("check/mesh.yaml"), "mesh.yaml");
  ASSERT_TRUE(m.ok());
  m->clusters[1].gateways = {"172.18.0.3:15443"};
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, *m, DiscoverOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->views.at("cluster1/sleep-98vj4rhb6k-bl94b")[1].via, "gateway");
  EXPECT_EQ(runner.CountCalls(
                FakeCommandRunner::Prefix({"kubectl", "get", "services"}, {"kind-cluster2"})),
            0u);
  ASSERT_FALSE(d->notes.empty());
  EXPECT_NE(d->notes[0].find("cluster1: east-west gateways not discovered (kubectl get services"),
            std::string::npos)
      << d->notes[0];
}

// Found by tests/fuzz/gateway_services_fuzz.cc: a name or hostname with control characters
// (here NUL and a newline) made a note of several lines.
TEST(GatewayServicesTest, NotesStayOneLine) {
  Result<GatewayServices> g = ParseGatewayServices(
      R"({"kind":"List","items":[{"metadata":{"name":"ist\u0000io"},"spec":{"ports":[]}},
        {"metadata":{"name":"b"},"spec":{"ports":[{"port":15443}]},
         "status":{"loadBalancer":{"ingress":[{"hostname":"gw\n.example"}]}}}]})",
      "svc");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_EQ(g->notes.size(), 2u);
  EXPECT_EQ(g->notes[0],
            "service istio-system/ist\\x00io has no port 15443: not used as a gateway");
  EXPECT_EQ(g->notes[1],
            "service istio-system/b: load balancer hostname gw\\x0a.example not resolved: pass "
            "--gateway");
}

}  // namespace
}  // namespace meshverify::discover
