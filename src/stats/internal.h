#pragma once
// Private helpers of the stats module: the Boost.Math error policy, share validation, the
// one-sided exact bounds and the balanced-count range that the gate and the planner share.

#include <boost/math/policies/policy.hpp>
#include <cstdint>
#include <span>
#include <string>

#include "meshverify/status.h"

namespace meshverify::stats::internal {

// Boost.Math throws on domain errors and overflow by default; meshverify code never throws, so
// every distribution here uses a policy that returns NaN/inf instead, and the callers guard
// their arguments so those values cannot reach a verdict.
using Policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::rounding_error<boost::math::policies::ignore_error>>;

// Shares must sum to 1 within this (config.h's --expect contract normalises them first).
inline constexpr double kShareSumTolerance = 1e-6;

// Returns the upper quantile z with P(Z > z) = tail for a standard normal Z.
// REQUIRES: 0 < tail < 1.
double NormalUpperQuantile(double tail);

// Checks that `shares` is non-empty, finite, non-negative and sums to 1 within
// kShareSumTolerance. Fails with InvalidInput "<what>: <reason>".
Status ValidateShares(std::span<const double> shares, const std::string& what);

// Formats a number for messages with up to 10 significant digits ("0.9", "1e-07").
std::string FormatNumber(double v);

// Clopper–Pearson one-sided bounds: the p with P_p(X >= k) = tail (0 for k == 0) and the p
// with P_p(X <= k) = tail (1 for k >= n). Non-decreasing in k, non-increasing in n.
double ClopperPearsonLower(uint64_t k, uint64_t n, double tail);
double ClopperPearsonUpper(uint64_t k, uint64_t n, double tail);

// The two halves of "balanced" (DecideShare): the equivalence interval's lower end lies above
// the band's lower edge, its upper end below the upper edge. LowerInside is non-decreasing in
// k and non-increasing in n; UpperInside non-increasing in k and non-decreasing in n.
bool LowerInside(uint64_t k, uint64_t n, double expected, double tolerance, double alpha);
bool UpperInside(uint64_t k, uint64_t n, double expected, double tolerance, double alpha);

// The smallest k in [0, n] with LowerInside (n + 1 if none), and the smallest k without
// UpperInside (n + 1 if none): searched outwards from `guess` in doubling steps, then bisected,
// so a guess a few counts off costs a few evaluations. A NaN guess means the normal
// approximation (Wald: n·edge ± z sqrt(n·edge·(1 - edge))).
uint64_t FirstLowerInside(uint64_t n, double expected, double tolerance, double alpha,
                          double guess);
uint64_t FirstUpperOutside(uint64_t n, double expected, double tolerance, double alpha,
                           double guess);

// The counts k in [first, last] of n that DecideShare calls balanced (empty when first >
// last). `expected` > 0.
struct CountRange {
  uint64_t first = 1;
  uint64_t last = 0;
  bool empty() const { return first > last; }
};
CountRange BalancedCounts(uint64_t n, double expected, double tolerance, double alpha);

}  // namespace meshverify::stats::internal
