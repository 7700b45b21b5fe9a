#include "meshverify/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace meshverify {
namespace {

double NearestRank(const std::vector<double>& sorted, double q) {
  if (q <= 0) return sorted.front();
  const auto rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(q * sorted.size())));
  return sorted[rank - 1];
}

TEST(HistogramTest, EveryBucketIsWithinTheRelativeErrorBound) {
  // Each bucket is at most 1/128 of its lower edge wide, so its midpoint is within 0.4 % of
  // any value in it; check the edges and the reported value over 12 decades.
  for (double v = 1e-6; v < 1e6; v *= 1.0137) {
    const int32_t i = Histogram::IndexOf(v);
    EXPECT_LE(Histogram::BucketLow(i), v) << v;
    EXPECT_LT(v, Histogram::BucketHigh(i)) << v;
    EXPECT_LE((Histogram::BucketHigh(i) - Histogram::BucketLow(i)) / Histogram::BucketLow(i),
              1.0 / 128 + 1e-12);
    Histogram h;
    h.Add(v);
    h.Add(2 * v);  // keeps the quantile off the clamp to [min, max]
    h.Add(v);
    EXPECT_LE(std::fabs(h.Quantile(0.5) - v) / v, 0.004) << v;
  }
  EXPECT_EQ(Histogram::BucketHigh(Histogram::IndexOf(1.0) - 1),
            Histogram::BucketLow(Histogram::IndexOf(1.0)));
}

TEST(HistogramTest, QuantilesWithinOnePercentOnALongTail) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(0.0, 2.0);
  Histogram h;
  std::vector<double> values;
  for (int i = 0; i < 50000; ++i) {
    const double v = dist(rng);
    values.push_back(v);
    h.Add(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.001, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999}) {
    const double want = NearestRank(values, q);
    EXPECT_NEAR(h.Quantile(q), want, 0.01 * want) << q;
  }
  EXPECT_EQ(h.Quantile(0), values.front());
  EXPECT_EQ(h.Quantile(1), values.back());
  EXPECT_LT(h.buckets().size(), 3000u);  // sparse: distinct buckets, not values
}

TEST(HistogramTest, MergeIsExactAndOrderFree) {
  Histogram a, b, c, all;
  for (int i = 1; i <= 3000; ++i) {
    const double v = 0.003 * i * i;
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).Add(v);
    all.Add(v);
  }
  Histogram ab = a;
  ab.Merge(b);
  ab.Merge(c);
  Histogram cb = c;
  cb.Merge(b);
  cb.Merge(a);
  EXPECT_EQ(ab.buckets(), all.buckets());
  EXPECT_EQ(cb.buckets(), all.buckets());
  EXPECT_EQ(ab.count(), all.count());
  EXPECT_EQ(ab.min(), all.min());
  EXPECT_EQ(ab.max(), all.max());
  for (double q : {0.1, 0.5, 0.99}) EXPECT_EQ(ab.Quantile(q), all.Quantile(q));
  Histogram self = a;
  self.Merge(self);
  EXPECT_EQ(self.count(), 2 * a.count());
}

TEST(HistogramTest, JsonRoundTripsAndMergesAfterReading) {
  Histogram a, b;
  for (int i = 0; i < 1000; ++i) (i % 2 ? a : b).Add(0.1 + i * 0.37);
  a.Add(0);
  Result<Histogram> back = Histogram::FromJson(a.ToJson(), "h");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, a);
  Result<Histogram> bb = Histogram::FromJson(nlohmann::json::parse(b.ToJson().dump()), "h");
  ASSERT_TRUE(bb.ok());
  back->Merge(*bb);
  Histogram direct = a;
  direct.Merge(b);
  EXPECT_EQ(back->buckets(), direct.buckets());
  EXPECT_EQ(back->count(), 1001u);
}

TEST(HistogramTest, FromJsonRejectsBrokenHistograms) {
  Histogram h;
  h.Add(1);
  h.Add(2);
  struct Case {
    const char* what;
    void (*mutate)(nlohmann::json&);
    const char* message;
  };
  const Case cases[] = {
      {"scheme", [](nlohmann::json& j) { j["scheme"] = "hdr"; },
       "w: scheme: expected \"log2-linear-128\""},
      {"count", [](nlohmann::json& j) { j["count"] = 3; },
       "w: count: does not equal zero + the bucket counts"},
      {"order", [](nlohmann::json& j) { std::swap(j["buckets"][0], j["buckets"][1]); },
       "w: buckets[1]: indexes must increase"},
      {"zero count", [](nlohmann::json& j) { j["buckets"][0][1] = 0; },
       "w: buckets[0]: expected [index, count > 0]"},
      {"negative min", [](nlohmann::json& j) { j["min"] = -1; }, "w: min: expected a number >= 0"},
      {"index", [](nlohmann::json& j) { j["buckets"][1][0] = 1 << 30; },
       "w: buckets[1]: index out of range"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = h.ToJson();
    c.mutate(j);
    Result<Histogram> r = Histogram::FromJson(j, "w");
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().message(), c.message) << c.what;
  }
  EXPECT_FALSE(Histogram::FromJson(nlohmann::json::array(), "w").ok());
}

TEST(HistogramTest, MomentsAndEdges) {
  Histogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  EXPECT_EQ(h.min(), 0);
  h.Add(-3);
  h.Add(std::nan(""));
  EXPECT_EQ(h.count(), 0u);
  h.AddCount(2, 3);
  h.Add(6);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.Mean(), 3);
  EXPECT_DOUBLE_EQ(h.StdDev(), std::sqrt(3.0));
  h.Add(5e12);  // above kMaxTracked: counted, in the last bucket
  EXPECT_EQ(h.max(), 5e12);
  EXPECT_EQ(h.Quantile(1), 5e12);
}

// AddAll is one Add per value, in order: equal buckets, counts, extremes and sums bit for bit,
// onto a histogram that already holds buckets below, among and above the new ones.
TEST(HistogramTest, AddAllIsAddOneValueAtATime) {
  std::mt19937_64 rng(7);
  Histogram start;
  for (double ms : {0.5, 3.0, 3.01, 7.5, 2e6}) start.Add(ms);
  for (const size_t n : {size_t{0}, size_t{1}, size_t{17}, size_t{5000}}) {
    std::vector<double> values;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = rng() % 100;
      values.push_back(k == 0   ? 0.0
                       : k == 1 ? -1.0
                       : k == 2 ? std::nan("")
                       : k == 3 ? 1e-9  // below kMinTracked
                       : k == 4 ? 5e9   // above kMaxTracked
                       : k == 5 ? 3.0   // a bucket `start` holds
                                : static_cast<double>(rng() % 100000) / 97);
    }
    Histogram one = start, all = start;
    for (double ms : values) one.Add(ms);
    all.AddAll(values);
    EXPECT_TRUE(one == all) << n;
    EXPECT_EQ(one.sum(), all.sum()) << n;
    EXPECT_EQ(one.StdDev(), all.StdDev()) << n;
    EXPECT_EQ(one.buckets(), all.buckets()) << n;
    all.Add(3.0);  // the lookup cache is still right after the merge
    one.Add(3.0);
    EXPECT_TRUE(one == all) << n;
  }
  Histogram empty;
  empty.AddAll(std::vector<double>{-1, std::nan("")});
  EXPECT_TRUE(empty == Histogram());
}

}  // namespace
}  // namespace meshverify
