// LatencyHistogram: log-spaced buckets in the manner of DDSketch (Masson, Rim & Lee, VLDB 2019).
// Bucket i holds values in (g^(i-1), g^i] with g = (1 + a) / (1 - a); reporting 2 g^i / (g + 1)
// for any value of the bucket is within relative error a of it. Buckets are stored densely
// between the lowest and highest index seen, so memory follows the spread of latencies
// (~120 buckets per factor of 10), not their number.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "meshverify/aggregate.h"

namespace meshverify {
namespace {

constexpr double kRelativeError = 0.009;  // below the 1% contract, with room for rounding
constexpr double kGamma = (1 + kRelativeError) / (1 - kRelativeError);
constexpr double kMinTracked = 1e-6;  // ms; smaller values (including 0) are reported as 0
constexpr double kMaxTracked = 1e9;   // ms; larger values share the last bucket
const double kLogGamma = std::log(kGamma);

int IndexOf(double ms) { return static_cast<int>(std::ceil(std::log(ms) / kLogGamma)); }

}  // namespace

struct LatencyHistogram::Impl {
  std::vector<uint64_t> buckets;  // buckets[k] is index offset + k
  int offset = 0;
  uint64_t zero = 0;  // values below kMinTracked
  uint64_t count = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = 0;

  void AddToBucket(int index, uint64_t n) {
    if (buckets.empty()) {
      offset = index;
      buckets.assign(1, 0);
    } else if (index < offset) {
      buckets.insert(buckets.begin(), static_cast<size_t>(offset - index), 0);
      offset = index;
    } else if (index >= offset + static_cast<int>(buckets.size())) {
      buckets.resize(static_cast<size_t>(index - offset + 1), 0);
    }
    buckets[static_cast<size_t>(index - offset)] += n;
  }
};

LatencyHistogram::LatencyHistogram() : impl_(std::make_unique<Impl>()) {}
LatencyHistogram::~LatencyHistogram() = default;
LatencyHistogram::LatencyHistogram(const LatencyHistogram& o)
    : impl_(std::make_unique<Impl>(*o.impl_)) {}
LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
// A moved-from histogram is left empty rather than null so that it stays usable.
LatencyHistogram::LatencyHistogram(LatencyHistogram&& o) noexcept : impl_(std::move(o.impl_)) {
  o.impl_ = std::make_unique<Impl>();
}
LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&& o) noexcept {
  if (this != &o) {
    impl_ = std::move(o.impl_);
    o.impl_ = std::make_unique<Impl>();
  }
  return *this;
}

void LatencyHistogram::Add(double ms) {
  if (!(ms >= 0)) return;  // negative or NaN: unknown
  Impl& h = *impl_;
  ++h.count;
  h.min = std::min(h.min, ms);
  h.max = std::max(h.max, ms);
  if (ms < kMinTracked) {
    ++h.zero;
    return;
  }
  h.AddToBucket(IndexOf(std::min(ms, kMaxTracked)), 1);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  const Impl& o = *other.impl_;
  if (o.count == 0) return;
  Impl& h = *impl_;
  for (size_t k = 0; k < o.buckets.size(); ++k) {
    if (o.buckets[k] != 0) h.AddToBucket(o.offset + static_cast<int>(k), o.buckets[k]);
  }
  h.zero += o.zero;
  h.count += o.count;
  h.min = std::min(h.min, o.min);
  h.max = std::max(h.max, o.max);
}

uint64_t LatencyHistogram::count() const { return impl_->count; }
double LatencyHistogram::max() const { return impl_->max; }

// The nearest-rank quantile: the value of rank max(1, ceil(q * count)) in sorted order.
double LatencyHistogram::Quantile(double q) const {
  const Impl& h = *impl_;
  if (h.count == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  if (q == 0) return h.min;
  if (q == 1) return h.max;
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * h.count)));
  uint64_t seen = h.zero;
  if (rank <= seen) return h.min;  // below kMinTracked: absolute error < 1 ns
  for (size_t k = 0; k < h.buckets.size(); ++k) {
    seen += h.buckets[k];
    if (seen >= rank) {
      const double upper = std::pow(kGamma, h.offset + static_cast<int>(k));
      return std::clamp(2 * upper / (kGamma + 1), h.min, h.max);
    }
  }
  return h.max;
}

}  // namespace meshverify
