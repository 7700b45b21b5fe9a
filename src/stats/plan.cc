// Sample-size planning for the equivalence gate: from how many requests on "balanced" stays
// likely when the shares really are as expected.

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace {

using Binomial = boost::math::binomial_distribution<double, internal::Policy>;

// P(X < k) and P(X > k) for X ~ Bin(n, p), 0 < p < 1, as tails (never 1 - cdf).
double Below(uint64_t n, double p, uint64_t k) {
  if (k == 0) return 0.0;
  if (k > n) return 1.0;
  return boost::math::cdf(Binomial(static_cast<double>(n), p), static_cast<double>(k - 1));
}
double Above(uint64_t n, double p, uint64_t k) {
  if (k >= n) return 0.0;
  return boost::math::cdf(
      boost::math::complement(Binomial(static_cast<double>(n), p), static_cast<double>(k)));
}

// The shares of a plan and the questions the search asks about them. "Miss" is the
// probability that a source is not gated balanced; its power is 1 - miss.
class Model {
 public:
  Model(std::span<const double> shares, double tolerance, double alpha)
      : tolerance_(tolerance), alpha_(alpha) {
    int positive = 0;
    for (double e : shares) {
      positive += e > 0;
      if (e > 0 && e < 1) {
        random_.push_back(e);
      } else {
        certain_.push_back(e);  // the count is certain: none, or every answer
      }
    }
    // Two positive shares are one event (counts k and n - k, mirrored bounds): gate the first.
    if (positive == 2 && random_.size() == 2) random_.resize(1);
  }

  // True when every share whose count is certain is balanced at n (non-decreasing in n).
  bool CertainBalanced(uint64_t n) const {
    for (double e : certain_) {
      const uint64_t k = e > 0 ? n : 0;
      if (DecideShare(k, n, e, tolerance_, alpha_, 1) != Gate::kBalanced) return false;
    }
    return true;
  }

  // Exact miss at n; for three or more random shares the sum of their misses (Bonferroni).
  double Miss(uint64_t n) const { return BlockMiss(n, n); }

  // An upper bound on Miss(n) for every n in [a, b]: the counts deciding balanced never
  // decrease with n (first and last below), and Bin(n) grows stochastically with n, so for
  // a <= n <= b, P(X_n < first(n)) <= P(X_a < first(b)) and P(X_n > last(n)) <=
  // P(X_b > last(a)). With a == b this is Miss(a) exactly.
  double BlockMiss(uint64_t a, uint64_t b) const {
    if (a == 0 || !CertainBalanced(a)) return 1.0;
    if (memo_.size() < random_.size()) memo_.resize(random_.size());
    double miss = 0;
    for (size_t i = 0; i < random_.size(); ++i) {
      const double e = random_[i];
      Memo& m = memo_[i];
      const uint64_t first = internal::FirstLowerInside(
          b, e, tolerance_, alpha_, m.Guess(m.first, b, std::max(0.0, e - tolerance_)));
      const uint64_t end = internal::FirstUpperOutside(
          a, e, tolerance_, alpha_, m.Guess(m.end, a, std::min(1.0, e + tolerance_)));
      m.first = {b, first};
      m.end = {a, end};
      if (end == 0 || first >= end) return 1.0;
      miss += Below(a, e, first) + Above(b, e, end - 1);
    }
    return std::min(1.0, miss);
  }

  // An upper bound on Miss(n) that never increases with n (Hoeffding 1963): balanced holds
  // whenever k/n lies more than r = sqrt(ln(1/alpha) / (2n)) inside the band (the exact
  // one-sided test's tail is then below exp(-2n r^2) = alpha), and k/n misses that narrower
  // band with probability at most exp(-2n (tolerance - r)^2) per side.
  double HoeffdingMiss(uint64_t n) const {
    if (n == 0 || !CertainBalanced(n)) return 1.0;
    const double nd = static_cast<double>(n);
    const double t = tolerance_ - std::sqrt(std::log(1 / alpha_) / (2 * nd));
    if (!random_.empty() && t <= 0) return 1.0;
    double miss = 0;
    for (double e : random_) {
      const double sides = (e - tolerance_ >= 0 ? 1.0 : 0.0) + (e + tolerance_ <= 1 ? 1.0 : 0.0);
      miss += sides * std::exp(-2 * nd * t * t);
    }
    return std::min(1.0, miss);
  }

 private:
  // The last boundary counts found per random share: the walk asks about nearby n one after
  // another, and a boundary count moves by about its band edge per request.
  struct Memo {
    std::pair<uint64_t, uint64_t> first{0, 0}, end{0, 0};  // (n, count); n == 0: none yet
    static double Guess(std::pair<uint64_t, uint64_t> known, uint64_t n, double edge) {
      if (known.first == 0) return std::numeric_limits<double>::quiet_NaN();
      return static_cast<double>(known.second) +
             (static_cast<double>(n) - static_cast<double>(known.first)) * edge;
    }
  };

  double tolerance_, alpha_;
  std::vector<double> random_;   // shares strictly inside (0, 1), repeated ones repeated
  std::vector<double> certain_;  // shares 0 or 1
  mutable std::vector<Memo> memo_;
};

std::string Range(double v, const char* name, const char* range) {
  return std::string("plan: ") + name + " " + internal::FormatNumber(v) + " must be in " + range;
}

}  // namespace

double BalancedProbability(std::span<const double> expected_shares, uint64_t n, double tolerance,
                           double alpha) {
  return 1 - Model(expected_shares, tolerance, alpha).Miss(n);
}

// Method (see stats.h): find N_H, from which Hoeffding's bound guarantees the power, then walk
// down from N_H in blocks of n whose block bound reaches the power, doubling a block after
// each success and shrinking it after each failure, until a single n whose exact power falls
// short: the answer is the next n.
Result<uint64_t> PlanRequests(std::span<const double> expected_shares, double tolerance,
                              double alpha, double power) {
  if (!(tolerance > 0 && tolerance <= 0.5)) {
    return Status::InvalidInput(Range(tolerance, "tolerance", "(0, 0.5]"));
  }
  if (!(alpha > 0 && alpha < 1)) return Status::InvalidInput(Range(alpha, "alpha", "(0, 1)"));
  if (!(power > 0 && power < 1)) return Status::InvalidInput(Range(power, "power", "(0, 1)"));
  if (Status s = internal::ValidateShares(expected_shares, "plan: expected shares"); !s.ok()) {
    return s;
  }
  const Model model(expected_shares, tolerance, alpha);
  const double allowed = 1 - power;  // the miss a plan may leave
  const auto too_many = Status::InvalidInput(
      "plan: more than " + internal::FormatNumber(static_cast<double>(kMaxPlanRequests)) +
      " requests needed; raise the tolerance");
  if (model.Miss(kMaxPlanRequests) > allowed) return too_many;
  // N_H by doubling, then bisection (HoeffdingMiss never increases).
  uint64_t hi = 1;
  while (model.HoeffdingMiss(hi) > allowed) hi *= 2;
  uint64_t lo = hi / 2;
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    (model.HoeffdingMiss(mid) > allowed ? lo : hi) = mid;
  }
  // Every n >= hi is certified; walk blocks [b - width + 1, b] downwards.
  uint64_t b = hi - 1, width = 1;
  while (b >= 1) {
    const uint64_t a = b >= width ? b - width + 1 : 1;
    if (model.BlockMiss(a, b) <= allowed) {
      if (a == 1) return uint64_t{1};
      b = a - 1;
      width *= 2;
    } else if (a < b) {
      width = std::max<uint64_t>(1, (b - a + 1) / 4);
    } else {
      if (b + 1 > kMaxPlanRequests) return too_many;
      return b + 1;  // the exact power at b falls short, and every n > b is certified
    }
  }
  return uint64_t{1};
}

}  // namespace meshverify::stats
