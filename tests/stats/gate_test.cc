#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

constexpr double kAlpha = 0.01;
constexpr double kTolerance = 0.05;

bool Inside(Interval ci, double e) { return ci.lo > e - kTolerance && ci.hi < e + kTolerance; }
bool Outside(Interval ci, double e) { return ci.hi < e - kTolerance || ci.lo > e + kTolerance; }

TEST(GateShareTest, Names) {
  EXPECT_STREQ(GateName(Gate::kBalanced), "balanced");
  EXPECT_STREQ(GateName(Gate::kSkewed), "skewed");
  EXPECT_STREQ(GateName(Gate::kInconclusive), "inconclusive");
}

TEST(GateShareTest, HugeNDoesNotFailATinyDeviation) {
  // 0.1% off 50/50 over 1e12 answers is wildly significant but well inside ±5%.
  const uint64_t n = 1'000'000'000'000;
  ShareGate g = GateShare(n / 2 + n / 1000, n, 0.5, kTolerance, kAlpha, 1);
  EXPECT_EQ(g.gate, Gate::kBalanced);
  EXPECT_EQ(g.n_to_decide, 0u);
  EXPECT_GT(g.ci.lo, 0.5);  // the deviation is real, the gate still passes it
  EXPECT_LT(g.ci.hi, 0.55);
}

TEST(GateShareTest, TinyNNeverPassesSeventyThirty) {
  // At n = 20 no split at all can be shown to be within ±5%: the interval is far too wide.
  for (uint64_t k = 0; k <= 20; ++k) {
    EXPECT_NE(GateShare(k, 20, 0.5, kTolerance, kAlpha, 1).gate, Gate::kBalanced) << k;
  }
  ShareGate g = GateShare(14, 20, 0.5, kTolerance, kAlpha, 1);
  EXPECT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_GT(g.n_to_decide, 20u);
}

TEST(GateShareTest, SkewedShowsTheSkewInterval) {
  // One decision: the skew interval has alpha / 2 at each end, level 0.99.
  ShareGate g = GateShare(700, 1000, 0.5, kTolerance, kAlpha, 1);
  EXPECT_EQ(g.gate, Gate::kSkewed);
  Interval want = ClopperPearsonBounds(700, 1000, kAlpha / 2, kAlpha / 2);
  EXPECT_EQ(g.ci.lo, want.lo);
  EXPECT_EQ(g.ci.hi, want.hi);
  EXPECT_DOUBLE_EQ(g.ci_level, 0.99);
  EXPECT_GT(g.ci.lo, 0.55);
  EXPECT_EQ(g.n_to_decide, 0u);
}

TEST(GateShareTest, BalancedShowsTheEquivalenceInterval) {
  // Issue 11 item 3: 1040 of 2000 against 0.5 ± 0.05 is balanced, and the interval shown is
  // the one that decided: exact bounds at alpha each end, level 0.98, values from
  // reference_values.py (CP(1040, 2000, 0.01)).
  ShareGate g = GateShare(1040, 2000, 0.5, kTolerance, kAlpha, 1);
  ASSERT_EQ(g.gate, Gate::kBalanced);
  EXPECT_NEAR(g.ci.lo, 4.93742856828676439968e-1, 1e-12);
  EXPECT_NEAR(g.ci.hi, 5.46177361524196847117e-1, 1e-12);
  EXPECT_DOUBLE_EQ(g.ci_level, 0.98);
  EXPECT_TRUE(Inside(g.ci, 0.5));
}

TEST(GateShareTest, TheShownIntervalDecides) {
  // Inside the band: balanced; wholly outside: skewed; across an edge: inconclusive. For every
  // k at two n, every 7th at a third, and with three decisions (a wider skew interval).
  struct Case {
    uint64_t n, stride;
    double e;
    int decisions;
  };
  for (const Case& c : {Case{100, 1, 0.5, 1}, Case{400, 1, 0.2, 3}, Case{1595, 7, 0.5, 1}}) {
    for (uint64_t k = 0; k <= c.n; k += c.stride) {
      ShareGate g = GateShare(k, c.n, c.e, kTolerance, kAlpha, c.decisions);
      switch (g.gate) {
        case Gate::kBalanced:
          EXPECT_TRUE(Inside(g.ci, c.e)) << c.n << " " << k;
          EXPECT_DOUBLE_EQ(g.ci_level, 1 - 2 * kAlpha);
          break;
        case Gate::kSkewed:
          EXPECT_TRUE(Outside(g.ci, c.e)) << c.n << " " << k;
          break;
        case Gate::kInconclusive:
          EXPECT_FALSE(Inside(g.ci, c.e) || Outside(g.ci, c.e)) << c.n << " " << k;
          break;
      }
      if (g.gate != Gate::kBalanced) {
        EXPECT_DOUBLE_EQ(g.ci_level, 1 - kAlpha / c.decisions) << c.n << " " << k;
      }
    }
  }
}

TEST(GateShareTest, NoDataIsInconclusiveWithAPlan) {
  ShareGate g = GateShare(0, 0, 0.5, kTolerance, kAlpha, 1);
  EXPECT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_EQ(g.ci.lo, 0.0);
  EXPECT_EQ(g.ci.hi, 1.0);
  // With the share held at the expected 0.5, the gate decides at n_to_decide and not before.
  ASSERT_GT(g.n_to_decide, 100u);
  const uint64_t n = g.n_to_decide;
  EXPECT_EQ(GateShare(std::llround(0.5 * n), n, 0.5, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  EXPECT_EQ(GateShare(std::llround(0.5 * (n - 1)), n - 1, 0.5, kTolerance, kAlpha, 1).gate,
            Gate::kInconclusive);
}

TEST(GateShareTest, NToDecideHoldsAnOutsideShare) {
  // 60% observed against 50% ± 5%, too few answers to call it: holding 60%, the gate says
  // skewed at n_to_decide.
  ShareGate g = GateShare(30, 50, 0.5, kTolerance, kAlpha, 1);
  ASSERT_EQ(g.gate, Gate::kInconclusive);
  ASSERT_GT(g.n_to_decide, 50u);
  ASSERT_LT(g.n_to_decide, kMaxRequestsToDecide);
  const uint64_t n = g.n_to_decide;
  EXPECT_EQ(GateShare(std::llround(0.6 * n), n, 0.5, kTolerance, kAlpha, 1).gate, Gate::kSkewed);
}

TEST(GateShareTest, NToDecideIsCappedAtTheBandEdge) {
  // A hair outside the band (55.001%): holding it fixed, deciding takes ~1e11 answers.
  ShareGate g = GateShare(55001, 100000, 0.5, kTolerance, kAlpha, 1);
  ASSERT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_EQ(g.n_to_decide, kMaxRequestsToDecide);
}

TEST(GateShareTest, OneCategoryAndZeroShare) {
  // A single expected share of 1, every answer in it: balanced once the exact lower end
  // alpha^(1/n) exceeds 0.95, i.e. n > ln 0.01 / ln 0.95 = 89.8.
  EXPECT_EQ(GateShare(89, 89, 1.0, kTolerance, kAlpha, 1).gate, Gate::kInconclusive);
  EXPECT_EQ(GateShare(90, 90, 1.0, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  // A category expected to get nothing that gets nothing is balanced at 0 once the upper end
  // 1 - alpha^(1/n) is below the tolerance.
  EXPECT_EQ(GateShare(0, 1000, 0.0, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  EXPECT_EQ(GateShare(0, 50, 0.0, kTolerance, kAlpha, 1).gate, Gate::kInconclusive);
}

TEST(GateShareTest, AnAnswerFromAnUnexpectedDestinationIsSkewed) {
  // Issue 11 item 6: a destination expected to get nothing that answers at all is a finding,
  // whatever the tolerance: one answer in a million is certain evidence.
  EXPECT_EQ(GateShare(1, 1000000, 0.0, kTolerance, kAlpha, 1).gate, Gate::kSkewed);
  ShareGate g = GateShare(10, 1000, 0.0, kTolerance, kAlpha, 1);
  EXPECT_EQ(g.gate, Gate::kSkewed);
  EXPECT_EQ(g.n_to_decide, 0u);
}

TEST(GateShareTest, ABandEdgeAtZeroNeedsAnAnswerInside) {
  // Expected 0.05 ± 0.05: the band starts at 0, and a share of 0 is on its edge, not inside.
  EXPECT_EQ(GateShare(0, 10000, 0.05, kTolerance, kAlpha, 1).gate, Gate::kInconclusive);
  EXPECT_EQ(GateShare(1, 10000, 0.05, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  // Expected 0.95 ± 0.05 at the other end.
  EXPECT_EQ(GateShare(10000, 10000, 0.95, kTolerance, kAlpha, 1).gate, Gate::kInconclusive);
  EXPECT_EQ(GateShare(9999, 10000, 0.95, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
}

TEST(GateShareTest, DecisionsWidenOnlyTheSkewInterval) {
  // Balanced needs no correction for the number of shares (intersection-union), so 1040 of
  // 2000 is balanced however many decisions the source has...
  EXPECT_EQ(GateShare(1040, 2000, 0.5, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  EXPECT_EQ(GateShare(1040, 2000, 0.5, kTolerance, kAlpha, 50).gate, Gate::kBalanced);
  // ...while skewed is Bonferroni-corrected: 600 of 1000 is skewed with one decision, not yet
  // with fifty.
  EXPECT_EQ(GateShare(600, 1000, 0.5, kTolerance, kAlpha, 1).gate, Gate::kSkewed);
  EXPECT_EQ(GateShare(600, 1000, 0.5, kTolerance, kAlpha, 50).gate, Gate::kInconclusive);
  EXPECT_EQ(DecideShare(600, 1000, 0.5, kTolerance, kAlpha, 50), Gate::kInconclusive);
}

TEST(SkewDecisionsTest, TwoSharesOfAPartitionAreOneDecision) {
  EXPECT_EQ(SkewDecisions(0), 1);
  EXPECT_EQ(SkewDecisions(1), 1);
  EXPECT_EQ(SkewDecisions(2), 1);
  EXPECT_EQ(SkewDecisions(3), 3);
  EXPECT_EQ(SkewDecisions(7), 7);
}

TEST(SequentialAlphaTest, SpendsAlphaEvenly) {
  EXPECT_DOUBLE_EQ(SequentialAlpha(0.01, 1, 1), 0.01);
  double total = 0;
  for (int look = 1; look <= 5; ++look) total += SequentialAlpha(0.01, look, 5);
  EXPECT_NEAR(total, 0.01, 1e-15);
  EXPECT_DOUBLE_EQ(SequentialAlpha(0.05, 3, 10), 0.005);
}

}  // namespace
}  // namespace meshverify::stats
