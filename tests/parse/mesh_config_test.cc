// mesh.yaml loader (ParseMeshConfig) and the kind config reader (ParseKindConfig).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "meshverify/config.h"

namespace meshverify {
namespace {

using std::chrono::milliseconds;

// DESIGN.md "Config", verbatim.
constexpr char kDesignExample[] = R"(clusters:
  - {name: cluster1, context: kind-cluster1, pod_cidrs: [10.241.0.0/16]}
  - {name: cluster2, context: kind-cluster2, pod_cidrs: [10.244.0.0/16]}
source: {namespace: sample, selector: app=sleep, container: sleep}
target:
  url: http://helloworld.sample:5000/hello
  envoy_cluster: "outbound|5000||helloworld.sample.svc.cluster.local"
  destinations: app=helloworld
expect: endpoints          # or {v1: 0.5, v2: 0.5}
gate: {tolerance: 0.05, alpha: 0.01, max_error_rate: 0.0}
run: {requests: 1000, concurrency: 4, timeout: 5s}
)";

TEST(ParseMeshConfigTest, ReadsTheDesignExample) {
  Result<MeshConfig> r = ParseMeshConfig(kDesignExample, "mesh.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->clusters.size(), 2u);
  EXPECT_EQ(r->clusters[0].name, "cluster1");
  EXPECT_EQ(r->clusters[0].context, "kind-cluster1");
  EXPECT_EQ(r->clusters[0].kubeconfig, "");
  EXPECT_EQ(r->clusters[1].pod_cidrs, std::vector<std::string>{"10.244.0.0/16"});
  EXPECT_EQ(r->source.ns, "sample");
  EXPECT_EQ(r->source.selector, "app=sleep");
  EXPECT_EQ(r->target.envoy_cluster, "outbound|5000||helloworld.sample.svc.cluster.local");
  EXPECT_EQ(r->target.destinations, "app=helloworld");
  EXPECT_TRUE(r->expect.from_endpoints);
  EXPECT_DOUBLE_EQ(r->gate.tolerance, 0.05);
  EXPECT_DOUBLE_EQ(r->gate.alpha, 0.01);
  EXPECT_EQ(r->run.requests, 1000u);
  EXPECT_EQ(r->run.concurrency, 4);
  EXPECT_EQ(r->run.timeout, milliseconds(5000));
}

TEST(ParseMeshConfigTest, ReadsTheLabConfig) {
  std::ifstream in(std::string(MESHVERIFY_SOURCE_DIR) + "/scripts/lab/mesh.yaml");
  if (!in) GTEST_SKIP() << "scripts/lab/mesh.yaml not present";
  std::stringstream text;
  text << in.rdbuf();
  Result<MeshConfig> r = ParseMeshConfig(text.str(), "scripts/lab/mesh.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->clusters.size(), 2u);
  EXPECT_EQ(r->clusters[0].pod_cidrs, std::vector<std::string>{"10.241.0.0/16"});
  EXPECT_EQ(r->clusters[1].context, "kind-cluster2");
}

TEST(ParseMeshConfigTest, DefaultsAndEveryKey) {
  Result<MeshConfig> r = ParseMeshConfig(R"yaml(
clusters:
  - name: east
    kubeconfig: /tmp/k
    pod_cidrs: ["fd00:10:244::/56", 10.1.0.0/16]
target: {namespace: other, pattern: "version: (?P<version>\\w+)"}
expect: {cluster1: 0.25, east: 0.75}
run: {deadline: 2m, wait: 250ms}
)yaml",
                                         "m.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->clusters[0].kubeconfig, "/tmp/k");
  EXPECT_EQ(r->clusters[0].pod_cidrs.size(), 2u);
  EXPECT_EQ(r->source.container, "sleep");  // default
  EXPECT_EQ(r->target.ns, "other");
  EXPECT_EQ(r->target.url, "http://helloworld.sample:5000/hello");  // default
  EXPECT_FALSE(r->expect.from_endpoints);
  EXPECT_EQ(r->expect.shares, (std::map<std::string, double>{{"cluster1", 0.25}, {"east", 0.75}}));
  EXPECT_EQ(r->run.deadline, milliseconds(120000));
  EXPECT_EQ(r->run.wait, milliseconds(250));
  EXPECT_EQ(r->run.requests, 4000u);
  EXPECT_EQ(r->run.looks, 4);
}

TEST(ParseMeshConfigTest, ExpectTakesFractionsAndWeightsWithANote) {
  const std::string clusters = "clusters:\n  - {name: c1, context: k}\n";
  Result<MeshConfig> thirds = ParseMeshConfig(clusters + "expect: {v1: 1/3, v2: 2/3}\n", "m.yaml");
  ASSERT_TRUE(thirds.ok()) << thirds.status().ToString();
  EXPECT_DOUBLE_EQ(thirds->expect.shares.at("v1"), 1.0 / 3);
  EXPECT_EQ(thirds->expect.note, "");
  Result<MeshConfig> weights = ParseMeshConfig(clusters + "expect: {v1: 1, v2: 3}\n", "m.yaml");
  ASSERT_TRUE(weights.ok()) << weights.status().ToString();
  EXPECT_DOUBLE_EQ(weights->expect.shares.at("v2"), 0.75);
  EXPECT_EQ(weights->expect.note,
            "m.yaml:3: expect: weights 1/3 normalised to shares: v1=0.25, v2=0.75");
}

TEST(ParseMeshConfigTest, RejectsBadConfigNamingLineAndKey) {
  const std::string ok_clusters = "clusters: [{name: c1, pod_cidrs: [10.241.0.0/16]}]\n";
  struct Case {
    std::string yaml;
    std::string message;
  } cases[] = {
      {"", "m.yaml: empty config (clusters: is required)"},
      {"source: {namespace: x}\n", "m.yaml:1: clusters: missing (at least one cluster)"},
      {"clusters: []\n", "m.yaml:1: clusters: expected a non-empty list of clusters"},
      {ok_clusters + "tagret: {}\n",
       "m.yaml:2: tagret: unknown key (want clusters|source|target|expect|gate|run)"},
      {"clusters:\n  - name: c1\n    contxt: kind-c1\n",
       "m.yaml:3: clusters[0].contxt: unknown key (want name|context|kubeconfig|pod_cidrs|gateways)"},
      {"clusters:\n  - name: c1\n    gateways: 172.18.0.3:15443\n",
       "m.yaml:3: clusters[0].gateways: expected a list of ADDR[:PORT]"},
      {"clusters:\n  - name: c1\n    gateways: [172.18.0.3:15443, 'gw:15443']\n",
       "m.yaml:3: clusters[0].gateways[1]: 'gw:15443': not an IP address (ADDR[:PORT])"},
      {"clusters:\n  - {context: kind-c1}\n", "m.yaml:2: clusters[0].name: missing"},
      {"clusters:\n  - name: c1\n  - name: c1\n",
       "m.yaml:3: clusters[1].name: duplicate cluster 'c1'"},
      {"clusters:\n  - name: c1\n    pod_cidrs: [10.241.0.0/16, 10.244.0.1/16]\n",
       "m.yaml:3: clusters[0].pod_cidrs[1]: '10.244.0.1/16': host bits set"},
      {"clusters:\n  - name: c1\n    pod_cidrs: 10.241.0.0/16\n",
       "m.yaml:3: clusters[0].pod_cidrs: expected a list of CIDRs"},
      {"clusters:\n  - name: c1\n    pod_cidrs: [10.241.0.0/33]\n",
       "m.yaml:3: clusters[0].pod_cidrs[0]: '10.241.0.0/33': prefix length must be 0..32"},
      {ok_clusters + "gate:\n  tolerance: 0.7\n",
       "m.yaml:3: gate.tolerance: 0.7 is out of range (0, 0.5]"},
      {ok_clusters + "gate: {alpha: lots}\n",
       "m.yaml:2: gate.alpha: expected a number, got 'lots'"},
      {ok_clusters + "run:\n  requests: -5\n",
       "m.yaml:3: run.requests: expected an integer in [1, 100000000], got '-5'"},
      {ok_clusters + "run:\n  concurrency: 0\n",
       "m.yaml:3: run.concurrency: expected an integer in [1, 64], got '0'"},
      {ok_clusters + "run:\n  timeout: 5 parsecs\n",
       "m.yaml:3: run.timeout: bad duration '5 parsecs': unit must be ms, s, m or h"},
      {ok_clusters + "run:\n  timeout: 0s\n", "m.yaml:3: run.timeout: must be positive"},
      {ok_clusters + "run:\n  deadline: 1m\n  timeout: 10m\n",
       "m.yaml:4: run.timeout: longer than run.deadline"},
      {ok_clusters + "expect: everything\n",
       "m.yaml:2: expect: want 'endpoints' or a map of shares such as {v1: 0.5, v2: 0.5}"},
      {ok_clusters + "expect: {v1: 0.5, v2: 0.6}\n", "m.yaml:2: expect: shares sum to 1.1, not 1"},
      {ok_clusters + "target: {url: helloworld:5000}\n",
       "m.yaml:2: target.url: expected an http:// or https:// URL"},
      {ok_clusters + "target: {pattern: \"(unclosed\"}\n",
       "m.yaml:2: target.pattern: bad regular expression: missing ): (unclosed"},
      {ok_clusters + "source: {namespace: [a, b]}\n",
       "m.yaml:2: source.namespace: expected a string"},
      {ok_clusters + "source: {namespace: a, namespace: b}\n",
       "m.yaml:2: source.namespace: duplicate key"},
      {"clusters: [{name: c1}\n", "m.yaml:2: end of sequence flow not found"},
      {ok_clusters + "\"a\\nb\": 1\n",  // found by fuzzing: messages stay on one line
       "m.yaml:2: a\\x0ab: unknown key (want clusters|source|target|expect|gate|run)"},
      {"- just\n- a list\n", "m.yaml:1: (top level): expected a map"},
  };
  for (const Case& c : cases) {
    Result<MeshConfig> r = ParseMeshConfig(c.yaml, "m.yaml");
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_TRUE(r.status().IsInvalidInput());
    EXPECT_EQ(r.status().message(), c.message) << c.yaml;
  }
}

TEST(ParseMeshConfigTest, ReadsEastWestGateways) {
  auto r = ParseMeshConfig(
      "clusters:\n"
      "  - {name: cluster1, pod_cidrs: [10.244.0.0/16], gateways: [172.18.0.2:15443]}\n"
      "  - name: cluster2\n"
      "    pod_cidrs: [10.244.0.0/16]\n"
      "    gateways: [172.18.0.3, '[fd00::3]:15443']\n",
      "m.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->clusters[0].gateways, std::vector<std::string>{"172.18.0.2:15443"});
  EXPECT_EQ(r->clusters[1].gateways, (std::vector<std::string>{"172.18.0.3", "[fd00::3]:15443"}));
}

}  // namespace
}  // namespace meshverify
