// Confidence intervals for one share: Wilson score and Clopper–Pearson, and their Bonferroni
// simultaneous version. Method numbers follow Newcombe (1998), Stat Med 17:857–872.

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <sstream>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace internal {

double NormalUpperQuantile(double tail) {
  boost::math::normal_distribution<double, Policy> normal;
  // The complement keeps full precision for the tiny tails of Bonferroni-corrected intervals.
  return boost::math::quantile(boost::math::complement(normal, tail));
}

Status ValidateShares(std::span<const double> shares, const std::string& what) {
  if (shares.empty()) return Status::InvalidInput(what + ": no shares");
  double sum = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    if (!std::isfinite(shares[i]) || shares[i] < 0) {
      return Status::InvalidInput(what + ": share " + std::to_string(i + 1) + " is " +
                                  FormatNumber(shares[i]) + ", not in [0, 1]");
    }
    sum += shares[i];
  }
  if (std::fabs(sum - 1.0) > kShareSumTolerance) {
    return Status::InvalidInput(what + ": shares sum to " + FormatNumber(sum) + ", not 1");
  }
  return Status::Ok();
}

std::string FormatNumber(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

}  // namespace internal

namespace {

// Below this many successes (or failures) the Wilson interval's coverage dips well under its
// nominal level at one end (Brown, Cai & DasGupta 2001, Stat Sci 16:101, §4.1: poor coverage
// for p near 0 or 1), so the simultaneous interval switches to the conservative exact one.
constexpr uint64_t kExactBelowCount = 10;

}  // namespace

// Wilson (1927) score interval, Newcombe (1998) method 3:
//   (2np + z^2 ± z sqrt(z^2 + 4np(1-p))) / (2(n + z^2)).
// The k = 0 and k = n ends are exactly 0 and 1 (the formula gives them up to rounding).
Interval WilsonInterval(uint64_t k, uint64_t n, double confidence) {
  if (n == 0) return {0.0, 1.0};
  if (!(confidence > 0)) {  // a zero-width interval: the point estimate
    double p = static_cast<double>(k) / static_cast<double>(n);
    return {p, p};
  }
  const double z = internal::NormalUpperQuantile((1.0 - confidence) / 2.0);
  const double nd = static_cast<double>(n);
  const double p = static_cast<double>(k) / nd;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nd;
  const double center = (p + z2 / (2.0 * nd)) / denom;
  const double half = z / denom * std::sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd));
  Interval ci{std::max(0.0, center - half), std::min(1.0, center + half)};
  if (k == 0) ci.lo = 0.0;
  if (k == n) ci.hi = 1.0;
  return ci;
}

// Clopper & Pearson (1934) exact interval, Newcombe (1998) method 5: the alpha/2 quantile of
// Beta(k, n-k+1) and the 1-alpha/2 quantile of Beta(k+1, n-k), via Boost's ibeta_inv /
// ibetac_inv (the complement keeps precision at the upper end).
Interval ClopperPearsonInterval(uint64_t k, uint64_t n, double confidence) {
  if (n == 0) return {0.0, 1.0};
  const double half_alpha = (1.0 - confidence) / 2.0;
  const double kd = static_cast<double>(k);
  const double nd = static_cast<double>(n);
  if (!(half_alpha < 0.5)) {
    double p = kd / nd;
    return {p, p};
  }
  internal::Policy pol;
  Interval ci;
  ci.lo = k == 0 ? 0.0 : boost::math::ibeta_inv(kd, nd - kd + 1.0, half_alpha, pol);
  ci.hi = k == n ? 1.0 : boost::math::ibetac_inv(kd + 1.0, nd - kd, half_alpha, pol);
  return ci;
}

Interval SimultaneousInterval(uint64_t k, uint64_t n, double alpha, int num_shares) {
  const double confidence = 1.0 - alpha / static_cast<double>(std::max(1, num_shares));
  if (std::min(k, n - k) < kExactBelowCount) return ClopperPearsonInterval(k, n, confidence);
  return WilsonInterval(k, n, confidence);
}

}  // namespace meshverify::stats
