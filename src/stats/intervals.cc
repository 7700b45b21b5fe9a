// Clopper–Pearson exact bounds for one share. Method numbers follow Newcombe (1998), Stat Med
// 17:857–872. Also the shared share validation and number formatting of the stats module.

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
  // The complement keeps full precision for tiny tails.
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

double ClopperPearsonLower(uint64_t k, uint64_t n, double tail) {
  if (k == 0 || !(tail > 0)) return 0.0;
  const double kd = static_cast<double>(k);
  return boost::math::ibeta_inv(kd, static_cast<double>(n) - kd + 1.0, tail, Policy());
}

double ClopperPearsonUpper(uint64_t k, uint64_t n, double tail) {
  if (k >= n || !(tail > 0)) return 1.0;
  const double kd = static_cast<double>(k);
  // The complement form keeps precision at the upper end (no 1 - tail anywhere).
  return boost::math::ibetac_inv(kd + 1.0, static_cast<double>(n) - kd, tail, Policy());
}

}  // namespace internal

// Clopper & Pearson (1934): lo is the lower_tail quantile of Beta(k, n-k+1), since
// P_p(X >= k) = I_p(k, n-k+1); hi the upper_tail upper quantile of Beta(k+1, n-k), since
// P_p(X <= k) = 1 - I_p(k+1, n-k).
Interval ClopperPearsonBounds(uint64_t k, uint64_t n, double lower_tail, double upper_tail) {
  if (n == 0) return {0.0, 1.0};
  k = std::min(k, n);
  return {internal::ClopperPearsonLower(k, n, lower_tail),
          internal::ClopperPearsonUpper(k, n, upper_tail)};
}

}  // namespace meshverify::stats
