// Sample-size planning for the equivalence gate: how many requests make "balanced" likely when
// the shares really are as expected.

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <map>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace {

using Binomial = boost::math::binomial_distribution<double, internal::Policy>;

// Once bisection has narrowed the crossing to this many n, scan them one by one: exact power
// is a sawtooth in n (discreteness of k), so the first crossing is found by scanning.
constexpr uint64_t kScanWidth = 1024;

// P(share with true value e is gated balanced at n), from the exact binomial distribution of
// its count. The balanced counts form one run [k1, k2]: the TOST interval's lower end grows
// with k and its upper end shrinks with k' = n - k, so each end is found by bisection.
double ShareBalancedProbability(double e, uint64_t n, double tolerance, double alpha, int m) {
  if (n == 0) return 0;
  auto inner = [&](uint64_t k) { return SimultaneousInterval(k, n, 2 * alpha, m); };
  if (e <= 0 || e >= 1) {  // the count is certain: 0 or n
    uint64_t k = e <= 0 ? 0 : n;
    return GateShare(k, n, e, tolerance, alpha, m).gate == Gate::kBalanced ? 1.0 : 0.0;
  }
  // k1: first k whose interval starts inside the band.
  uint64_t lo = 0, hi = n + 1;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (inner(mid).lo >= e - tolerance)
      hi = mid;
    else
      lo = mid + 1;
  }
  const uint64_t k1 = lo;
  // k2 + 1: first k whose interval ends beyond the band.
  lo = 0;
  hi = n + 1;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (inner(mid).hi > e + tolerance)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (lo == 0 || k1 > lo - 1) return 0;
  const uint64_t k2 = lo - 1;
  const Binomial dist(static_cast<double>(n), e);
  const double below = k1 == 0 ? 0.0 : boost::math::cdf(dist, k1 - 1.0);
  return std::max(0.0, boost::math::cdf(dist, static_cast<double>(k2)) - below);
}

// A lower bound on P(every share balanced) at n. With two shares the events coincide (both
// intervals are mirror images, k2 = n - k1); with more, Bonferroni: 1 - sum P(not balanced).
class PowerAt {
 public:
  PowerAt(std::span<const double> shares, double tolerance, double alpha)
      : shares_(shares.begin(), shares.end()), tolerance_(tolerance), alpha_(alpha) {}

  double operator()(uint64_t n) const {
    const int m = static_cast<int>(shares_.size());
    if (m <= 2) return ShareBalancedProbability(shares_[0], n, tolerance_, alpha_, m);
    std::map<double, double> miss;  // equal shares have equal power: compute once
    double total_miss = 0;
    for (double e : shares_) {
      auto it = miss.find(e);
      if (it == miss.end()) {
        it = miss.emplace(e, 1 - ShareBalancedProbability(e, n, tolerance_, alpha_, m)).first;
      }
      total_miss += it->second;
    }
    return std::max(0.0, 1 - total_miss);
  }

 private:
  std::vector<double> shares_;
  double tolerance_;
  double alpha_;
};

// Normal-approximation start: balanced needs |p - e| + z_a·sigma <= tolerance with
// z_a = z(alpha/m) (one side of the TOST interval), and |p - e| <= z_b·sigma holds with
// probability power_i when z_b = z((1 - power_i)/2); so n = e(1-e)(z_a + z_b)^2 / tolerance^2.
uint64_t NormalApproximation(std::span<const double> shares, double tolerance, double alpha,
                             double power) {
  const double m = static_cast<double>(shares.size());
  const double power_each = shares.size() <= 2 ? power : 1 - (1 - power) / m;
  const double z = internal::NormalUpperQuantile(alpha / m) +
                   internal::NormalUpperQuantile((1 - power_each) / 2);
  double n = 1;
  for (double e : shares) n = std::max(n, e * (1 - e) * z * z / (tolerance * tolerance));
  return static_cast<uint64_t>(std::ceil(std::min(n, static_cast<double>(kMaxPlanRequests))));
}

std::string Range(double v, const char* name, const char* range) {
  return std::string("plan: ") + name + " " + internal::FormatNumber(v) + " must be in " + range;
}

}  // namespace

// Method: start at the normal approximation above, bracket the crossing of the exact power
// (binomial probabilities of the balanced counts) by halving or doubling, bisect the bracket
// down to kScanWidth, then scan it for the first n whose exact power reaches `power`.
Result<uint64_t> PlanRequests(std::span<const double> expected_shares, double tolerance,
                              double alpha, double power) {
  if (!(tolerance > 0 && tolerance <= 0.5)) {
    return Status::InvalidInput(Range(tolerance, "tolerance", "(0, 0.5]"));
  }
  if (!(alpha > 0 && alpha < 1)) return Status::InvalidInput(Range(alpha, "alpha", "(0, 1)"));
  if (!(power > 0 && power < 1)) return Status::InvalidInput(Range(power, "power", "(0, 1)"));
  if (Status s = internal::ValidateShares(expected_shares, "plan: expected shares"); !s.ok()) {
    return s;
  }
  const PowerAt power_at(expected_shares, tolerance, alpha);
  const uint64_t start = NormalApproximation(expected_shares, tolerance, alpha, power);
  uint64_t lo = 0;  // power(0) = 0: no requests decide nothing
  uint64_t hi = start;
  if (power_at(start) >= power) {
    for (uint64_t n = start / 2; n > 0 && power_at(n) >= power; n /= 2) hi = n;
    lo = hi / 2;
  } else {
    lo = start;
    for (hi = std::min(2 * start, kMaxPlanRequests); power_at(hi) < power;
         hi = std::min(2 * hi, kMaxPlanRequests)) {
      if (hi == kMaxPlanRequests) {
        return Status::InvalidInput("plan: more than " + internal::FormatNumber(kMaxPlanRequests) +
                                    " requests needed; raise the tolerance");
      }
      lo = hi;
    }
  }
  while (hi - lo > kScanWidth) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (power_at(mid) >= power)
      hi = mid;
    else
      lo = mid;
  }
  for (uint64_t n = lo + 1; n < hi; ++n) {
    if (power_at(n) >= power) return n;
  }
  return hi;
}

}  // namespace meshverify::stats
