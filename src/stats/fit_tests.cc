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

struct Cells {
  std::vector<Cell> cells;  // the categories of expected share > 0
  uint64_t left_out = 0;    // answers in categories of expected share 0
  std::string note;         // says so when left_out > 0
};

// Validates the inputs shared by all fit tests and keeps the categories of expected share > 0
// (stats.h: the answers in the others are an unexpected destination, not a deviation).
Result<Cells> Prepare(std::span<const uint64_t> counts, std::span<const double> shares) {
  if (counts.size() != shares.size()) {
    return Status::InvalidInput("goodness of fit: " + std::to_string(counts.size()) +
                                " counts but " + std::to_string(shares.size()) + " shares");
  }
  if (Status s = internal::ValidateShares(shares, "expected shares"); !s.ok()) return s;
  double sum = 0;
  for (double s : shares) sum += s;
  Cells out;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (shares[i] == 0) {
      out.left_out += counts[i];
      continue;
    }
    out.cells.push_back({counts[i], shares[i] / sum});
  }
  if (out.left_out > 0) {
    out.note = std::to_string(out.left_out) +
               " answers in categories of expected share 0 left out (an unexpected "
               "destination, which the balance gate fails)";
  }
  return out;
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

// Loader (2000), "Fast and accurate computation of binomial probabilities": the deviance term
// bd0(x, m) = x ln(x/m) + m - x, with d = x - m passed exactly (the caller computes it with a
// fused multiply-add). Near x = m it is d·v + 2x (v^3/3 + v^5/5 + ...), v = d / (x + m): every
// term positive, no cancellation (R's bd0 in nmath/bd0.c uses the same series).
double Bd0(double x, double m, double d) {
  if (x == 0) return m;
  if (std::fabs(d) < 0.1 * (x + m)) {
    const double v = d / (x + m);
    const double v2 = v * v;
    double sum = d * v;
    double ej = 2 * x * v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v2;
      const double next = sum + ej / (2 * j + 1);
      if (next == sum) return sum;
      sum = next;
    }
    return sum;
  }
  // Far from m the terms do not cancel badly: x ln(x/m) and d differ by a fair fraction.
  return x * std::log(x / m) - d;
}

// Shared tail of Pearson and G: degenerate cases first, then the statistic's chi-square p.
// term(o, e, d) gets the count, its expected count and d = o - e computed exactly.
template <typename TermFn>
Result<FitTest> ChiSquareFamily(std::span<const uint64_t> counts, std::span<const double> shares,
                                const char* method, TermFn term) {
  Result<Cells> prepared = Prepare(counts, shares);
  if (!prepared.ok()) return prepared.status();
  const std::vector<Cell>& cells = prepared->cells;
  FitTest t;
  t.method = method;
  t.note = prepared->note;
  const uint64_t n = Total(cells);
  if (cells.size() < 2) return t;  // statistic 0, df 0, p 1
  t.df = static_cast<double>(cells.size() - 1);
  if (n == 0) return t;  // no observations: no evidence against the shares
  const double nd = static_cast<double>(n);
  double statistic = 0;
  for (const Cell& c : cells) {
    const double o = static_cast<double>(c.count);
    // o - share·n with one rounding: the expected count share·n is never rounded first.
    statistic += term(o, c.share * nd, std::fma(-c.share, nd, o));
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
                         [](double, double e, double d) { return d * d / e; });
}

// G-test (Sokal & Rohlf, Biometry; McDonald, Handbook of Biological Statistics):
// G = 2 sum O ln(O / E) = 2 sum bd0(O, E), since sum O = sum E; df = categories - 1.
Result<FitTest> GTest(std::span<const uint64_t> counts, std::span<const double> expected_shares) {
  return ChiSquareFamily(counts, expected_shares, "g", [](double o, double e, double d) {
    return 2.0 * Bd0(o, e, d);
  });
}

Result<FitTest> ExactMultinomialTest(std::span<const uint64_t> counts,
                                     std::span<const double> expected_shares, double max_outcomes) {
  Result<Cells> prepared = Prepare(counts, expected_shares);
  if (!prepared.ok()) return prepared.status();
  const std::vector<Cell>* cells = &prepared->cells;
  FitTest t;
  t.method = "exact-multinomial";
  t.note = prepared->note;
  const uint64_t n = Total(*cells);
  t.df = static_cast<double>(std::max<size_t>(cells->size(), 1) - 1);
  if (cells->size() < 2 || n == 0) return t;
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
  uint64_t n = 0;  // answers in categories of expected share > 0: what the tests test
  size_t k = 0;
  double sum = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (expected_shares[i] > 0) {
      n += counts[i];
      ++k;
    }
    sum += expected_shares[i];
  }
  bool small = false;
  for (double s : expected_shares) {
    if (s > 0 && s / sum * static_cast<double>(n) < kMinExpectedCount) small = true;
  }
  if (!small || n == 0 || k < 2) return pearson;
  if (OutcomeCount(n, k, kMaxExactOutcomes) > kMaxExactOutcomes) {
    const std::string too_many = "expected counts below 5, but too many outcomes for the exact test";
    pearson->note = pearson->note.empty() ? too_many : pearson->note + "; " + too_many;
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
