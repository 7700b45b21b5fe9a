// Goodness-of-fit tests of counts against expected shares: Pearson chi-square, G-test, the exact
// multinomial test, and the exact two-sided binomial test.

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace {

using internal::Policy;
using Binomial = boost::math::binomial_distribution<double, Policy>;

// R's binom.test and the exact multinomial test count an outcome as "no more likely than the
// observed one" when its probability is within this relative tolerance of it (R: relErr).
constexpr double kRelErr = 1 + 1e-7;

// The exact test needs every expected count at least this large to be skipped (Cochran's rule).
constexpr double kMinExpectedCount = 5;

// A category after validation: its count and its expected share (normalized to sum 1).
struct Cell {
  uint64_t count;
  double share;
};

// Validates the inputs shared by all fit tests and drops categories with share 0 and count 0.
// Sets *impossible when some category of share 0 has a count (then p = 0).
Result<std::vector<Cell>> Prepare(std::span<const uint64_t> counts, std::span<const double> shares,
                                  bool* impossible) {
  if (counts.size() != shares.size()) {
    return Status::InvalidInput("goodness of fit: " + std::to_string(counts.size()) +
                                " counts but " + std::to_string(shares.size()) + " shares");
  }
  if (Status s = internal::ValidateShares(shares, "expected shares"); !s.ok()) return s;
  double sum = 0;
  for (double s : shares) sum += s;
  std::vector<Cell> cells;
  *impossible = false;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (shares[i] == 0) {
      if (counts[i] > 0) *impossible = true;
      continue;
    }
    cells.push_back({counts[i], shares[i] / sum});
  }
  return cells;
}

uint64_t Total(const std::vector<Cell>& cells) {
  uint64_t n = 0;
  for (const Cell& c : cells) n += c.count;
  return n;
}

// The chi-square upper tail; the complement (not 1 - cdf) keeps tiny p-values.
double ChiSquareUpperTail(double statistic, double df) {
  boost::math::chi_squared_distribution<double, Policy> chi2(df);
  return boost::math::cdf(boost::math::complement(chi2, statistic));
}

// Shared tail of Pearson and G: degenerate cases first, then the statistic's chi-square p.
template <typename TermFn>
Result<FitTest> ChiSquareFamily(std::span<const uint64_t> counts, std::span<const double> shares,
                                const char* method, TermFn term) {
  bool impossible = false;
  Result<std::vector<Cell>> cells = Prepare(counts, shares, &impossible);
  if (!cells.ok()) return cells.status();
  FitTest t;
  t.method = method;
  const uint64_t n = Total(*cells);
  if (impossible) {
    t.statistic = std::numeric_limits<double>::infinity();
    t.df = static_cast<double>(std::max<size_t>(cells->size(), 1) - 1);
    t.p_value = 0;
    return t;
  }
  if (cells->size() < 2) return t;  // statistic 0, df 0, p 1
  t.df = static_cast<double>(cells->size() - 1);
  if (n == 0) return t;  // no observations: no evidence against the shares
  double statistic = 0;
  for (const Cell& c : *cells) {
    statistic += term(static_cast<double>(c.count), c.share * static_cast<double>(n));
  }
  t.statistic = std::max(0.0, statistic);
  t.p_value = ChiSquareUpperTail(t.statistic, t.df);
  return t;
}

// Number of outcomes of n trials over k categories, C(n + k - 1, k - 1), or +inf once it
// exceeds `limit` (computed incrementally so that it never overflows).
double OutcomeCount(uint64_t n, size_t k, double limit) {
  double c = 1;
  for (size_t j = 1; j < k; ++j) {
    c = c * static_cast<double>(n + j) / static_cast<double>(j);
    if (c > limit) return std::numeric_limits<double>::infinity();
  }
  return c;
}

// Enumerates every outcome (x_1..x_k summing to n) depth first and sums the probability of
// those whose log-probability is at most `log_threshold`. term[i][x] = x·ln p_i − ln x!.
void SumNoMoreLikely(const std::vector<std::vector<double>>& term, size_t i, uint64_t left,
                     double partial, double log_norm, double log_threshold, double* sum) {
  if (i + 1 == term.size()) {
    double lp = log_norm + partial + term[i][left];
    if (lp <= log_threshold) *sum += std::exp(lp);
    return;
  }
  for (uint64_t x = 0; x <= left; ++x) {
    SumNoMoreLikely(term, i + 1, left - x, partial + term[i][x], log_norm, log_threshold, sum);
  }
}

}  // namespace

// Pearson (1900): X^2 = sum (O - E)^2 / E, df = categories - 1.
Result<FitTest> PearsonChiSquare(std::span<const uint64_t> counts,
                                 std::span<const double> expected_shares) {
  return ChiSquareFamily(counts, expected_shares, "pearson",
                         [](double o, double e) { return (o - e) * (o - e) / e; });
}

// G-test (Sokal & Rohlf, Biometry; McDonald, Handbook of Biological Statistics):
// G = 2 sum O ln(O / E), empty cells contributing 0; df = categories - 1.
Result<FitTest> GTest(std::span<const uint64_t> counts, std::span<const double> expected_shares) {
  return ChiSquareFamily(counts, expected_shares, "g", [](double o, double e) {
    return o == 0 ? 0.0 : 2.0 * o * std::log(o / e);
  });
}

Result<FitTest> ExactMultinomialTest(std::span<const uint64_t> counts,
                                     std::span<const double> expected_shares, double max_outcomes) {
  bool impossible = false;
  Result<std::vector<Cell>> cells = Prepare(counts, expected_shares, &impossible);
  if (!cells.ok()) return cells.status();
  FitTest t;
  t.method = "exact-multinomial";
  const uint64_t n = Total(*cells);
  t.df = static_cast<double>(std::max<size_t>(cells->size(), 1) - 1);
  if (impossible) {
    t.p_value = 0;
    return t;
  }
  if (cells->size() < 2 || n == 0) {
    t.df = cells->size() < 2 ? 0 : t.df;
    return t;
  }
  if (OutcomeCount(n, cells->size(), max_outcomes) > max_outcomes) {
    return Status::InvalidInput("exact multinomial test: more than " +
                                internal::FormatNumber(max_outcomes) + " outcomes");
  }
  Policy pol;
  std::vector<std::vector<double>> term(cells->size(), std::vector<double>(n + 1));
  double observed = boost::math::lgamma(static_cast<double>(n) + 1, pol);
  const double log_norm = observed;
  for (size_t i = 0; i < cells->size(); ++i) {
    const double log_p = std::log((*cells)[i].share);
    for (uint64_t x = 0; x <= n; ++x) {
      term[i][x] = static_cast<double>(x) * log_p - boost::math::lgamma(x + 1.0, pol);
    }
    observed += term[i][(*cells)[i].count];
  }
  double sum = 0;
  SumNoMoreLikely(term, 0, n, 0.0, log_norm, observed + std::log(kRelErr), &sum);
  t.p_value = std::min(1.0, sum);
  // The statistic of an exact test is the probability of the observed outcome.
  t.statistic = std::exp(observed);
  return t;
}

Result<FitTest> GoodnessOfFit(std::span<const uint64_t> counts,
                              std::span<const double> expected_shares) {
  Result<FitTest> pearson = PearsonChiSquare(counts, expected_shares);
  if (!pearson.ok()) return pearson;
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  double sum = 0;
  for (double s : expected_shares) sum += s;
  bool small = false;
  for (double s : expected_shares) {
    if (s > 0 && s / sum * static_cast<double>(n) < kMinExpectedCount) small = true;
  }
  if (!small || n == 0) return pearson;
  size_t k = 0;
  for (double s : expected_shares) k += s > 0 ? 1 : 0;
  if (OutcomeCount(n, k, kMaxExactOutcomes) > kMaxExactOutcomes) {
    pearson->note = "expected counts below 5, but too many outcomes for the exact test";
    return pearson;
  }
  return ExactMultinomialTest(counts, expected_shares, kMaxExactOutcomes);
}

// R's binom.test (stats package): the two-sided p-value sums the probabilities of all outcomes
// no more likely than the observed one (within relErr 1 + 1e-7). The pmf is unimodal, so the
// outcomes on the far side of the mean are found by bisection instead of R's linear scan; that
// keeps huge n (1e12) cheap.
double BinomialTestTwoSided(uint64_t k, uint64_t n, double p) {
  if (k > n || !(p >= 0 && p <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return k == 0 ? 1.0 : 0.0;
  if (p == 1) return k == n ? 1.0 : 0.0;
  if (n == 0) return 1.0;
  const Binomial dist(static_cast<double>(n), p);
  const double kd = static_cast<double>(k);
  const double threshold = boost::math::pdf(dist, kd) * kRelErr;
  const double m = static_cast<double>(n) * p;
  if (kd == m) return 1.0;
  double result = 0;
  if (kd < m) {
    // First i in [ceil(m), n] with pdf(i) <= threshold; pdf is non-increasing there.
    uint64_t lo = static_cast<uint64_t>(std::ceil(m)), hi = n + 1;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (boost::math::pdf(dist, static_cast<double>(mid)) <= threshold)
        hi = mid;
      else
        lo = mid + 1;
    }
    double upper = lo > n ? 0.0 : boost::math::cdf(boost::math::complement(dist, lo - 1.0));
    result = boost::math::cdf(dist, kd) + upper;
  } else {
    // Last i in [0, floor(m)] with pdf(i) <= threshold; pdf is non-decreasing there.
    // `lo` ends as the number of such i (R's y).
    uint64_t lo = 0, hi = static_cast<uint64_t>(std::floor(m)) + 1;
    while (lo < hi) {
      uint64_t mid = lo + (hi - lo) / 2;
      if (boost::math::pdf(dist, static_cast<double>(mid)) <= threshold)
        lo = mid + 1;
      else
        hi = mid;
    }
    double lower = lo == 0 ? 0.0 : boost::math::cdf(dist, lo - 1.0);
    result = lower + boost::math::cdf(boost::math::complement(dist, kd - 1.0));
  }
  return std::min(1.0, result);
}

}  // namespace meshverify::stats
