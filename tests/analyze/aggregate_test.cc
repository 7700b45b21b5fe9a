#include "meshverify/aggregate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace meshverify {
namespace {

uint64_t SumErrors(const SourceCounts& s) {
  uint64_t n = 0;
  for (const auto& [k, v] : s.errors) n += v;
  return n;
}

TEST(ClassifyRecordTest, Classes) {
  struct Case {
    int code;
    int curl_exit;
    std::string error;
    std::string_view want;
  };
  const std::vector<Case> cases = {
      {200, 0, "", ""},
      {503, 0, "", kErrHttp5xx},
      {500, 0, "", kErrHttp5xx},
      {599, 0, "", kErrHttp5xx},
      {404, 0, "", kErrHttp4xx},
      {400, 0, "", kErrHttp4xx},
      {302, 0, "", kErrHttpOther},
      {201, 0, "", kErrHttpOther},
      {600, 0, "", kErrHttpOther},
      {0, 6, "Could not resolve host", kErrDns},
      {0, 7, "", kErrConnect},
      {0, 28, "", kErrTimeout},
      {0, 52, "", kErrReset},
      {0, 56, "", kErrReset},
      {0, 35, "", kErrCurl},
      {200, 28, "", kErrTimeout},  // timed out while reading the body
      {0, 0, "error: unable to upgrade connection: container not found", kErrTransport},
      {0, 0, "", kErrTransport},
  };
  for (const Case& c : cases) {
    ProbeRecord r;
    r.http_code = c.code;
    r.curl_exit = c.curl_exit;
    r.error = c.error;
    EXPECT_EQ(ClassifyRecord(r), c.want) << c.code << " " << c.curl_exit;
  }
}

TEST(AggregatorTest, CountsPerSourceInFirstSeenOrder) {
  Aggregator a;
  a.AddOk("cluster1", "sleep-a", "cluster1", "v1", "helloworld-v1-86f77cd7bd-cpxhv", 2.5);
  a.AddOk("cluster1", "sleep-a", "cluster2", "v2", "helloworld-v2-79d5467d55-4xq2m", 7.5);
  a.AddOk("cluster2", "sleep-b", "cluster2", "v2", "helloworld-v2-79d5467d55-4xq2m", -1);
  a.AddError("cluster1", "sleep-a", kErrTimeout);
  a.AddOkCount("cluster1", "sleep-a", "cluster1", "v1", "helloworld-v1-86f77cd7bd-cpxhv", 10);
  a.AddError("cluster2", "sleep-b", kErrUnparsed, "garbage");
  ASSERT_EQ(a.sources().size(), 2u);
  const SourceCounts& s = a.sources()[0];
  EXPECT_EQ(s.cluster, "cluster1");
  EXPECT_EQ(s.pod, "sleep-a");
  EXPECT_EQ(s.requests, 13u);
  EXPECT_EQ(s.ok, 12u);
  EXPECT_EQ(s.requests, s.ok + SumErrors(s));
  EXPECT_EQ(s.by_cluster.at("cluster1"), 11u);
  EXPECT_EQ(s.by_cluster.at("cluster2"), 1u);
  EXPECT_EQ(s.by_version.at("v1"), 11u);
  EXPECT_EQ(s.by_instance.at("helloworld-v1-86f77cd7bd-cpxhv").count, 11u);
  EXPECT_EQ(s.by_instance.at("helloworld-v1-86f77cd7bd-cpxhv").cluster, "cluster1");
  EXPECT_EQ(s.by_instance.at("helloworld-v2-79d5467d55-4xq2m").version, "v2");
  EXPECT_EQ(s.errors.at("timeout"), 1u);
  EXPECT_EQ(s.latency_ms.at("cluster1").count(), 1u);  // AddOkCount has no latency
  EXPECT_EQ(s.latency_ms.at("cluster2").max(), 7.5);
  const SourceCounts& b = a.sources()[1];
  EXPECT_EQ(b.pod, "sleep-b");
  EXPECT_EQ(b.requests, 2u);
  EXPECT_EQ(b.latency_ms.count("cluster2"), 0u);  // unknown latency is not recorded
  EXPECT_EQ(b.unparsed_samples, std::vector<std::string>{"garbage"});
}

TEST(AggregatorTest, SameNameInTwoClustersIsTwoSources) {
  Aggregator a;
  a.AddOk("cluster1", "sleep", "", "v1", "i1", -1);
  a.AddOk("cluster2", "sleep", "", "v1", "i1", -1);
  a.AddOk("cluster1", "sleep", "", "v1", "i1", -1);
  ASSERT_EQ(a.sources().size(), 2u);
  EXPECT_EQ(a.sources()[0].requests, 2u);
  EXPECT_EQ(a.sources()[1].requests, 1u);
}

TEST(AggregatorTest, SamplesAreBoundedCutAndValidUtf8) {
  Aggregator a;
  const std::string long_line(1000, 'x');
  a.AddError("", "f.txt", kErrUnparsed, long_line);
  a.AddError("", "f.txt", kErrUnparsed, "bad \xff\xc3 bytes");
  for (int i = 0; i < 10; ++i) a.AddError("", "f.txt", kErrUnparsed, "more");
  const SourceCounts& s = a.sources()[0];
  ASSERT_EQ(s.unparsed_samples.size(), SourceCounts::kMaxUnparsedSamples);
  EXPECT_EQ(s.unparsed_samples[0], std::string(SourceCounts::kMaxSampleBytes, 'x'));
  EXPECT_EQ(s.unparsed_samples[1], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
  EXPECT_EQ(s.errors.at("unparsed"), 12u);
}

// One rule for an instance's cluster and version, wherever counts are summed: the first
// non-empty one. (The aggregator kept the first-seen version even when empty; the pooled total
// and merged reports took the first non-empty.)
TEST(AddCountsTest, AnInstanceKeepsTheFirstKnownClusterAndVersion) {
  Aggregator a, b;
  a.AddOkCount("c1", "p1", "", "", "hw-1", 2);  // neither known yet
  b.AddOkCount("c1", "p1", "cluster2", "v2", "hw-1", 3);
  b.AddOkCount("c1", "p1", "cluster1", "v1", "hw-1", 1);  // later values do not replace them
  a.Merge(b);
  const SourceCounts::Instance& merged = a.sources()[0].by_instance.at("hw-1");
  EXPECT_EQ(merged.count, 6u);
  EXPECT_EQ(merged.cluster, "cluster2");
  EXPECT_EQ(merged.version, "v2");
  SourceCounts pooled;
  for (const SourceCounts& s : a.sources()) AddCounts(s, &pooled);
  EXPECT_EQ(pooled.by_instance.at("hw-1"), a.Total().by_instance.at("hw-1"));
  EXPECT_EQ(pooled.requests, 6u);
}

TEST(AggregatorTest, MergeAndTotal) {
  Aggregator a, b;
  a.AddOkCount("c1", "p1", "c1", "v1", "i1", 5);
  a.AddError("c1", "p1", kErrHttp5xx);
  b.AddOkCount("c1", "p1", "c2", "v2", "i2", 3);
  b.AddOkCount("c2", "p2", "c1", "v1", "i1", 4);
  b.AddOk("c2", "p2", "c1", "v1", "i1", 3.0);
  b.AddError("c2", "p2", kErrUnparsed, "zzz");
  a.Merge(b);
  ASSERT_EQ(a.sources().size(), 2u);
  EXPECT_EQ(a.sources()[0].requests, 9u);
  EXPECT_EQ(a.sources()[0].by_version.at("v2"), 3u);
  EXPECT_EQ(a.sources()[1].pod, "p2");
  EXPECT_EQ(a.sources()[1].latency_ms.at("c1").count(), 1u);

  const SourceCounts t = a.Total();
  EXPECT_EQ(t.cluster, "");
  EXPECT_EQ(t.pod, "");
  EXPECT_EQ(t.requests, 15u);
  EXPECT_EQ(t.ok, 13u);
  EXPECT_EQ(t.requests, t.ok + SumErrors(t));
  EXPECT_EQ(t.by_cluster.at("c1"), 10u);
  EXPECT_EQ(t.by_cluster.at("c2"), 3u);
  EXPECT_EQ(t.by_instance.at("i1").count, 10u);
  EXPECT_EQ(t.errors.at("http_5xx"), 1u);
  EXPECT_EQ(t.unparsed_samples, std::vector<std::string>{"zzz"});
  EXPECT_EQ(t.latency_ms.at("c1").count(), 1u);

  a.Merge(a);  // doubling, not a crash
  EXPECT_EQ(a.Total().requests, 30u);
}

double NearestRank(std::vector<double> sorted, double q) {
  const auto n = sorted.size();
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n)));
  return sorted[rank - 1];
}

TEST(LatencyHistogramTest, QuantilesWithinOnePercentOfSortedVector) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(1.0, 1.5);  // ms: a long tail over 4 decades
  LatencyHistogram h;
  std::vector<double> values;
  for (int i = 0; i < 20000; ++i) {
    const double v = dist(rng);
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.max(), values.back());
  for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double want = NearestRank(values, q);
    EXPECT_NEAR(h.Quantile(q), want, 0.01 * want) << "q=" << q;
  }
}

TEST(LatencyHistogramTest, MergeEqualsAddingEverything) {
  LatencyHistogram a, b, all;
  for (int i = 1; i <= 1000; ++i) {
    const double v = 0.01 * i * i;
    (i % 3 == 0 ? a : b).Add(v);
    all.Add(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  for (double q : {0.1, 0.5, 0.9, 0.99}) EXPECT_EQ(a.Quantile(q), all.Quantile(q)) << q;
  LatencyHistogram copy = a;
  EXPECT_EQ(copy.Quantile(0.5), a.Quantile(0.5));
  LatencyHistogram moved = std::move(copy);
  EXPECT_EQ(moved.count(), 1000u);
}

TEST(LatencyHistogramTest, EdgeValues) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Quantile(0.5), 0);
  h.Add(-1);  // unknown
  h.Add(std::nan(""));
  EXPECT_EQ(h.count(), 0u);
  h.Add(0);
  h.Add(0);
  h.Add(5);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.Quantile(0.5), 0);
  EXPECT_EQ(h.Quantile(1), 5);
  EXPECT_NEAR(h.Quantile(0.9), 5, 0.05);
  LatencyHistogram one;
  one.Add(123.456);
  EXPECT_EQ(one.Quantile(0.5), 123.456);  // clamped to [min, max]
  LatencyHistogram huge;
  huge.Add(3.6e6);
  huge.Add(1e-3);
  EXPECT_NEAR(huge.Quantile(0.5), 1e-3, 1e-5);
}

}  // namespace
}  // namespace meshverify
