// MergeReports on reports that carry their latency histograms: latency merges bucket by
// bucket (equal to analysing the pooled answers at once), the gate runs at alpha / looks of the
// runs' config, and runs of other settings are refused; CheckSameSettings and DescribeClocks.

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "meshverify/analyze.h"
#include "meshverify/merge.h"
#include "meshverify/report.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

// One source "sleep-a" of cluster1 with random latencies (a different stream per `seed`);
// the same answers go into `pooled` too.
SourceCounts Shard(uint64_t seed, int n, Aggregator* pooled) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> ms(1.0, 0.8);
  Aggregator agg;
  for (int i = 0; i < n; ++i) {
    const bool remote = rng() % 2 == 0;
    const double l = ms(rng) * (remote ? 3 : 1);
    for (Aggregator* a : {&agg, pooled}) {
      a->AddOk("cluster1", "sleep-a", remote ? "cluster2" : "cluster1", remote ? "v2" : "v1",
               remote ? "hw-v2" : "hw-v1", l);
    }
  }
  return agg.sources()[0];
}

AnalyzeInput Input(SourceCounts c) {
  AnalyzeInput in;
  in.sources = {std::move(c)};
  in.expect[""].by_version = {{"v1", 0.5}, {"v2", 0.5}};
  return in;
}

Report WithConfig(Report r, int looks) {
  r.config = {{"command", "check"},
              {"gate", GateOptionsToJson({})},
              {"run", {{"requests", 4000}, {"looks", looks}}},
              {"shard", {{"index", 0}, {"count", 3}}}};
  return r;
}

TEST(MergeExactTest, LatencyEqualsThePooledAnswersAnalysedAtOnce) {
  Aggregator pooled;
  std::vector<Report> shards;
  for (uint64_t s = 1; s <= 3; ++s) {
    shards.push_back(WithConfig(Analyze(Input(Shard(s, 700 + 100 * s, &pooled)), {}), 1));
    shards.back().config["shard"]["index"] = s - 1;  // per-run keys may differ
  }
  Result<Report> m = MergeReports(shards, {});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Report whole = Analyze(Input(pooled.sources()[0]), {});
  ASSERT_EQ(m->sources.size(), 1u);
  for (const auto& [k, h] : whole.sources[0].latency_hist) {
    const Histogram& got = m->sources[0].latency_hist.at(k);
    EXPECT_EQ(got.buckets(), h.buckets()) << k;
    EXPECT_EQ(got.count(), h.count());
    EXPECT_EQ(got.max(), h.max());
    EXPECT_NEAR(got.sum(), h.sum(), 1e-9 * h.sum());  // summed in another order
  }
  EXPECT_EQ(m->sources[0].latency_ms, whole.sources[0].latency_ms);
  EXPECT_EQ(m->total.latency_ms, whole.total.latency_ms);
  EXPECT_EQ(m->sources[0].by_version, whole.sources[0].by_version);
  EXPECT_EQ(m->sources[0].by_cluster, whole.sources[0].by_cluster);
  EXPECT_EQ(m->sources[0].gate, whole.sources[0].gate);
  EXPECT_NE(m->notes[0].find("from the merged histograms"), std::string::npos) << m->notes[0];
  // Through JSON and back, as `meshverify merge` reads files.
  std::vector<Report> reread;
  for (const Report& r : shards) {
    Result<Report> back = ReportFromJson(ReportToJson(r));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    reread.push_back(*back);
  }
  Result<Report> m2 = MergeReports(reread, {});
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->sources[0].latency_ms, whole.sources[0].latency_ms);
}

TEST(MergeExactTest, ReportsWithoutHistogramsAreMergedApproximatelyAndSaySo) {
  Aggregator pooled;
  std::vector<Report> shards = {Analyze(Input(Shard(1, 500, &pooled)), {}),
                                Analyze(Input(Shard(2, 500, &pooled)), {})};
  shards[1].sources[0].latency_hist.clear();  // an older report
  Result<Report> m = MergeReports(shards, {});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->sources[0].latency_hist.empty());
  EXPECT_EQ(m->sources[0].latency_ms.at("cluster1").count,
            pooled.sources()[0].latency_ms.at("cluster1").count());
  EXPECT_NE(m->notes[0].find("count-weighted means"), std::string::npos) << m->notes[0];
}

TEST(MergeExactTest, GateRunsAtAlphaPerLookOfTheRuns) {
  // 2,120 of 4,000 answers from v1 (53%): balanced at alpha 0.01 with one look, not at
  // 0.01 / 4 (the 99.5% equivalence interval reaches past 55%).
  SourceCounts c;
  c.cluster = "cluster1";
  c.pod = "sleep-a";
  c.requests = c.ok = 4000;
  c.by_version = {{"v1", 2120}, {"v2", 1880}};
  c.by_instance = {{"hw-v1", {2120, "cluster1", "v1"}}, {"hw-v2", {1880, "cluster2", "v2"}}};
  const Report r = Analyze(Input(c), {});
  Result<Report> one = MergeReports(std::vector<Report>{WithConfig(r, 1)}, {});
  Result<Report> four = MergeReports(std::vector<Report>{WithConfig(r, 4)}, {});
  ASSERT_TRUE(one.ok() && four.ok());
  const stats::Interval at1 = stats::ClopperPearsonBounds(2120, 4000, 0.01, 0.01);
  const stats::Interval at4 = stats::ClopperPearsonBounds(2120, 4000, 0.0025, 0.0025);
  ASSERT_LT(at1.hi, 0.55);
  ASSERT_GT(at4.hi, 0.55);
  EXPECT_EQ(one->sources[0].gate, GateVerdict::kBalanced);
  EXPECT_NE(four->sources[0].gate, GateVerdict::kBalanced);
  EXPECT_DOUBLE_EQ(four->config["gate"]["alpha"].get<double>(), 0.01);  // the stated alpha
  EXPECT_NE(four->notes[0].find("/ 4 looks"), std::string::npos) << four->notes[0];
}

TEST(MergeExactTest, RefusesRunsOfOtherSettings) {
  Aggregator pooled;
  std::vector<Report> in = {WithConfig(Analyze(Input(Shard(1, 100, &pooled)), {}), 4),
                            WithConfig(Analyze(Input(Shard(2, 100, &pooled)), {}), 4)};
  in[1].config["gate"]["alpha"] = 0.05;
  const std::vector<std::string> names = {"a.json", "b.json"};
  Result<Report> m = MergeReports(in, {}, names);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "merge: b.json was run with other settings than a.json: config/gate/alpha: 0.01 vs "
            "0.05");
  in[1].config["gate"]["alpha"] = 0.01;
  in[1].config["run"].erase("looks");
  EXPECT_EQ(MergeReports(in, {}).status().message(),
            "merge: report 2 was run with other settings than report 1: config/run/looks: 4 vs "
            "(none)");
}

TEST(CheckSameSettingsTest, IgnoresPerRunKeys) {
  std::vector<nlohmann::json> c = {
      {{"url", "u"}, {"shard", {{"index", 0}}}, {"source_cluster", "cluster1"}, {"inputs", {"a"}}},
      {{"url", "u"}, {"shard", {{"index", 2}}}, {"source_cluster", "cluster2"}, {"inputs", {"b"}}}};
  EXPECT_TRUE(CheckSameSettings(c, {}).ok());
  c[1]["rate"] = 10;
  EXPECT_FALSE(CheckSameSettings(c, {}).ok());
}

TEST(DescribeClocksTest, SpreadAndSkew) {
  const std::vector<double> starts = {ParseRfc3339("2026-01-01T00:00:00Z"),
                                      ParseRfc3339("2026-01-01T00:00:02.5Z")};
  EXPECT_DOUBLE_EQ(starts[1] - starts[0], 2.5);
  EXPECT_TRUE(std::isnan(ParseRfc3339("yesterday")));
  ClockSpread none = DescribeClocks(starts, {});
  EXPECT_DOUBLE_EQ(none.start_spread_s, 2.5);
  EXPECT_FALSE(none.skew_known);
  EXPECT_NE(none.note.find("not measured"), std::string::npos);
  const std::vector<ClockOffset> offs = {{true, -3, 1}, {true, 10, 12}};
  ClockSpread c = DescribeClocks(starts, offs);
  ASSERT_TRUE(c.skew_known);
  EXPECT_DOUBLE_EQ(c.skew_ms, 12);
  EXPECT_DOUBLE_EQ(c.skew_error_ms, 2);
}

}  // namespace
}  // namespace meshverify
