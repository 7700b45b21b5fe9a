// Histogram: log-linear buckets in the manner of HdrHistogram (Gil Tene), stored sparse.
#include "meshverify/histogram.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace meshverify {
namespace {

constexpr int kSub = Histogram::kSubBuckets;

// Floor division for negative exponents.
int32_t FloorDiv(int32_t a, int32_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int32_t Histogram::IndexOf(double ms) {
  int e = 0;
  const double m = std::frexp(std::min(ms, kMaxTracked), &e);  // ms = m * 2^e, m in [0.5, 1)
  int sub = static_cast<int>((m - 0.5) * 2 * kSub);
  sub = std::clamp(sub, 0, kSub - 1);
  return e * kSub + sub;
}

double Histogram::BucketLow(int32_t index) {
  const int32_t e = FloorDiv(index, kSub);
  const int32_t sub = index - e * kSub;
  return std::ldexp(0.5 + 0.5 * sub / kSub, e);
}

double Histogram::BucketHigh(int32_t index) {
  const int32_t e = FloorDiv(index, kSub);
  const int32_t sub = index - e * kSub;
  return std::ldexp(0.5 + 0.5 * (sub + 1) / kSub, e);
}

void Histogram::AddToBucket(int32_t index, uint64_t n) {
  if (last_ < buckets_.size() && buckets_[last_].index == index) {
    buckets_[last_].count += n;
    return;
  }
  auto it = std::lower_bound(buckets_.begin(), buckets_.end(), index,
                             [](const Bucket& b, int32_t i) { return b.index < i; });
  if (it == buckets_.end() || it->index != index) it = buckets_.insert(it, Bucket{index, 0});
  it->count += n;
  last_ = static_cast<size_t>(it - buckets_.begin());
}

void Histogram::AddStats(double ms, uint64_t n) {
  if (count_ == 0) {
    min_ = max_ = ms;
  } else {
    min_ = std::min(min_, ms);
    max_ = std::max(max_, ms);
  }
  count_ += n;
  sum_ += ms * static_cast<double>(n);
  sum_sq_ += ms * ms * static_cast<double>(n);
}

void Histogram::AddCount(double ms, uint64_t n) {
  if (!(ms >= 0) || n == 0) return;  // negative or NaN: unknown
  AddStats(ms, n);
  if (ms < kMinTracked) {
    zero_ += n;
  } else {
    AddToBucket(IndexOf(ms), n);
  }
}

void Histogram::AddAll(std::span<const double> values) {
  std::vector<int32_t> indexes;
  indexes.reserve(values.size());
  int32_t lo = 0, hi = 0;
  for (const double ms : values) {
    if (!(ms >= 0)) continue;
    AddStats(ms, 1);
    if (ms < kMinTracked) {
      ++zero_;
      continue;
    }
    const int32_t i = IndexOf(ms);
    lo = indexes.empty() ? i : std::min(lo, i);
    hi = indexes.empty() ? i : std::max(hi, i);
    indexes.push_back(i);
  }
  if (indexes.empty()) return;
  // Counted over [lo, hi] (at most IndexOf(kMaxTracked) - IndexOf(kMinTracked) + 1 entries),
  // then merged with the stored buckets in one pass.
  std::vector<uint64_t> dense(static_cast<size_t>(hi - lo) + 1, 0);
  for (const int32_t i : indexes) ++dense[static_cast<size_t>(i - lo)];
  std::vector<Bucket> merged;
  merged.reserve(buckets_.size() + dense.size());
  auto old = buckets_.begin();
  for (size_t d = 0; d < dense.size(); ++d) {
    if (dense[d] == 0) continue;
    const auto index = static_cast<int32_t>(lo + static_cast<int32_t>(d));
    for (; old != buckets_.end() && old->index < index; ++old) merged.push_back(*old);
    uint64_t count = dense[d];
    if (old != buckets_.end() && old->index == index) count += (old++)->count;
    merged.push_back(Bucket{index, count});
  }
  merged.insert(merged.end(), old, buckets_.end());
  buckets_ = std::move(merged);
  last_ = 0;
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (&other == this) {
    const Histogram copy = other;
    Merge(copy);
    return;
  }
  for (const Bucket& b : other.buckets_) AddToBucket(b.index, b.count);
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  zero_ += other.zero_;
  count_ += other.count_;
  sum_ += other.sum_;
  sum_sq_ += other.sum_sq_;
}

double Histogram::Mean() const { return count_ == 0 ? 0 : sum_ / static_cast<double>(count_); }

double Histogram::StdDev() const {
  if (count_ == 0) return 0;
  const double mean = Mean();
  return std::sqrt(std::max(0.0, sum_sq_ / static_cast<double>(count_) - mean * mean));
}

double Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  if (q == 0) return min_;
  if (q == 1) return max_;
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  uint64_t seen = zero_;
  if (rank <= seen) return min_;  // below kMinTracked: absolute error < 1 ns
  for (const Bucket& b : buckets_) {
    seen += b.count;
    if (seen >= rank) {
      const double mid = 0.5 * (BucketLow(b.index) + BucketHigh(b.index));
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

bool operator==(const Histogram& a, const Histogram& b) {
  return a.buckets_ == b.buckets_ && a.zero_ == b.zero_ && a.count_ == b.count_ &&
         a.min_ == b.min_ && a.max_ == b.max_ && a.sum_ == b.sum_ && a.sum_sq_ == b.sum_sq_;
}

nlohmann::json Histogram::ToJson() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (const Bucket& b : buckets_) buckets.push_back({b.index, b.count});
  return {{"scheme", kScheme}, {"unit", "ms"},      {"count", count_},
          {"zero", zero_},     {"min", min()},      {"max", max_},
          {"sum", sum_},       {"sum_sq", sum_sq_}, {"buckets", std::move(buckets)}};
}

namespace {

Status Bad(std::string_view where, const std::string& why) {
  return Status::InvalidInput(std::string(where) + ": " + why);
}

bool ReadNumber(const nlohmann::json& j, const char* key, double* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return false;
  *out = it->get<double>();
  return std::isfinite(*out) && *out >= 0;
}

bool ReadCount(const nlohmann::json& j, const char* key, uint64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  if (!it->is_number_unsigned() && it->get<int64_t>() < 0) return false;
  *out = it->get<uint64_t>();
  return true;
}

}  // namespace

Result<Histogram> Histogram::FromJson(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) return Bad(where, "expected a histogram object");
  auto scheme = j.find("scheme");
  if (scheme == j.end() || !scheme->is_string() || *scheme != kScheme) {
    return Bad(where, "scheme: expected \"" + std::string(kScheme) + "\"");
  }
  Histogram h;
  if (!ReadCount(j, "count", &h.count_)) return Bad(where, "count: expected an integer >= 0");
  if (!ReadCount(j, "zero", &h.zero_)) return Bad(where, "zero: expected an integer >= 0");
  for (auto [key, out] : {std::pair{"min", &h.min_}, std::pair{"max", &h.max_},
                          std::pair{"sum", &h.sum_}, std::pair{"sum_sq", &h.sum_sq_}}) {
    if (!ReadNumber(j, key, out)) return Bad(where, std::string(key) + ": expected a number >= 0");
  }
  auto b = j.find("buckets");
  if (b == j.end() || !b->is_array()) return Bad(where, "buckets: expected an array");
  uint64_t total = h.zero_;
  for (size_t i = 0; i < b->size(); ++i) {
    const nlohmann::json& e = (*b)[i];
    const std::string at = "buckets[" + std::to_string(i) + "]";
    if (!e.is_array() || e.size() != 2 || !e[0].is_number_integer() || !e[1].is_number_integer() ||
        e[1].get<int64_t>() <= 0) {
      return Bad(where, at + ": expected [index, count > 0]");
    }
    const auto index = e[0].get<int64_t>();
    if (index < IndexOf(kMinTracked) || index > IndexOf(kMaxTracked)) {
      return Bad(where, at + ": index out of range");
    }
    if (!h.buckets_.empty() && index <= h.buckets_.back().index) {
      return Bad(where, at + ": indexes must increase");
    }
    const uint64_t c = e[1].get<uint64_t>();
    if (total + c < total) return Bad(where, at + ": count overflows");
    total += c;
    h.buckets_.push_back(Bucket{static_cast<int32_t>(index), c});
  }
  if (total != h.count_) return Bad(where, "count: does not equal zero + the bucket counts");
  if (h.count_ > 0 && h.min_ > h.max_) return Bad(where, "min: above max");
  return h;
}

}  // namespace meshverify
