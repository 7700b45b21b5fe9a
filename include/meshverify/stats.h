#pragma once
// Statistics for balance verdicts. Pure functions of counts; no I/O; thread-safe.
// p-values and quantiles come from Boost.Math, never hand-written series. Levels are passed as
// tail probabilities (alpha), never as confidences (1 - alpha), so that alpha down to 1e-300
// keeps full precision. Each function's comment names its method and source; tests check
// exact values (tests/stats/reference_values.py).

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

// Clopper & Pearson (1934) exact bounds for k successes in n trials, from Beta quantiles (Boost
// ibeta_inv / ibetac_inv); Newcombe (1998) method 5 when both tails are alpha/2. `lo` is the p
// at which P_p(X >= k) = lower_tail (0 when k == 0), `hi` the p at which P_p(X <= k) =
// upper_tail (1 when k == n). Each end alone is an exact one-sided bound: for every true share
// and every n it lies beyond the share with probability at most its tail, so [lo, hi] covers
// the share with probability at least 1 - lower_tail - upper_tail. A tail <= 0 gives that
// end's trivial bound; n == 0 gives [0, 1]. REQUIRES: k <= n, tails < 1.
Interval ClopperPearsonBounds(uint64_t k, uint64_t n, double lower_tail, double upper_tail);

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

// How the gate decides, for k answers of n in a share expected to get `expected`, band
// [expected - tolerance, expected + tolerance], error rate `alpha`:
//
// - balanced iff the equivalence interval, the Clopper–Pearson bounds with tail alpha at each
//   end (two-sided level 1 - 2·alpha), lies strictly inside the band. Each end is an exact
//   one-sided binomial test of "the share is at or beyond that band edge", so with the truth
//   anywhere outside the band or on its edge, P(balanced) <= alpha for every n, by
//   construction (Schuirmann's two one-sided tests; an edge at 0 or 1 needs one answer inside
//   it). A source is balanced only when all its shares are: P(a source with some share outside
//   its band passes) <= alpha with no correction for the number of shares (Berger 1982, the
//   intersection–union test).
// - skewed iff the skew interval, the Clopper–Pearson bounds with tail alpha / (2·decisions) at
//   each end (two-sided level 1 - alpha / decisions), lies wholly outside the band, or
//   expected <= 0 and k > 0 (an answer from a destination that should get none is certain,
//   not a statistical call). With every share inside its band, P(some share skewed) <= alpha by
//   Bonferroni over the source's `decisions` distinct skew decisions (SkewDecisions).
// - inconclusive otherwise; n == 0 is inconclusive.
//
// The equivalence interval lies inside the skew interval, so the two verdicts exclude each
// other. `alpha` is the level of one look: pass SequentialAlpha for sequential looks.
// REQUIRES: alpha in (0, 1), tolerance > 0, decisions >= 1 (less counts as 1).
Gate DecideShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                 int decisions);

struct ShareGate {
  Gate gate = Gate::kInconclusive;
  // The interval shown for the share: the one that decided. Balanced: the equivalence
  // interval (inside the band). Skewed and inconclusive: the skew interval (outside the band,
  // or across one of its edges). So "inside → balanced, outside → skewed, across an edge →
  // inconclusive" holds for the interval shown. Both are exact (Clopper–Pearson): whatever the
  // true share and n, the shown interval covers it with probability at least ci_level - which
  // is 1 - 2·alpha when balanced and 1 - alpha/decisions otherwise, so a table can mix levels
  // (each row says its own). Like every exact interval it over-covers, most at small n; the
  // coverage of what is shown is measured in bench/gate_sim.sh.
  Interval ci;
  double ci_level = 0;       // the shown interval's two-sided level, 1 - both tails (0.98)
  uint64_t n_to_decide = 0;  // total n at which the observed share would decide (0 if decided)
};

// n_to_decide never exceeds this; it means "not within a billion requests" (the observed
// share sits on the edge of the band).
inline constexpr uint64_t kMaxRequestsToDecide = 1'000'000'000;

// DecideShare plus the interval shown and, when inconclusive, n_to_decide (> n): the smallest
// total at which the gate would decide with the share held at k/n when that lies outside the
// band, else at `expected` (so the answer is not driven by noise inside the band), capped at
// kMaxRequestsToDecide.
ShareGate GateShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                    int decisions);

// The number of distinct skew decisions of one partition (a dimension: clusters or versions)
// with `positive` categories of expected share > 0: 1 for two (their shares are k and n - k,
// so the two gates are one event), else `positive` (for three or more no gate follows from the
// others: each share of a partition can leave its band while the rest stay inside theirs).
// Categories of expected share 0 decide with certainty and cost nothing. 0 positive gives 1.
int SkewDecisions(int positive);

// The exact probability that a source whose true shares equal `expected_shares` is gated
// balanced at n requests (with at most two positive shares; a share of 0 is balanced with
// certainty or never), or for more shares the Bonferroni lower bound 1 - sum P(share i not
// balanced), with each P(share i not balanced) exact. REQUIRES: shares valid as for
// PlanRequests.
double BalancedProbability(std::span<const double> expected_shares, uint64_t n, double tolerance,
                           double alpha);

// Sample size: the smallest N such that BalancedProbability(shares, n) >= `power` for every
// n >= N — not only at N: the exact power is a sawtooth in n (the counts are whole), and N is
// where it stops dipping below the target. Method: every n from N up to a point past which
// Hoeffding's inequality guarantees the power is checked, exactly or through a lower bound
// that holds for a whole block of n (the counts deciding balanced never decrease with n, and
// binomial counts grow stochastically with n); the work grows like sqrt(N) (about 1 s of CPU
// at tolerance 0.001, N = 3.9e6; 6 s at 0.0002, N = 9.9e7). Fails with InvalidInput "plan: ..." on
// bad arguments (tolerance outside (0, 0.5], alpha or power outside (0, 1), shares not summing to
// 1) or when more than kMaxPlanRequests are needed.
Result<uint64_t> PlanRequests(std::span<const double> expected_shares, double tolerance,
                              double alpha, double power);
inline constexpr uint64_t kMaxPlanRequests = 1'000'000'000'000;

// Alpha for look `look` (1-based) of at most `max_looks` sequential looks so that the overall
// error rate stays <= alpha: Bonferroni spending, alpha / max_looks at every look, valid for
// any spacing of the looks (union bound). Pass it as the gate's alpha at each look.
// REQUIRES: 1 <= look <= max_looks.
double SequentialAlpha(double alpha, int look, int max_looks);

}  // namespace meshverify::stats
