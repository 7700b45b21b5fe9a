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

// Wilson (1927) score interval for k successes in n trials at two-sided `confidence`
// (0.95 = 95%); Newcombe (1998) method 3. n == 0 gives [0, 1]; k == 0 gives lo exactly 0 and
// k == n gives hi exactly 1. confidence <= 0 gives the point [k/n, k/n].
// REQUIRES: k <= n, confidence < 1.
Interval WilsonInterval(uint64_t k, uint64_t n, double confidence);

// Clopper–Pearson (1934) exact interval from Beta quantiles (Boost ibeta_inv/ibetac_inv);
// Newcombe (1998) method 5. n == 0 gives [0, 1]; k == 0 gives lo exactly 0, k == n hi exactly 1.
// REQUIRES: k <= n, confidence < 1.
Interval ClopperPearsonInterval(uint64_t k, uint64_t n, double confidence);

// Simultaneous interval for one of `num_shares` shares: the Wilson interval at confidence
// 1 - alpha / num_shares (Bonferroni), or Clopper–Pearson when n * min(p, 1-p) is small,
// p = k/n: when fewer than 10 successes or fewer than 10 failures were observed (Wilson's
// coverage dips below nominal near 0 and 1; Brown, Cai & DasGupta 2001). num_shares < 1 counts
// as 1. REQUIRES: k <= n.
Interval SimultaneousInterval(uint64_t k, uint64_t n, double alpha, int num_shares);

struct FitTest {
  double statistic = 0;
  double df = 0;
  double p_value = 1;
  std::string method;  // "pearson", "g", "exact-multinomial"
  std::string note;    // why a method was chosen, or what was left out; usually ""
};

// Pearson chi-square goodness of fit of `counts` to `expected_shares` (same length, shares sum
// to 1 within 1e-6). Categories of expected share 0 are left out (with their counts: a count
// there is an unexpected destination, which the balance gate fails, not a deviation of the
// split), so the test is always well-defined: it tests the split of the answers that went
// where they were expected; `note` says how many were left out. Fails with InvalidInput on
// length mismatch or bad shares. With fewer than 2 categories left, or no answers in them:
// statistic 0, df as the categories left minus 1 (0 if fewer than 2), p 1.
// X^2 = sum (O - E)^2 / E with O - E computed by one fused multiply-add (exact to rounding).
Result<FitTest> PearsonChiSquare(std::span<const uint64_t> counts,
                                 std::span<const double> expected_shares);

// G-test (log-likelihood ratio) with the same contract. G = 2 sum bd0(O, E), Loader's (2000)
// deviance term bd0(x, m) = x ln(x / m) + m - x summed by its series near x = m (as R's dbinom),
// so G keeps full relative precision when O is close to E at any N.
Result<FitTest> GTest(std::span<const uint64_t> counts, std::span<const double> expected_shares);

// Goodness of fit that picks the right method: the exact multinomial test when any expected
// count is below 5 and the number of outcomes is small enough to enumerate (at most
// kMaxExactOutcomes), otherwise Pearson. When the exact test was due but too large, the result
// is Pearson's with method "pearson" and `note` saying so. Fails as PearsonChiSquare.
Result<FitTest> GoodnessOfFit(std::span<const uint64_t> counts,
                              std::span<const double> expected_shares);

// Largest number of outcomes GoodnessOfFit enumerates for the exact multinomial test.
inline constexpr double kMaxExactOutcomes = 2e6;

// Exact multinomial goodness-of-fit test: p = the sum of the probabilities of all outcomes
// (count vectors with the same total) no more likely than the observed one, within a relative
// tolerance of 1e-7 as R's binom.test. `statistic` is the observed outcome's probability.
// Same contract and degenerate cases as PearsonChiSquare; also fails with InvalidInput when
// there are more than `max_outcomes` outcomes to enumerate.
Result<FitTest> ExactMultinomialTest(std::span<const uint64_t> counts,
                                     std::span<const double> expected_shares,
                                     double max_outcomes = kMaxExactOutcomes);

// Exact two-sided binomial test p-value for k of n at share p (method of minimum likelihood,
// as R's binom.test, relErr 1 + 1e-7). p = 0 or 1 gives 1 when k is the only possible count,
// else 0; n == 0 gives 1. Cheap for any n (bisection, not a scan). k > n or p outside [0, 1]
// gives NaN.
double BinomialTestTwoSided(uint64_t k, uint64_t n, double p);

// The equivalence gate for one share (DESIGN.md "Statistics").
enum class Gate { kBalanced, kSkewed, kInconclusive };
const char* GateName(Gate g);  // "balanced" | "skewed" | "inconclusive"

struct ShareGate {
  Gate gate = Gate::kInconclusive;
  Interval ci;                // the interval the decision used
  uint64_t n_to_decide = 0;   // total n at which the observed share would decide (0 if decided)
};

// n_to_decide never exceeds this; it means "not within a billion requests" (the observed
// share sits on the edge of the band).
inline constexpr uint64_t kMaxRequestsToDecide = 1'000'000'000;

// Decides whether the share k/n is within `expected ± tolerance`, with family-wise error rate
// `alpha` over `num_shares` shares: balanced when the simultaneous (1 - 2·alpha/num_shares)
// interval lies inside the band (two one-sided tests), skewed when the (1 - alpha/num_shares)
// interval lies outside it, inconclusive otherwise. n == 0 is inconclusive. `ci` is the
// interval that decided (the TOST one for balanced), the (1 - alpha/num_shares) one otherwise.
// When inconclusive, n_to_decide (> n) is the smallest total at which the gate would decide
// with the share held at k/n when that lies outside the band, else at `expected` (so the
// answer is not driven by noise inside the band), capped at kMaxRequestsToDecide.
ShareGate GateShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                    int num_shares);

// Sample size: requests needed so that, if the true shares equal `expected_shares`, every
// share is gated balanced with probability >= `power` at `tolerance` and `alpha` (the gate
// family is expected_shares.size()). Starts at the normal approximation and returns the first
// n at which the exact binomial probability of "balanced" reaches `power` (for two shares the
// events coincide; for more, a Bonferroni lower bound on the joint probability is used).
// Fails with InvalidInput "plan: ..." on bad arguments (tolerance outside (0, 0.5], alpha or
// power outside (0, 1), shares not summing to 1) or when more than kMaxPlanRequests are needed.
Result<uint64_t> PlanRequests(std::span<const double> expected_shares, double tolerance,
                              double alpha, double power);
inline constexpr uint64_t kMaxPlanRequests = 1'000'000'000'000;

// Alpha for look `look` (1-based) of at most `max_looks` sequential looks so that the overall
// error rate stays <= alpha: Bonferroni spending, alpha / max_looks at every look, valid for
// any spacing of the looks (union bound). Pass it as the gate's alpha at each look.
// REQUIRES: 1 <= look <= max_looks.
double SequentialAlpha(double alpha, int look, int max_looks);

}  // namespace meshverify::stats
