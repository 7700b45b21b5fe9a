// MergeReports (merge.cc): several reports of runs or pods -> one, statistics recomputed from
// the counts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyze/builders.h"
#include "meshverify/analyze.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

using namespace testing_analyze;  // NOLINT: test builders

Report RunOf(SourceCounts c, std::map<std::string, double> by_version, std::string started) {
  Report r = Analyze(OneSource(std::move(c), std::move(by_version)), {});
  r.started_at = std::move(started);
  r.duration_s = 2;
  return r;
}

TEST(MergeReportsTest, SumsSameSourceAndRecomputes) {
  std::vector<Report> in = {
      RunOf(FastCounts("cluster1", "a", 6, 4), {{"v1", 0.5}, {"v2", 0.5}}, "2026-01-02T00:00:00Z"),
      RunOf(FastCounts("cluster1", "a", 2994, 2996), {{"v1", 0.5}, {"v2", 0.5}},
            "2026-01-01T00:00:00Z")};
  ASSERT_EQ(in[0].verdict, Verdict::kInconclusive);
  Result<Report> m = MergeReports(in, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->sources.size(), 1u);
  const SourceReport& s = m->sources[0];
  EXPECT_EQ(s.ok, 6000u);
  EXPECT_EQ(s.by_version.at("v1").count, 3000u);
  EXPECT_EQ(GateVerdictName(s.gate), "balanced");
  stats::Interval ci = stats::ClopperPearsonBounds(3000, 6000, 0.01, 0.01);  // balanced: 98%
  EXPECT_DOUBLE_EQ(s.by_version.at("v1").ci_lo, ci.lo);
  EXPECT_EQ(m->total.ok, 6000u);
  EXPECT_EQ(m->started_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(m->verdict, Verdict::kPass);
  EXPECT_TRUE(Accounted(s));
  EXPECT_TRUE(Accounted(m->total));
}

TEST(MergeReportsTest, KeepsDistinctSourcesAndUnionsEndpoints) {
  AnalyzeInput a;
  a.sources = {FastCounts("cluster1", "sleep-a", 500, 500)};
  a.destinations = Destinations();
  a.clusters = {"cluster1", "cluster2"};
  a.expect["sleep-a"] = ExpectationFromEndpoints(FullView("sleep-a"), a.destinations);
  AnalyzeInput b = a;
  b.sources = {FastCounts("cluster2", "sleep-b", 1000, 0)};  // cluster2's source lost its route
  b.expect.clear();
  b.expect["sleep-b"] = ExpectationFromEndpoints(FullView("sleep-b"), b.destinations);
  std::vector<Report> in = {Analyze(a, {}), Analyze(b, {})};
  in.push_back(in[0]);  // the same run twice sums
  Result<Report> m = MergeReports(in, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->sources.size(), 2u);
  EXPECT_EQ(m->sources[0].ok, 2000u);
  EXPECT_EQ(m->endpoints.size(), 4u);
  const CheckResult* reach = FindCheck(*m, "reachability");
  ASSERT_NE(reach, nullptr);
  EXPECT_EQ(reach->status, CheckStatus::kFail);
  EXPECT_NE(reach->detail.find("sleep-b"), std::string::npos);
  EXPECT_EQ(m->verdict, Verdict::kFail);
  // Checks that need destination pods are kept from the inputs, worst first.
  const CheckResult* reached = FindCheck(*m, "endpoints_reached");
  ASSERT_NE(reached, nullptr);
  EXPECT_EQ(reached->status, CheckStatus::kFail);
}

TEST(MergeReportsTest, RejectsEmptyAndDisagreeingExpectations) {
  EXPECT_FALSE(MergeReports({}, {}).ok());
  std::vector<Report> in = {RunOf(FastCounts("", "x", 5, 5), {{"v1", 0.5}, {"v2", 0.5}}, ""),
                            RunOf(FastCounts("", "x", 5, 5), {{"v1", 0.4}, {"v2", 0.6}}, "")};
  Result<Report> m = MergeReports(in, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "merge: x: expected share of v1 differs between reports");
}

TEST(MergeReportsTest, AnErrorInputKeepsErrorVerdict) {
  std::vector<Report> in = {RunOf(FastCounts("", "x", 500, 500), {{"v1", 0.5}, {"v2", 0.5}}, "")};
  in[0].verdict = Verdict::kError;
  Result<Report> m = MergeReports(in, {});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->verdict, Verdict::kError);
}

// The merged total's expected shares are pooled as Analyze pools them: weighted by ok counts.
TEST(MergeReportsTest, PoolsExpectationsAsAnalyzeDoes) {
  AnalyzeInput in;
  in.sources = {FastCounts("cluster1", "a", 500, 500), FastCounts("cluster2", "b", 700, 1300)};
  in.expect["a"].by_cluster = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  in.expect["cluster2/b"].by_cluster = {{"cluster1", 1.0 / 3}, {"cluster2", 2.0 / 3}};
  Report whole = Analyze(in, {});
  AnalyzeInput first = in, second = in;
  first.sources.resize(1);
  second.sources.erase(second.sources.begin());
  std::vector<Report> parts = {Analyze(first, {}), Analyze(second, {})};
  Result<Report> m = MergeReports(parts, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  for (const char* c : {"cluster1", "cluster2"}) {
    ASSERT_TRUE(m->total.by_cluster.at(c).expected.has_value()) << c;
    EXPECT_NEAR(*m->total.by_cluster.at(c).expected, *whole.total.by_cluster.at(c).expected,
                1e-12)
        << c;
  }
  EXPECT_EQ(m->total.gate, whole.total.gate);
}

}  // namespace
}  // namespace meshverify
