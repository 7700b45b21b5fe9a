#pragma once
// Statistics for balance verdicts. Pure functions of counts; no I/O; thread-safe.
// p-values and quantiles come from Boost.Math distributions, never hand-written series.
// Each function's comment names its method and source; tests check published values.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "meshverify/status.h"

namespace meshverify::stats {

struct Interval {
  double lo = 0;
  double hi = 1;
};

// Wilson score interval for k successes in n trials at two-sided `confidence` (0.95 = 95%).
// n == 0 gives [0, 1]. REQUIRES: k <= n, 0 < confidence < 1.
Interval WilsonInterval(uint64_t k, uint64_t n, double confidence);

// Clopper–Pearson (exact) interval from Beta quantiles. n == 0 gives [0, 1].
Interval ClopperPearsonInterval(uint64_t k, uint64_t n, double confidence);

// Simultaneous interval for one of `num_shares` shares: the Wilson interval at confidence
// 1 - alpha / num_shares (Bonferroni), or Clopper–Pearson when n * min(p, 1-p) is small.
Interval SimultaneousInterval(uint64_t k, uint64_t n, double alpha, int num_shares);

struct FitTest {
  double statistic = 0;
  double df = 0;
  double p_value = 1;
  std::string method;  // "pearson", "g", "exact-multinomial"
};

// Pearson chi-square goodness of fit of `counts` to `expected_shares` (same length, shares sum
// to 1 within 1e-6; categories with expected share 0 and count 0 are dropped; a count in a
// category of expected share 0 gives p = 0). Fails with InvalidInput on length mismatch or
// bad shares. With fewer than 2 categories left: statistic 0, df 0, p 1.
Result<FitTest> PearsonChiSquare(std::span<const uint64_t> counts,
                                 std::span<const double> expected_shares);

// G-test (log-likelihood ratio) with the same contract.
Result<FitTest> GTest(std::span<const uint64_t> counts, std::span<const double> expected_shares);

// Goodness of fit that picks the right method: the exact multinomial test when any expected
// count is below 5 and the number of outcomes is small enough to enumerate, otherwise Pearson.
Result<FitTest> GoodnessOfFit(std::span<const uint64_t> counts,
                              std::span<const double> expected_shares);

// Exact two-sided binomial test p-value for k of n at share p (method of minimum likelihood,
// as R's binom.test).
double BinomialTestTwoSided(uint64_t k, uint64_t n, double p);

// The equivalence gate for one share (DESIGN.md "Statistics").
enum class Gate { kBalanced, kSkewed, kInconclusive };
const char* GateName(Gate g);  // "balanced" | "skewed" | "inconclusive"

struct ShareGate {
  Gate gate = Gate::kInconclusive;
  Interval ci;                // the interval the decision used
  uint64_t n_to_decide = 0;   // total n at which the observed share would decide (0 if decided)
};

// Decides whether the share k/n is within `expected ± tolerance`, with family-wise error rate
// `alpha` over `num_shares` shares: balanced when the simultaneous (1 - 2·alpha/num_shares)
// interval lies inside the band (two one-sided tests), skewed when the (1 - alpha/num_shares)
// interval lies outside it, inconclusive otherwise.
ShareGate GateShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                    int num_shares);

// Sample size: requests needed so that, if the true shares equal `expected_shares`, every
// share is gated balanced with probability >= `power` at `tolerance` and `alpha`.
// Fails with InvalidInput on bad arguments (tolerance outside (0, 0.5], alpha or power outside (0, 1)).
Result<uint64_t> PlanRequests(std::span<const double> expected_shares, double tolerance,
                              double alpha, double power);

// Alpha for look `look` (1-based) of at most `max_looks` sequential looks so that the overall
// error rate stays <= alpha (e.g. Bonferroni/Pocock-style spending). REQUIRES: 1 <= look <= max_looks.
double SequentialAlpha(double alpha, int look, int max_looks);

}  // namespace meshverify::stats
