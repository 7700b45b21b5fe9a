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

TEST(GateShareTest, Names) {
  EXPECT_STREQ(GateName(Gate::kBalanced), "balanced");
  EXPECT_STREQ(GateName(Gate::kSkewed), "skewed");
  EXPECT_STREQ(GateName(Gate::kInconclusive), "inconclusive");
}

TEST(GateShareTest, HugeNDoesNotFailATinyDeviation) {
  // 0.1% off 50/50 over 1e12 answers is wildly significant but well inside ±5%.
  const uint64_t n = 1'000'000'000'000;
  ShareGate g = GateShare(n / 2 + n / 1000, n, 0.5, kTolerance, kAlpha, 2);
  EXPECT_EQ(g.gate, Gate::kBalanced);
  EXPECT_EQ(g.n_to_decide, 0u);
  EXPECT_GT(g.ci.lo, 0.5);  // the deviation is real, the gate still passes it
  EXPECT_LE(g.ci.hi, 0.55);
}

TEST(GateShareTest, TinyNNeverPassesSeventyThirty) {
  // At n = 20 no split at all can be shown to be within ±5%: the interval is far too wide.
  for (uint64_t k = 0; k <= 20; ++k) {
    EXPECT_NE(GateShare(k, 20, 0.5, kTolerance, kAlpha, 2).gate, Gate::kBalanced) << k;
  }
  ShareGate g = GateShare(14, 20, 0.5, kTolerance, kAlpha, 2);
  EXPECT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_GT(g.n_to_decide, 20u);
}

TEST(GateShareTest, LargeSkewIsSkewed) {
  ShareGate g = GateShare(700, 1000, 0.5, kTolerance, kAlpha, 2);
  EXPECT_EQ(g.gate, Gate::kSkewed);
  EXPECT_GT(g.ci.lo, 0.55);
  EXPECT_EQ(g.n_to_decide, 0u);
}

TEST(GateShareTest, BalancedUsesTheTostInterval) {
  ShareGate g = GateShare(5000, 10000, 0.5, kTolerance, kAlpha, 2);
  ASSERT_EQ(g.gate, Gate::kBalanced);
  // TOST: the two-sided (1 - 2·alpha/m) = 99% interval, i.e. Wilson at 0.99.
  Interval want = WilsonInterval(5000, 10000, 1 - 2 * kAlpha / 2);
  EXPECT_DOUBLE_EQ(g.ci.lo, want.lo);
  EXPECT_DOUBLE_EQ(g.ci.hi, want.hi);
}

TEST(GateShareTest, NoDataIsInconclusiveWithAPlan) {
  ShareGate g = GateShare(0, 0, 0.5, kTolerance, kAlpha, 2);
  EXPECT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_EQ(g.ci.lo, 0.0);
  EXPECT_EQ(g.ci.hi, 1.0);
  // With the share held at the expected 0.5, the gate decides at n_to_decide and not before.
  ASSERT_GT(g.n_to_decide, 100u);
  const uint64_t n = g.n_to_decide;
  EXPECT_EQ(GateShare(n / 2, n, 0.5, kTolerance, kAlpha, 2).gate, Gate::kBalanced);
  EXPECT_EQ(GateShare((n - 1) / 2, n - 1, 0.5, kTolerance, kAlpha, 2).gate, Gate::kInconclusive);
}

TEST(GateShareTest, NToDecideHoldsAnOutsideShare) {
  // 60% observed against 50% ± 5%, too few answers to call it: holding 60%, the gate says
  // skewed at n_to_decide.
  ShareGate g = GateShare(30, 50, 0.5, kTolerance, kAlpha, 2);
  ASSERT_EQ(g.gate, Gate::kInconclusive);
  ASSERT_GT(g.n_to_decide, 50u);
  ASSERT_LT(g.n_to_decide, kMaxRequestsToDecide);
  const uint64_t n = g.n_to_decide;
  EXPECT_EQ(GateShare(std::llround(0.6 * n), n, 0.5, kTolerance, kAlpha, 2).gate, Gate::kSkewed);
}

TEST(GateShareTest, NToDecideIsCappedAtTheBandEdge) {
  // A hair outside the band (55.001%): holding it fixed, deciding takes ~1e11 answers.
  ShareGate g = GateShare(55001, 100000, 0.5, kTolerance, kAlpha, 2);
  ASSERT_EQ(g.gate, Gate::kInconclusive);
  EXPECT_EQ(g.n_to_decide, kMaxRequestsToDecide);
}

TEST(GateShareTest, OneCategoryAndZeroShare) {
  // A single expected share of 1, every answer in it: balanced once the exact lower end
  // alpha^(1/n) reaches 0.95, i.e. n >= ln 0.01 / ln 0.95 = 89.8.
  EXPECT_EQ(GateShare(89, 89, 1.0, kTolerance, kAlpha, 1).gate, Gate::kInconclusive);
  EXPECT_EQ(GateShare(90, 90, 1.0, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  // An unexpected category that gets nothing is balanced at 0 once n is large enough.
  EXPECT_EQ(GateShare(0, 1000, 0.0, kTolerance, kAlpha, 3).gate, Gate::kBalanced);
  // One that gets 20% is skewed.
  EXPECT_EQ(GateShare(200, 1000, 0.0, kTolerance, kAlpha, 3).gate, Gate::kSkewed);
}

TEST(GateShareTest, MoreSharesNeedMoreEvidence) {
  // 1040/2000 (52%) is balanced with one share tested, but the Bonferroni-widened interval
  // of 50 shares reaches past 55%.
  uint64_t n = 2000, k = 1040;
  EXPECT_EQ(GateShare(k, n, 0.5, kTolerance, kAlpha, 1).gate, Gate::kBalanced);
  EXPECT_EQ(GateShare(k, n, 0.5, kTolerance, kAlpha, 50).gate, Gate::kInconclusive);
}

TEST(SequentialAlphaTest, SpendsAlphaEvenly) {
  EXPECT_DOUBLE_EQ(SequentialAlpha(0.01, 1, 1), 0.01);
  double total = 0;
  for (int look = 1; look <= 5; ++look) total += SequentialAlpha(0.01, look, 5);
  EXPECT_NEAR(total, 0.01, 1e-15);
  EXPECT_DOUBLE_EQ(SequentialAlpha(0.05, 3, 10), 0.005);
}

TEST(PlanRequestsTest, ExactPowerReachedFirstAtThePlan) {
  const std::vector<double> half = {0.5, 0.5};
  Result<uint64_t> n = PlanRequests(half, kTolerance, kAlpha, 0.9);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  // Normal approximation: 0.25 (z_0.005 + z_0.05)^2 / 0.05^2 = 0.25 · 4.2207^2 / 0.0025 = 1781.
  EXPECT_GT(*n, 1500u);
  EXPECT_LT(*n, 2100u);
  // With every share at 50% (no noise), the planned n is enough to decide balanced.
  EXPECT_EQ(GateShare(*n / 2, *n, 0.5, kTolerance, kAlpha, 2).gate, Gate::kBalanced);
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
  // Four shares: smaller variance per share (0.1875 vs 0.25) but a stricter correction.
  Result<uint64_t> n4 = PlanRequests(four, 0.05, kAlpha, 0.9);
  ASSERT_TRUE(n4.ok());
  EXPECT_GT(*n4, 1000u);
}

TEST(PlanRequestsTest, SingleShare) {
  // One share of 1: every answer lands in it; exact lower end alpha^(1/n) >= 0.95 at n = 90.
  Result<uint64_t> n = PlanRequests(std::vector<double>{1.0}, kTolerance, kAlpha, 0.9);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 90u);
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
