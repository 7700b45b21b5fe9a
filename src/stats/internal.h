#pragma once
// Private helpers of the stats module: the Boost.Math error policy and share validation.

#include <boost/math/policies/policy.hpp>
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

// Shares must sum to 1 within this (config.h's --expect contract).
inline constexpr double kShareSumTolerance = 1e-6;

// Returns the upper quantile z with P(Z > z) = tail for a standard normal Z.
// REQUIRES: 0 < tail < 1.
double NormalUpperQuantile(double tail);

// Checks that `shares` is non-empty, finite, non-negative and sums to 1 within
// kShareSumTolerance. Fails with InvalidInput "<what>: <reason>".
Status ValidateShares(std::span<const double> shares, const std::string& what);

// Formats a number for messages with up to 10 significant digits ("0.9", "1e-07").
std::string FormatNumber(double v);

}  // namespace meshverify::stats::internal
