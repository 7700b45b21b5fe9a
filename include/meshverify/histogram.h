#pragma once
// Histogram: a mergeable latency histogram (milliseconds) with bounded relative error, stored
// sparse, that serializes to JSON and merges exactly (bucket by bucket), so reports of several
// shards or windows combine into the histogram one run would have recorded.
//
// Buckets are log-linear, as HdrHistogram's: each power of two [2^(e-1), 2^e) is cut into
// kSubBuckets equal sub-buckets, so a bucket is at most 1/kSubBuckets (0.78 %) of its lower
// edge wide, and reporting its midpoint is within 0.4 % of any value in it (the contract is
// <= 1 %). Bucket index = e * kSubBuckets + sub; only buckets that hold a count are stored,
// so memory follows the number of distinct buckets hit (a few hundred at most for a whole run,
// tens for a one-second window), never the number of values.
// Values below kMinTracked ms (including 0) are counted apart and reported as the minimum;
// values above kMaxTracked ms share the last bucket. Negative and NaN values are ignored.
// A value type: copyable, comparable; not thread-safe. Does no I/O.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "meshverify/status.h"

namespace meshverify {

class Histogram {
 public:
  static constexpr int kSubBuckets = 128;
  static constexpr double kMinTracked = 1e-6;  // ms (1 ns)
  static constexpr double kMaxTracked = 1e9;   // ms (about 11.6 days)
  // The JSON `scheme` name; FromJson refuses any other.
  static constexpr std::string_view kScheme = "log2-linear-128";

  // One stored bucket: its index and how many values fell in it.
  struct Bucket {
    int32_t index = 0;
    uint64_t count = 0;
    friend bool operator==(const Bucket&, const Bucket&) = default;
  };

  void Add(double ms) { AddCount(ms, 1); }
  // Same as `n` calls of Add(ms).
  void AddCount(double ms, uint64_t n);
  // Same as Add for each of `values`, in order (the same sums, bit for bit), with the buckets
  // counted densely and merged once instead of searched for each value: for callers that add
  // many values at a time (the analyze Ingestor's record batches).
  void AddAll(std::span<const double> values);
  // Adds every count of `other`. Exact: bucket counts, zero count, count and extremes add up.
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  double min() const { return count_ == 0 ? 0 : min_; }
  double max() const { return max_; }
  double sum() const { return sum_; }
  double Mean() const;
  double StdDev() const;  // population standard deviation
  // The nearest-rank quantile: the value of rank max(1, ceil(q * count)), reported as its
  // bucket's midpoint clamped to [min, max]. q = 0 gives min, q = 1 max, empty gives 0.
  double Quantile(double q) const;

  // Stored buckets in index order, and counts below kMinTracked.
  const std::vector<Bucket>& buckets() const { return buckets_; }
  uint64_t zero_count() const { return zero_; }
  // The bucket that holds `ms` (REQUIRES: kMinTracked <= ms), and a bucket's edges [lo, hi).
  static int32_t IndexOf(double ms);
  static double BucketLow(int32_t index);
  static double BucketHigh(int32_t index);

  // {"scheme": "log2-linear-128", "unit": "ms", "count", "zero", "min", "max", "sum",
  //  "sum_sq", "buckets": [[index, count], ...]} with buckets in index order.
  nlohmann::json ToJson() const;
  // Reads ToJson's form back. Fails with InvalidInput "<where>: <reason>" on another scheme,
  // a missing or negative field, buckets out of order, or counts that do not add up.
  static Result<Histogram> FromJson(const nlohmann::json& j, std::string_view where);

  // Equal counts, extremes and sums (the lookup cache is not compared).
  friend bool operator==(const Histogram& a, const Histogram& b);

 private:
  void AddToBucket(int32_t index, uint64_t n);
  // Count, extremes and sums of `n` values `ms` (REQUIRES: ms >= 0, n > 0). Out of line, so
  // that AddCount and AddAll run the same floating-point code (no contraction differs).
  [[gnu::noinline]] void AddStats(double ms, uint64_t n);

  std::vector<Bucket> buckets_;
  uint64_t zero_ = 0;
  uint64_t count_ = 0;
  double min_ = 0;
  double max_ = 0;
  double sum_ = 0;
  double sum_sq_ = 0;
  size_t last_ = 0;  // position of the last bucket touched: latencies come in runs
};

}  // namespace meshverify
