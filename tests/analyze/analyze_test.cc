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
  stats::Interval ci = stats::SimultaneousInterval(600, 1000, opt.alpha, 2);
  EXPECT_DOUBLE_EQ(v1.ci_lo, ci.lo);
  EXPECT_DOUBLE_EQ(v1.ci_hi, ci.hi);
  ASSERT_TRUE(v1.expected.has_value());
  EXPECT_DOUBLE_EQ(*v1.expected, 0.5);
  EXPECT_EQ(GateVerdictName(v1.gate), stats::GateName(stats::GateShare(600, 1000, 0.5, 0.05, 0.01, 2).gate));
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
