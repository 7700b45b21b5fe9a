#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

// |got / want - 1|.
double RelErr(double got, double want) { return std::fabs(got / want - 1); }

// Exact values from tests/stats/reference_values.py ("Clopper-Pearson bounds"): the p solving
// P_p(X >= k) = tail (lo) and P_p(X <= k) = tail (hi), bisected to 50 digits over binomial
// tails summed in 80-digit decimal arithmetic.
TEST(ClopperPearsonBoundsTest, MatchesExactValuesToTenDigits) {
  struct Case {
    uint64_t k, n;
    double tail, lo, hi;
  };
  const Case cases[] = {
      {500000, 1000000, 1e-300, 4.81482310951324368969e-1, 5.18517689048675631031e-1},
      {500000, 1000000, 1e-12, 4.96482302494611944522e-1, 5.03517697505388055478e-1},
      {682, 925, 0.025, 7.07668264079039023028e-1, 7.65406558241525246982e-1},
      {5, 25, 0.025, 6.83114640124840139741e-2, 4.07037432278677216540e-1},
      {1040, 2000, 0.01, 4.93742856828676439968e-1, 5.46177361524196847117e-1},
      {3, 50, 0.005, 6.87248533295164263151e-3, 2.02706269468643256875e-1},
      {279, 304, 0.01, 8.73753757664640024354e-1, 9.50381303924218460428e-1},
  };
  for (const Case& c : cases) {
    Interval ci = ClopperPearsonBounds(c.k, c.n, c.tail, c.tail);
    EXPECT_LT(RelErr(ci.lo, c.lo), 1e-10) << c.k << "/" << c.n << " at " << c.tail;
    EXPECT_LT(RelErr(ci.hi, c.hi), 1e-10) << c.k << "/" << c.n << " at " << c.tail;
  }
}

// Published: R's binom.test(682, 925) prints the 95% interval 0.7076683 0.7654066; Conover
// (Practical Nonparametric Statistics, table A4) gives 0.0683, 0.4070 for 5 of 25.
TEST(ClopperPearsonBoundsTest, MatchesPublishedValues) {
  Interval r = ClopperPearsonBounds(682, 925, 0.025, 0.025);
  EXPECT_NEAR(r.lo, 0.7076683, 5e-8);
  EXPECT_NEAR(r.hi, 0.7654066, 5e-8);
  Interval c = ClopperPearsonBounds(5, 25, 0.025, 0.025);
  EXPECT_NEAR(c.lo, 0.0683, 5e-5);
  EXPECT_NEAR(c.hi, 0.4070, 5e-5);
}

TEST(ClopperPearsonBoundsTest, Edges) {
  Interval none = ClopperPearsonBounds(0, 0, 0.01, 0.01);
  EXPECT_EQ(none.lo, 0.0);
  EXPECT_EQ(none.hi, 1.0);
  for (uint64_t n : {1u, 10u, 1000u}) {
    EXPECT_EQ(ClopperPearsonBounds(0, n, 0.01, 0.01).lo, 0.0);
    EXPECT_EQ(ClopperPearsonBounds(n, n, 0.01, 0.01).hi, 1.0);
    EXPECT_GT(ClopperPearsonBounds(0, n, 0.01, 0.01).hi, 0.0);
    EXPECT_LT(ClopperPearsonBounds(n, n, 0.01, 0.01).lo, 1.0);
  }
  // k = 0: P_p(X <= 0) = (1 - p)^n = tail; k = n: p^n = tail.
  EXPECT_NEAR(ClopperPearsonBounds(0, 10, 0.025, 0.025).hi, 1 - std::pow(0.025, 0.1), 1e-15);
  EXPECT_NEAR(ClopperPearsonBounds(10, 10, 0.025, 0.025).lo, std::pow(0.025, 0.1), 1e-15);
  // A tail of 0 gives the trivial bound at that end only.
  Interval one_sided = ClopperPearsonBounds(30, 100, 0.0, 0.05);
  EXPECT_EQ(one_sided.lo, 0.0);
  EXPECT_LT(one_sided.hi, 1.0);
  // k > n is clamped to n.
  EXPECT_EQ(ClopperPearsonBounds(12, 10, 0.01, 0.01).hi, 1.0);
}

TEST(ClopperPearsonBoundsTest, MirrorsAndNests) {
  // The bounds for n - k are the mirror image of those for k.
  Interval a = ClopperPearsonBounds(30, 100, 0.01, 0.02);
  Interval b = ClopperPearsonBounds(70, 100, 0.02, 0.01);
  EXPECT_NEAR(a.lo, 1 - b.hi, 1e-15);
  EXPECT_NEAR(a.hi, 1 - b.lo, 1e-15);
  // A smaller tail gives a wider interval; more answers a narrower one.
  Interval wide = ClopperPearsonBounds(30, 100, 0.001, 0.001);
  EXPECT_LT(wide.lo, a.lo);
  EXPECT_GT(wide.hi, ClopperPearsonBounds(30, 100, 0.01, 0.01).hi);
  Interval more = ClopperPearsonBounds(300, 1000, 0.01, 0.02);
  EXPECT_GT(more.lo, a.lo);
  EXPECT_LT(more.hi, a.hi);
}

TEST(ClopperPearsonBoundsTest, TinyTailsKeepTheirPrecision) {
  // alpha 1e-300 at N = 1e6 (issue 11 item 5): [0, 1] before, when 1 - (1 - alpha) was 0.
  Interval ci = ClopperPearsonBounds(500000, 1000000, 1e-300, 1e-300);
  EXPECT_GT(ci.lo, 0.48);
  EXPECT_LT(ci.hi, 0.52);
  // Huge n: 1e12 answers at 1e-6 keep a narrow, centred interval.
  const uint64_t n = 1'000'000'000'000;
  Interval big = ClopperPearsonBounds(n / 2, n, 1e-6, 1e-6);
  EXPECT_LT(big.hi - big.lo, 1e-5);
  EXPECT_NEAR(big.lo + big.hi, 1.0, 1e-12);
}

// Each end is an exact one-sided bound: the probability that it lies beyond the true share is
// at most its tail, for every share and n. Checked exactly (sum of binomial probabilities of
// the counts whose bound misses) over a grid, and the coverage of the interval shown at the
// gate's levels is at least its level.
TEST(ClopperPearsonBoundsTest, ExactCoverageIsAtLeastTheLevel) {
  for (uint64_t n : {10u, 50u, 200u, 1000u}) {
    for (double p : {0.01, 0.1, 0.3, 0.5, 0.77, 0.95}) {
      for (double tail : {0.025, 0.01, 0.005}) {
        boost::math::binomial_distribution<double> b(static_cast<double>(n), p);
        double miss_lo = 0, miss_hi = 0;
        for (uint64_t k = 0; k <= n; ++k) {
          Interval ci = ClopperPearsonBounds(k, n, tail, tail);
          const double pk = boost::math::pdf(b, static_cast<double>(k));
          if (ci.lo > p) miss_lo += pk;
          if (ci.hi < p) miss_hi += pk;
        }
        EXPECT_LE(miss_lo, tail) << n << " " << p << " " << tail;
        EXPECT_LE(miss_hi, tail) << n << " " << p << " " << tail;
      }
    }
  }
}

}  // namespace
}  // namespace meshverify::stats
