// PlanRequests and BalancedProbability. The power is recomputed here independently: the
// balanced counts from the rule in stats.h (public ClopperPearsonBounds, tracked upwards in n)
// and the binomial probability of that run from Boost.Math.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

constexpr double kAlpha = 0.01;
constexpr double kTolerance = 0.05;
constexpr double kPower = 0.9;

// Exact power of a two-share source (first share e) at consecutive n, n = start, start + 1...
class PowerWalk {
 public:
  PowerWalk(double e, double tolerance, double alpha) : e_(e), d_(tolerance), a_(alpha) {}

  double At(uint64_t n) {
    while (first_ <= n && !(ClopperPearsonBounds(first_, n, a_, a_).lo > e_ - d_)) ++first_;
    end_ = std::max(end_, first_);
    while (end_ <= n && ClopperPearsonBounds(end_, n, a_, a_).hi < e_ + d_) ++end_;
    if (first_ >= end_) return 0;
    boost::math::binomial_distribution<double> b(static_cast<double>(n), e_);
    const double below = first_ == 0 ? 0.0 : boost::math::cdf(b, first_ - 1.0);
    const double above = boost::math::cdf(boost::math::complement(b, end_ - 1.0));
    return 1 - below - above;
  }

 private:
  double e_, d_, a_;
  uint64_t first_ = 0, end_ = 0;  // balanced run [first_, end_ - 1]; both never decrease
};

// Past this n Hoeffding's inequality guarantees the power (stats.h, PlanRequests): with
// r = sqrt(ln(1/alpha) / 2n), the miss is at most 2 exp(-2n (tolerance - r)^2).
uint64_t HoeffdingN(double tolerance, double alpha, double power) {
  uint64_t n = 1;
  while (true) {
    const double t = tolerance - std::sqrt(std::log(1 / alpha) / (2.0 * n));
    if (t > 0 && 2 * std::exp(-2.0 * n * t * t) <= 1 - power) return n;
    ++n;
  }
}

TEST(PlanRequestsTest, DefaultsNeedAtMostSixteenHundred) {
  // Issue 11 item 2: 1754 before (Wilson, alpha split over both shares of one partition).
  Result<uint64_t> n = PlanRequests(std::vector<double>{0.5, 0.5}, kTolerance, kAlpha, kPower);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1595u);
  EXPECT_LE(*n, 1600u);
}

// Exact rationals from reference_values.py ("Plan at the defaults"): the balanced run at
// n = 1594 is [765, 829] and at 1595 [765, 830]; the power is the sum of C(n, j) / 2^n over it.
TEST(PlanRequestsTest, PowerMatchesExactRationals) {
  const std::vector<double> half = {0.5, 0.5};
  EXPECT_NEAR(BalancedProbability(half, 1594, kTolerance, kAlpha), 8.96516663540803747216e-1,
              1e-12);
  EXPECT_NEAR(BalancedProbability(half, 1595, kTolerance, kAlpha), 9.01614922726695731044e-1,
              1e-12);
}

// Issue 11 item 8: the power is a sawtooth in n; the plan is the n from which it never again
// falls below the target. Checked for every n up to the point where Hoeffding's bound takes
// over, with the independent power above.
TEST(PlanRequestsTest, PowerStaysAboveTheTargetFromThePlannedN) {
  struct Case {
    double e, tolerance, alpha, power;
  };
  // 0.95 ± 0.05 has its band edge at 1: every answer in the share is on the edge, not inside.
  for (const Case& c : {Case{0.5, kTolerance, kAlpha, kPower}, Case{0.2, kTolerance, kAlpha, 0.8},
                        Case{0.5, 0.05, 0.0025, kPower}, Case{0.95, kTolerance, kAlpha, kPower}}) {
    const std::vector<double> shares = {c.e, 1 - c.e};
    Result<uint64_t> plan = PlanRequests(shares, c.tolerance, c.alpha, c.power);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    const uint64_t last = HoeffdingN(c.tolerance, c.alpha, c.power);
    ASSERT_GT(last, *plan);
    PowerWalk walk(c.e, c.tolerance, c.alpha);
    for (uint64_t n = 1; n < *plan - 1; ++n) walk.At(n);  // brings the run up to date
    EXPECT_LT(walk.At(*plan - 1), c.power) << "the plan is not the smallest such n";
    for (uint64_t n = *plan; n <= last; ++n) {
      const double p = walk.At(n);
      ASSERT_GE(p, c.power) << "n=" << n << " (plan " << *plan << ")";
      if (n % 97 == 0 || n < *plan + 50) {
        EXPECT_NEAR(BalancedProbability(shares, n, c.tolerance, c.alpha), p, 1e-12) << n;
      }
    }
  }
}

TEST(PlanRequestsTest, ThreeSharesUseTheBonferroniBoundOfThePower) {
  const std::vector<double> thirds = {1. / 3, 1. / 3, 1. / 3};
  Result<uint64_t> n = PlanRequests(thirds, kTolerance, kAlpha, kPower);
  ASSERT_TRUE(n.ok());
  EXPECT_GE(BalancedProbability(thirds, *n, kTolerance, kAlpha), kPower);
  EXPECT_LT(BalancedProbability(thirds, *n - 1, kTolerance, kAlpha), kPower);
  // Each share's miss is a third of the bound's miss.
  const double two[] = {1. / 3, 2. / 3};
  EXPECT_NEAR(1 - BalancedProbability(thirds, *n, kTolerance, kAlpha),
              3 * (1 - BalancedProbability(two, *n, kTolerance, kAlpha)), 1e-12);
}

TEST(PlanRequestsTest, GrowsAsExpected) {
  const std::vector<double> half = {0.5, 0.5};
  uint64_t base = *PlanRequests(half, 0.05, kAlpha, 0.9);
  // Halving the tolerance roughly quadruples n.
  uint64_t fine = *PlanRequests(half, 0.025, kAlpha, 0.9);
  EXPECT_NEAR(static_cast<double>(fine) / base, 4.0, 0.2);
  EXPECT_GT(*PlanRequests(half, 0.05, 0.001, 0.9), base);
  EXPECT_GT(*PlanRequests(half, 0.05, kAlpha, 0.99), base);
  const std::vector<double> four = {0.25, 0.25, 0.25, 0.25};
  Result<uint64_t> n4 = PlanRequests(four, 0.05, kAlpha, 0.9);
  ASSERT_TRUE(n4.ok());
  EXPECT_GT(*n4, 1000u);
}

TEST(PlanRequestsTest, SingleShareAndZeroShares) {
  // One share of 1: every answer lands in it; exact lower end alpha^(1/n) > 0.95 at n = 90.
  Result<uint64_t> n = PlanRequests(std::vector<double>{1.0}, kTolerance, kAlpha, 0.9);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 90u);
  // A share of 0 beside it is balanced once 1 - alpha^(1/n) < 0.05: the same n.
  EXPECT_EQ(*PlanRequests(std::vector<double>{1.0, 0.0}, kTolerance, kAlpha, 0.9), 90u);
  // A share of 0 beside two halves changes nothing once n is past 90.
  EXPECT_EQ(*PlanRequests(std::vector<double>{0.5, 0.5, 0.0}, kTolerance, kAlpha, 0.9), 1595u);
}

TEST(PlanRequestsTest, Errors) {
  const std::vector<double> half = {0.5, 0.5};
  EXPECT_EQ(PlanRequests(half, 0.7, kAlpha, 0.9).status().message(),
            "plan: tolerance 0.7 must be in (0, 0.5]");
  EXPECT_EQ(PlanRequests(half, 0.05, 0, 0.9).status().message(), "plan: alpha 0 must be in (0, 1)");
  EXPECT_EQ(PlanRequests(half, 0.05, kAlpha, 1).status().message(),
            "plan: power 1 must be in (0, 1)");
  EXPECT_EQ(PlanRequests(std::vector<double>{0.5, 0.4}, 0.05, kAlpha, 0.9).status().message(),
            "plan: expected shares: shares sum to 0.9, not 1");
  EXPECT_EQ(PlanRequests(std::vector<double>{}, 0.05, kAlpha, 0.9).status().message(),
            "plan: expected shares: no shares");
  EXPECT_EQ(PlanRequests(half, 1e-7, kAlpha, 0.9).status().message(),
            "plan: more than 1e+12 requests needed; raise the tolerance");
}

}  // namespace
}  // namespace meshverify::stats
