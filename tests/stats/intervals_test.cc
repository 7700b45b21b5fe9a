#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

struct Reference {
  uint64_t k, n;
  double lo, hi;
};

// Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of
// seven methods", Stat Med 17:857–872, the worked examples table (95% intervals, 4 decimals):
// method 3 (Wilson score, no continuity correction).
TEST(WilsonIntervalTest, MatchesNewcombe1998Method3) {
  const std::vector<Reference> refs = {
      {81, 263, 0.2553, 0.3662},
      {15, 148, 0.0624, 0.1605},
      {0, 20, 0.0, 0.1611},
      {1, 29, 0.0061, 0.1718},
  };
  for (const Reference& r : refs) {
    Interval ci = WilsonInterval(r.k, r.n, 0.95);
    EXPECT_NEAR(ci.lo, r.lo, 5e-5) << r.k << "/" << r.n;
    EXPECT_NEAR(ci.hi, r.hi, 5e-5) << r.k << "/" << r.n;
  }
}

// Same table, method 5 (Clopper–Pearson exact).
TEST(ClopperPearsonIntervalTest, MatchesNewcombe1998Method5) {
  const std::vector<Reference> refs = {
      {81, 263, 0.2527, 0.3676},
      {15, 148, 0.0578, 0.1617},
      {0, 20, 0.0, 0.1684},
      {1, 29, 0.0009, 0.1776},
  };
  for (const Reference& r : refs) {
    Interval ci = ClopperPearsonInterval(r.k, r.n, 0.95);
    EXPECT_NEAR(ci.lo, r.lo, 5e-5) << r.k << "/" << r.n;
    EXPECT_NEAR(ci.hi, r.hi, 5e-5) << r.k << "/" << r.n;
  }
}

// Conover (1999) binomial tables, quoted by influentialpoints.com ("Confidence intervals of
// proportions", worked example): 5 of 25 gives the exact 95% interval 0.068 to 0.407.
TEST(ClopperPearsonIntervalTest, MatchesConoverTable) {
  Interval ci = ClopperPearsonInterval(5, 25, 0.95);
  EXPECT_NEAR(ci.lo, 0.068, 5e-4);
  EXPECT_NEAR(ci.hi, 0.407, 5e-4);
}

// R: binom.test(682, 925, p = 0.75) prints "95 percent confidence interval: 0.7076683 0.7654066"
// (the example in R's ?binom.test; binom.test's interval is Clopper–Pearson).
TEST(ClopperPearsonIntervalTest, MatchesRBinomTest) {
  Interval ci = ClopperPearsonInterval(682, 925, 0.95);
  EXPECT_NEAR(ci.lo, 0.7076683, 5e-8);
  EXPECT_NEAR(ci.hi, 0.7654066, 5e-8);
}

TEST(IntervalTest, NoDataIsTheWholeRange) {
  for (Interval ci : {WilsonInterval(0, 0, 0.95), ClopperPearsonInterval(0, 0, 0.95),
                      SimultaneousInterval(0, 0, 0.01, 3)}) {
    EXPECT_EQ(ci.lo, 0.0);
    EXPECT_EQ(ci.hi, 1.0);
  }
}

TEST(IntervalTest, AllOrNothingEndsAreExact) {
  for (uint64_t n : {1u, 7u, 1000u}) {
    EXPECT_EQ(WilsonInterval(0, n, 0.99).lo, 0.0);
    EXPECT_EQ(WilsonInterval(n, n, 0.99).hi, 1.0);
    EXPECT_EQ(ClopperPearsonInterval(0, n, 0.99).lo, 0.0);
    EXPECT_EQ(ClopperPearsonInterval(n, n, 0.99).hi, 1.0);
    EXPECT_GT(WilsonInterval(0, n, 0.99).hi, 0.0);
    EXPECT_LT(ClopperPearsonInterval(n, n, 0.99).lo, 1.0);
  }
  // 0 of n, exact: the upper end solves (1 - p)^n = alpha/2, so it is 1 - (alpha/2)^(1/n).
  EXPECT_NEAR(ClopperPearsonInterval(0, 10, 0.95).hi, 1 - std::pow(0.025, 0.1), 1e-12);
  EXPECT_NEAR(ClopperPearsonInterval(10, 10, 0.95).lo, std::pow(0.025, 0.1), 1e-12);
}

TEST(IntervalTest, HugeNIsNarrowAndCentred) {
  const uint64_t n = 1'000'000'000'000;                          // 1e12
  Interval w = WilsonInterval(n / 2 + 1'000'000'000, n, 0.999);  // share 0.501
  EXPECT_LT(w.lo, 0.501);
  EXPECT_GT(w.hi, 0.501);
  EXPECT_LT(w.hi - w.lo, 1e-5);
  Interval cp = ClopperPearsonInterval(n / 2, n, 0.999);
  EXPECT_NEAR(cp.lo, 0.5, 5e-6);
  EXPECT_NEAR(cp.hi, 0.5, 5e-6);
  EXPECT_LT(cp.lo, 0.5);
  EXPECT_GT(cp.hi, 0.5);
}

TEST(IntervalTest, WilsonIsMirrorSymmetric) {
  Interval a = WilsonInterval(30, 100, 0.95);
  Interval b = WilsonInterval(70, 100, 0.95);
  EXPECT_NEAR(a.lo, 1 - b.hi, 1e-12);
  EXPECT_NEAR(a.hi, 1 - b.lo, 1e-12);
}

TEST(SimultaneousIntervalTest, BonferroniWidensWithShares) {
  // Two shares at alpha 0.05 is the 97.5% interval; four shares the 98.75% one.
  Interval two = SimultaneousInterval(400, 1000, 0.05, 2);
  Interval want = WilsonInterval(400, 1000, 0.975);
  EXPECT_DOUBLE_EQ(two.lo, want.lo);
  EXPECT_DOUBLE_EQ(two.hi, want.hi);
  Interval four = SimultaneousInterval(400, 1000, 0.05, 4);
  EXPECT_LT(four.lo, two.lo);
  EXPECT_GT(four.hi, two.hi);
}

TEST(SimultaneousIntervalTest, ExactBelowTenSuccessesOrFailures) {
  Interval small = SimultaneousInterval(9, 1000, 0.05, 1);
  Interval cp = ClopperPearsonInterval(9, 1000, 0.95);
  EXPECT_DOUBLE_EQ(small.lo, cp.lo);
  EXPECT_DOUBLE_EQ(small.hi, cp.hi);
  Interval few_failures = SimultaneousInterval(995, 1000, 0.05, 1);
  EXPECT_DOUBLE_EQ(few_failures.lo, ClopperPearsonInterval(995, 1000, 0.95).lo);
  Interval ten = SimultaneousInterval(10, 1000, 0.05, 1);
  EXPECT_DOUBLE_EQ(ten.lo, WilsonInterval(10, 1000, 0.95).lo);
}

}  // namespace
}  // namespace meshverify::stats
