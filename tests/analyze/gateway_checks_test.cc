// Multi-network scenarios through Analyze: a view with cluster2's east-west gateway (weight 2:
// two pods behind it), answers from cluster2's two pods split evenly, per connection (sticky),
// or not at all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyze/builders.h"
#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"

namespace meshverify {
namespace {

constexpr char kSrc[] = "sleep-1";
constexpr char kLocal[] = "helloworld-v1-a";
constexpr char kRemoteA[] = "helloworld-v2-a";
constexpr char kRemoteB[] = "helloworld-v2-b";

using testing_analyze::Pod;

Endpoint Ep(const std::string& address, uint32_t port, const std::string& cluster, uint32_t weight,
            const std::string& via) {
  return testing_analyze::NetworkEp(kSrc, address, port, cluster, weight, via);
}

// cluster1's sleep: `local` answers from its pod, `a` and `b` from cluster2's two pods.
Report Scenario(uint64_t local, uint64_t a, uint64_t b, bool with_gateway = true,
                bool remote_pods = true) {
  Aggregator agg;
  agg.AddOkCount("cluster1", kSrc, "cluster1", "v1", kLocal, local);
  agg.AddOkCount("cluster1", kSrc, "cluster2", "v2", kRemoteA, a);
  agg.AddOkCount("cluster1", kSrc, "cluster2", "v2", kRemoteB, b);
  AnalyzeInput in;
  in.sources = agg.sources();
  // Both clusters use 10.244.0.0/16 (overlap): cluster2's pods share cluster1's addresses.
  in.destinations = {Pod(kLocal, "cluster1", "10.244.0.5", "v1"),
                     Pod(kRemoteA, "cluster2", "10.244.0.5", "v2"),
                     Pod(kRemoteB, "cluster2", "10.244.0.6", "v2")};
  if (!remote_pods) in.destinations.resize(1);  // cluster2 is gone: no pod of it is known
  std::vector<Endpoint> view = {Ep("10.244.0.5", 5000, "cluster1", 1, "")};
  if (with_gateway) {
    view.push_back(Ep("172.18.0.3", 15443, "cluster2", 2, "gateway"));
  } else {
    view.push_back(Ep("10.244.0.5", 5000, "cluster2", 1, ""));
    view.push_back(Ep("10.244.0.6", 5000, "cluster2", 1, ""));
  }
  in.expect[std::string("cluster1/") + kSrc] = ExpectationFromEndpoints(view, in.destinations);
  in.clusters = {"cluster1", "cluster2"};
  return Analyze(in, GateOptions{});
}

const CheckResult* Find(const Report& r, const std::string& name) {
  for (const CheckResult& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(GatewayChecksTest, AnEvenSplitBehindTheGatewayPasses) {
  Report r = Scenario(4000, 4000, 4000);
  const CheckResult* split = Find(r, "gateway_split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->status, CheckStatus::kPass) << split->detail;
  // The gateway weighs 2 of 3: cluster2 gets 2/3, and its version is v2 (its pods' version).
  const SourceReport& s = r.sources[0];
  EXPECT_NEAR(*s.by_cluster.at("cluster2").expected, 2.0 / 3, 1e-12);
  EXPECT_NEAR(*s.by_version.at("v2").expected, 2.0 / 3, 1e-12);
  for (const char* name :
       {"balance", "reachability", "endpoints_reached", "instances_known", "endpoints_in_cidrs"}) {
    const CheckResult* c = Find(r, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->status, CheckStatus::kPass) << name << ": " << c->detail;
  }
  EXPECT_EQ(r.verdict, Verdict::kPass);
}

TEST(GatewayChecksTest, ASplitThatFollowsTheConnectionsFailsWithTheExplanation) {
  // Clusters balanced (1/3, 2/3) but cluster2's answers all from one pod.
  Report r = Scenario(4000, 7000, 1000);
  const CheckResult* split = Find(r, "gateway_split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->status, CheckStatus::kFail);
  EXPECT_EQ(split->detail.rfind(
                "requests through the east-west gateway of cluster2 reach one pod per "
                "connection: the gateway passes connections through (AUTO_PASSTHROUGH), so with "
                "long-lived connections the remote split follows the connections. ",
                0),
            0u)
      << split->detail;
  EXPECT_NE(split->detail.find("helloworld-v2-a 7000 (87.5%, expected 50.0%)"), std::string::npos)
      << split->detail;
  EXPECT_NE(split->hint.find("maxRequestsPerConnection"), std::string::npos);
  EXPECT_EQ(Find(r, "balance")->status, CheckStatus::kPass);
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(GatewayChecksTest, SkewBetweenClustersToIsNotCalledStickiness) {
  Report r = Scenario(8000, 3500, 500);
  const CheckResult* split = Find(r, "gateway_split");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->status, CheckStatus::kFail);
  EXPECT_EQ(split->detail.find("AUTO_PASSTHROUGH"), std::string::npos);
  EXPECT_EQ(Find(r, "balance")->status, CheckStatus::kFail);
}

TEST(GatewayChecksTest, FewAnswersAreInconclusiveAndSingleNetworkViewsHaveNoSuchCheck) {
  EXPECT_EQ(Find(Scenario(10, 12, 8), "gateway_split")->status, CheckStatus::kInconclusive);
  EXPECT_EQ(Find(Scenario(4000, 4000, 4000, false), "gateway_split"), nullptr);
}

TEST(GatewayChecksTest, AGatewayThatNeverAnswersIsAnUnreachedEndpoint) {
  Report r = Scenario(4000, 0, 0);
  const CheckResult* reached = Find(r, "endpoints_reached");
  ASSERT_NE(reached, nullptr);
  EXPECT_EQ(reached->status, CheckStatus::kFail);
  EXPECT_NE(reached->detail.find("never got an answer through the gateway 172.18.0.3:15443 "
                                 "(cluster2, share 0.667"),
            std::string::npos)
      << reached->detail;
  EXPECT_NE(reached->hint.find("the sidecar lists the east-west gateway 172.18.0.3:15443 of "
                               "cluster2 but no request through it was answered: check the "
                               "gateway's address and port"),
            std::string::npos)
      << reached->hint;
}

// istio/istio#35082: the remote cluster is destroyed, its gateway stays HEALTHY in the view.
TEST(GatewayChecksTest, AGatewayListedHealthyAfterItsClusterIsGone) {
  Report r = Scenario(4000, 0, 0, true, false);
  const CheckResult* reached = Find(r, "endpoints_reached");
  ASSERT_NE(reached, nullptr);
  EXPECT_EQ(reached->status, CheckStatus::kFail);
  EXPECT_NE(reached->hint.find("Istio does not health-check remote gateways (istio/istio#35082)"),
            std::string::npos)
      << reached->hint;
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

}  // namespace
}  // namespace meshverify
