// Statistics of Analyze (shares, intervals, gates, tests, pooled total, latency), the
// expectation from endpoint views, and MergeReports.

#include "meshverify/analyze.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "analyze/builders.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

using namespace testing_analyze;  // NOLINT: test builders

TEST(AnalyzeTest, SharesIntervalsAndGateFollowTheStatsFunctions) {
  GateOptions opt;
  Report r =
      Analyze(OneSource(FastCounts("", "in.txt", 600, 400), {{"v1", 0.5}, {"v2", 0.5}}), opt);
  ASSERT_EQ(r.sources.size(), 1u);
  const SourceReport& s = r.sources[0];
  ASSERT_EQ(s.by_version.size(), 2u);
  const ShareStat& v1 = s.by_version.at("v1");
  EXPECT_EQ(v1.count, 600u);
  EXPECT_DOUBLE_EQ(v1.share, 0.6);
  // Two versions of one partition are one skew decision; the interval shown decided.
  stats::ShareGate g = stats::GateShare(600, 1000, 0.5, 0.05, 0.01, 1);
  EXPECT_DOUBLE_EQ(v1.ci_lo, g.ci.lo);
  EXPECT_DOUBLE_EQ(v1.ci_hi, g.ci.hi);
  EXPECT_DOUBLE_EQ(v1.ci_level, 0.99);
  ASSERT_TRUE(v1.expected.has_value());
  EXPECT_DOUBLE_EQ(*v1.expected, 0.5);
  EXPECT_EQ(GateVerdictName(v1.gate), stats::GateName(g.gate));
  EXPECT_EQ(GateVerdictName(s.gate), "skewed");  // 0.6 at n = 1000 lies outside 0.5 ± 0.05
  // Chi-square 1000 * ((0.6-0.5)^2/0.5 * 2) = 40 on 1 df.
  ASSERT_TRUE(s.tests.count("chi_square"));
  EXPECT_NEAR(s.tests.at("chi_square").statistic, 40.0, 1e-9);
  EXPECT_EQ(s.tests.at("chi_square").df, 1);
  EXPECT_LT(s.tests.at("chi_square").p_value, 1e-6);
  EXPECT_TRUE(s.tests.count("g_test"));
  // Clusters are reported but not gated: nothing expected by cluster.
  ASSERT_EQ(s.by_cluster.size(), 2u);
  EXPECT_FALSE(s.by_cluster.at("cluster1").expected.has_value());
  EXPECT_EQ(GateVerdictName(s.by_cluster.at("cluster1").gate), "");
}

TEST(AnalyzeTest, UnobservedExpectedCategoryGetsAZeroShare) {
  Report r = Analyze(OneSource(FastCounts("", "", 1000, 0), {{"v1", 0.5}, {"v2", 0.5}}), {});
  const SourceReport& s = r.sources[0];
  ASSERT_TRUE(s.by_version.count("v2"));
  EXPECT_EQ(s.by_version.at("v2").count, 0u);
  EXPECT_EQ(GateVerdictName(s.by_version.at("v2").gate), "skewed");
  EXPECT_EQ(GateVerdictName(s.gate), "skewed");
}

TEST(AnalyzeTest, UnexpectedCategoryIsGatedAgainstZero) {
  Report r = Analyze(OneSource(FastCounts("", "", 500, 500), {{"v1", 1.0}}), {});
  const ShareStat& v2 = r.sources[0].by_version.at("v2");
  ASSERT_TRUE(v2.expected.has_value());
  EXPECT_EQ(*v2.expected, 0.0);
  EXPECT_EQ(GateVerdictName(v2.gate), "skewed");
}

// Issue 11 item 6: 495 v1, 495 v2 and 10 v3 against v1=0.5,v2=0.5 passed; an answer from a
// destination that should get none is a finding, named with its count.
TEST(AnalyzeTest, AnUnexpectedVersionFailsBalanceWithItsAnswers) {
  SourceCounts c = FastCounts("", "in.txt", 495, 495);
  c.requests = c.ok = 1000;
  c.by_version["v3"] = 10;
  c.by_instance["helloworld-v3-x"] = {10, "", "v3"};
  Report r = Analyze(OneSource(c, {{"v1", 0.5}, {"v2", 0.5}}), {});
  const SourceReport& s = r.sources[0];
  EXPECT_EQ(GateVerdictName(s.by_version.at("v3").gate), "skewed");
  EXPECT_EQ(GateVerdictName(s.by_version.at("v1").gate), "balanced");  // 495 of 1000 on its own is fine
  EXPECT_EQ(GateVerdictName(s.gate), "skewed");
  EXPECT_EQ(r.verdict, Verdict::kFail);
  const CheckResult* balance = FindCheck(r, "balance");
  ASSERT_NE(balance, nullptr);
  EXPECT_EQ(balance->status, CheckStatus::kFail);
  EXPECT_NE(balance->detail.find("v3 got 10 answers, expected none"), std::string::npos)
      << balance->detail;
  EXPECT_NE(balance->hint.find("destination that should get none"), std::string::npos)
      << balance->hint;
  // The fit tests stay well-defined: they test the split of the 990 expected answers.
  for (const char* name : {"chi_square", "g_test"}) {
    const TestStat& t = s.tests.at(name);
    EXPECT_EQ(t.statistic, 0) << name;
    EXPECT_EQ(t.p_value, 1) << name;
    EXPECT_NE(t.note.find("10 answers in categories of expected share 0"), std::string::npos);
  }
}

// Issue 11 item 2: cluster and version shares that are one partition (each version in one
// cluster, the seed's topology) are one skew decision; otherwise two.
TEST(AnalyzeTest, IdenticalPartitionsCountOnce) {
  AnalyzeInput in;
  in.expect[""].by_cluster = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  in.expect[""].by_version = {{"v1", 0.5}, {"v2", 0.5}};
  in.sources = {FastCounts("", "a", 530, 470)};
  Report one = Analyze(in, {});
  const ShareStat& c1 = one.sources[0].by_cluster.at("cluster1");
  EXPECT_EQ(GateVerdictName(c1.gate), "inconclusive");
  EXPECT_DOUBLE_EQ(c1.ci_level, 0.99);  // alpha over one decision
  EXPECT_DOUBLE_EQ(one.sources[0].by_version.at("v1").ci_level, 0.99);
  // v2 answers from both clusters: two partitions, two decisions.
  SourceCounts mixed = FastCounts("", "a", 530, 470);
  mixed.by_instance["helloworld-v2-in-cluster1"] = {30, "cluster1", "v2"};
  mixed.by_instance[testing_analyze::kPodV1].count = 500;
  mixed.by_version = {{"v1", 500}, {"v2", 500}};
  in.sources = {mixed};
  Report two = Analyze(in, {});
  EXPECT_DOUBLE_EQ(two.sources[0].by_cluster.at("cluster1").ci_level, 0.995);
  // Balanced shows the equivalence interval whatever the decisions: level 1 - 2 alpha.
  EXPECT_EQ(GateVerdictName(two.sources[0].by_version.at("v1").gate), "balanced");
  EXPECT_DOUBLE_EQ(two.sources[0].by_version.at("v1").ci_level, 0.98);
}

TEST(AnalyzeTest, InconclusiveGateSaysHowManyRequestsWouldDecide) {
  Report r = Analyze(OneSource(FastCounts("", "", 6, 4), {{"v1", 0.5}, {"v2", 0.5}}), {});
  const SourceReport& s = r.sources[0];
  EXPECT_EQ(GateVerdictName(s.gate), "inconclusive");
  EXPECT_GT(s.requests_to_decide, 10u);
  EXPECT_TRUE(s.tests.count("exact") || s.tests.count("chi_square"));
}

TEST(AnalyzeTest, NoAnswersStillPlansRequests) {
  Report r = Analyze(OneSource(FastCounts("", "", 0, 0), {{"v1", 0.5}, {"v2", 0.5}}), {});
  EXPECT_EQ(GateVerdictName(r.sources[0].gate), "inconclusive");
  Result<uint64_t> plan = stats::PlanRequests(std::vector<double>{0.5, 0.5}, 0.05, 0.01, 0.9);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(r.sources[0].requests_to_decide, *plan);
  EXPECT_TRUE(r.sources[0].tests.empty());
}

TEST(AnalyzeTest, PooledExpectationIsWeightedByOkCounts) {
  AnalyzeInput in;
  in.sources = {FastCounts("cluster1", "a", 500, 500), FastCounts("cluster2", "b", 700, 1300)};
  in.expect["a"].by_cluster = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  in.expect["cluster2/b"].by_cluster = {{"cluster1", 1.0 / 3}, {"cluster2", 2.0 / 3}};
  Report r = Analyze(in, {});
  ASSERT_TRUE(r.total.by_cluster.at("cluster1").expected.has_value());
  EXPECT_NEAR(*r.total.by_cluster.at("cluster1").expected, (1000 * 0.5 + 2000 / 3.0) / 3000, 1e-12);
  EXPECT_EQ(r.total.ok, 3000u);
  EXPECT_EQ(r.total.by_cluster.at("cluster1").count, 1200u);
  EXPECT_FALSE(r.notes.empty());
  // Each source is gated against its own expectation.
  EXPECT_DOUBLE_EQ(*r.sources[1].by_cluster.at("cluster2").expected, 2.0 / 3);
}

TEST(AnalyzeTest, TotalHasNoExpectationWhenASourceHasNone) {
  AnalyzeInput in;
  in.sources = {FastCounts("cluster1", "a", 500, 500), FastCounts("cluster2", "b", 500, 500)};
  in.expect["a"].by_cluster = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  Report r = Analyze(in, {});
  EXPECT_EQ(GateVerdictName(r.total.gate), "");
  EXPECT_EQ(GateVerdictName(r.sources[0].gate), "balanced");
  EXPECT_EQ(GateVerdictName(r.sources[1].gate), "");
}

TEST(AnalyzeTest, LatencyPercentilesPerDestinationCluster) {
  Report r = Analyze(OneSource(Counts("", "", 100, 50), {}), {});
  const SourceReport& s = r.sources[0];
  ASSERT_TRUE(s.latency_ms.count("cluster1"));
  ASSERT_TRUE(s.latency_ms.count("cluster2"));
  EXPECT_EQ(s.latency_ms.at("cluster1").count, 100u);
  EXPECT_NEAR(s.latency_ms.at("cluster2").p50, 3.0, 0.05);
  EXPECT_NEAR(s.latency_ms.at("cluster2").max, 3.0, 0.05);
}

TEST(AnalyzeTest, InstanceClusterComesFromDestinationPods) {
  AnalyzeInput in;
  Aggregator agg;  // raw capture: destination cluster unknown
  for (int i = 0; i < 30; ++i) agg.AddOk("", "cap.txt", "", "v2", kPodV2, -1);
  for (int i = 0; i < 10; ++i) agg.AddOk("", "cap.txt", "", "v9", "stranger", -1);
  in.sources = agg.sources();
  in.destinations = Destinations();
  Report r = Analyze(in, {});
  const SourceReport& s = r.sources[0];
  EXPECT_EQ(s.by_instance.at(kPodV2).cluster, "cluster2");
  EXPECT_EQ(s.by_instance.at("stranger").cluster, "");
  EXPECT_EQ(s.by_cluster.at("cluster2").count, 30u);
  EXPECT_EQ(s.by_cluster.at("unknown").count, 10u);
}

TEST(ExpectationFromEndpointsTest, WeightsRoutableEndpointsAndMapsVersions) {
  std::vector<Endpoint> view = {Ep("s", kIpV1, "cluster1"), Ep("s", kIpV2, "cluster2"),
                                Ep("s", "10.244.0.8", "cluster2", "UNHEALTHY")};
  view[1].weight = 3;
  std::vector<PodInfo> pods = Destinations();
  SourceExpectation e = ExpectationFromEndpoints(view, pods);
  EXPECT_TRUE(e.has_endpoint_view);
  EXPECT_EQ(e.endpoints.size(), 3u);
  EXPECT_NEAR(e.by_cluster.at("cluster1"), 0.25, 1e-12);
  EXPECT_NEAR(e.by_cluster.at("cluster2"), 0.75, 1e-12);
  EXPECT_NEAR(e.by_version.at("v2"), 0.75, 1e-12);
  // An endpoint with no known pod leaves versions unknown rather than guessed.
  view.push_back(Ep("s", "10.241.0.99", "cluster1"));
  EXPECT_TRUE(ExpectationFromEndpoints(view, pods).by_version.empty());
  EXPECT_TRUE(ExpectationFromEndpoints({}, pods).by_cluster.empty());
}

TEST(AnalyzeOptionsTest, ConfigRoundTripAndDefaults) {
  GateOptions o{0.02, 0.001, 0.1};
  nlohmann::json config = {{"gate", GateOptionsToJson(o)}};
  GateOptions back = GateOptionsFromConfig(config, {});
  EXPECT_EQ(back.tolerance, 0.02);
  EXPECT_EQ(back.alpha, 0.001);
  EXPECT_EQ(back.max_error_rate, 0.1);
  GateOptions d = GateOptionsFromConfig(nlohmann::json::object(), o);
  EXPECT_EQ(d.tolerance, 0.02);
  EXPECT_EQ(GateOptionsFromConfig({{"gate", {{"alpha", 0.2}}}}, {}).alpha, 0.2);
}

}  // namespace
}  // namespace meshverify
