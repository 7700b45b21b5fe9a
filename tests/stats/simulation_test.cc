// Monte Carlo checks of the gate, with a fixed seed so they are reproducible.
// Rates are compared with bounds from the binomial distribution of the Monte Carlo count
// (99.9% one-sided), so a correct implementation fails with probability ~0.1% per check, and
// never for a given seed.

#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

constexpr double kAlpha = 0.01;
constexpr double kTolerance = 0.05;
constexpr double kPower = 0.9;

// The most successes among `reps` trials of probability `p` that is still plausible (99.9%).
double MostPlausible(int reps, double p) {
  return boost::math::quantile(boost::math::binomial_distribution<>(reps, p), 0.999);
}
// The fewest.
double FewestPlausible(int reps, double p) {
  return boost::math::quantile(boost::math::binomial_distribution<>(reps, p), 0.001);
}

uint64_t Draw(std::mt19937_64& rng, uint64_t n, double p) {
  return std::binomial_distribution<uint64_t>(n, p)(rng);
}

class GateSimulationTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<uint64_t> n = PlanRequests(std::vector<double>{0.5, 0.5}, kTolerance, kAlpha, kPower);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    planned_ = *n;
  }
  // Gates `reps` draws of a 2-share source whose true first share is `p`; counts the gates.
  void Run(double p, uint64_t n, int reps, int* balanced, int* skewed) {
    std::mt19937_64 rng(7);
    *balanced = *skewed = 0;
    for (int r = 0; r < reps; ++r) {
      Gate g = DecideShare(Draw(rng, n, p), n, 0.5, kTolerance, kAlpha, 1);
      *balanced += g == Gate::kBalanced;
      *skewed += g == Gate::kSkewed;
    }
  }
  uint64_t planned_ = 0;
};

TEST_F(GateSimulationTest, TrulyBalancedSourceIsRarelySkewedAndUsuallyBalanced) {
  const int reps = 3000;
  for (uint64_t n : {uint64_t{20}, uint64_t{200}, planned_}) {
    int balanced = 0, skewed = 0;
    Run(0.5, n, reps, &balanced, &skewed);
    EXPECT_LE(skewed, MostPlausible(reps, kAlpha)) << "n=" << n;
    if (n == planned_) {
      EXPECT_GE(balanced, FewestPlausible(reps, kPower)) << "n=" << n;
    }
  }
}

TEST_F(GateSimulationTest, ShareOnTheBandEdgeIsRarelyBalanced) {
  // True share 55% = expected + tolerance: "balanced" here is the equivalence test's type I
  // error, at most alpha (computed exactly in size_test.cc; here through random draws).
  const int reps = 5000;
  for (uint64_t n : {uint64_t{200}, planned_, 4 * planned_}) {
    int balanced = 0, skewed = 0;
    Run(0.55, n, reps, &balanced, &skewed);
    EXPECT_LE(balanced, MostPlausible(reps, kAlpha)) << "n=" << n;
  }
}

TEST_F(GateSimulationTest, SeventyThirtyAtTwentyIsNeverBalanced) {
  int balanced = 0, skewed = 0;
  Run(0.7, 20, 2000, &balanced, &skewed);
  EXPECT_EQ(balanced, 0);
}

TEST_F(GateSimulationTest, SequentialLooksKeepTheErrorRate) {
  // Five looks at a source on the band edge, stopping at the first decision, each look at
  // SequentialAlpha: the chance of ever calling it balanced stays <= alpha.
  const int reps = 3000, looks = 5;
  const double per_look = SequentialAlpha(kAlpha, 1, looks);
  std::mt19937_64 rng(11);
  int balanced = 0;
  for (int r = 0; r < reps; ++r) {
    uint64_t k = 0, n = 0;
    for (int look = 1; look <= looks; ++look) {
      const uint64_t step = 2 * planned_ / looks;
      k += Draw(rng, step, 0.55);
      n += step;
      Gate g = DecideShare(k, n, 0.5, kTolerance, per_look, 1);
      if (g == Gate::kInconclusive) continue;
      balanced += g == Gate::kBalanced;
      break;
    }
  }
  EXPECT_LE(balanced, MostPlausible(reps, kAlpha));
}

TEST(PlanSimulationTest, ThreeEqualSharesAllBalancedAtPlannedN) {
  const std::vector<double> shares = {1. / 3, 1. / 3, 1. / 3};
  Result<uint64_t> planned = PlanRequests(shares, kTolerance, kAlpha, kPower);
  ASSERT_TRUE(planned.ok());
  const uint64_t n = *planned;
  std::mt19937_64 rng(3);
  const int reps = 3000;
  int all_balanced = 0, any_skewed = 0;
  for (int r = 0; r < reps; ++r) {
    uint64_t x1 = Draw(rng, n, 1. / 3);
    uint64_t x2 = Draw(rng, n - x1, 0.5);
    uint64_t counts[3] = {x1, x2, n - x1 - x2};
    bool all = true, skew = false;
    for (uint64_t c : counts) {
      Gate g = DecideShare(c, n, 1. / 3, kTolerance, kAlpha, SkewDecisions(3));
      all = all && g == Gate::kBalanced;
      skew = skew || g == Gate::kSkewed;
    }
    all_balanced += all;
    any_skewed += skew;
  }
  EXPECT_GE(all_balanced, FewestPlausible(reps, kPower));
  EXPECT_LE(any_skewed, MostPlausible(reps, kAlpha));
}

}  // namespace
}  // namespace meshverify::stats
