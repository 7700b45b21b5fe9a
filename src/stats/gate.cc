// The equivalence gate for one share (DESIGN.md "Statistics"; the rules are in stats.h at
// DecideShare), the n that would decide it, and alpha spending over sequential looks.

#include <algorithm>
#include <cmath>
#include <limits>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace internal {

// Strict inequalities: an end equal to the band edge is not inside, so a band edge at 0 (or
// 1) needs at least one answer inside (outside) it, as the exact one-sided test at that edge
// does. Each end is the exact test "reject share <= edge at level alpha" (Clopper–Pearson
// duality: lo > edge iff P_edge(X >= k) < alpha).
bool LowerInside(uint64_t k, uint64_t n, double expected, double tolerance, double alpha) {
  return ClopperPearsonLower(k, n, alpha) > expected - tolerance;
}

bool UpperInside(uint64_t k, uint64_t n, double expected, double tolerance, double alpha) {
  return ClopperPearsonUpper(k, n, alpha) < expected + tolerance;
}

namespace {

// The smallest k in [0, n + 1] with pred(k), for a predicate false then true as k grows
// (n + 1 when it never holds), searched outward from `guess` in doubling steps, then bisected:
// a good guess costs a few evaluations instead of 2 log2(n).
template <typename Pred>
uint64_t FirstTrue(uint64_t n, double guess, Pred pred) {
  const double g = std::clamp(std::floor(guess), 0.0, static_cast<double>(n));
  uint64_t lo, hi;  // pred(lo - 1) false or lo == 0; pred(hi) true or hi == n + 1
  const uint64_t start = std::isnan(g) ? 0 : static_cast<uint64_t>(g);
  if (pred(start)) {
    hi = start;
    uint64_t step = 1;
    while (true) {
      if (hi == 0) return 0;
      const uint64_t probe = hi > step ? hi - step : 0;
      if (!pred(probe)) {
        lo = probe + 1;
        break;
      }
      hi = probe;
      step *= 2;
    }
  } else {
    lo = std::min(start + 1, n + 1);
    uint64_t step = 1;
    while (true) {
      const uint64_t probe = std::min(lo + step - 1, n + 1);
      if (probe == n + 1 || pred(probe)) {
        hi = probe;
        break;
      }
      lo = probe + 1;
      step *= 2;
    }
  }
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (pred(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

}  // namespace

// The normal approximation of each boundary (Wald: k/n = edge ± z sqrt(edge(1-edge)/n)) is a
// few counts off the exact one; FirstTrue finds the exact one from there.
namespace {

// The Wald guess of a boundary count at n for a band edge, `sign` towards the band's inside.
double WaldGuess(uint64_t n, double edge, double sign, double alpha) {
  const double nd = static_cast<double>(n);
  const double z = alpha < 0.5 ? NormalUpperQuantile(alpha) : 0.0;
  const double e = std::clamp(edge, 0.0, 1.0);
  return nd * e + sign * z * std::sqrt(nd * e * (1 - e));
}

}  // namespace

uint64_t FirstLowerInside(uint64_t n, double expected, double tolerance, double alpha,
                          double guess) {
  if (std::isnan(guess)) guess = WaldGuess(n, expected - tolerance, 1, alpha);
  return FirstTrue(n, guess,
                   [&](uint64_t k) { return LowerInside(k, n, expected, tolerance, alpha); });
}

uint64_t FirstUpperOutside(uint64_t n, double expected, double tolerance, double alpha,
                           double guess) {
  if (std::isnan(guess)) guess = WaldGuess(n, expected + tolerance, -1, alpha) + 1;
  return FirstTrue(n, guess,
                   [&](uint64_t k) { return !UpperInside(k, n, expected, tolerance, alpha); });
}

CountRange BalancedCounts(uint64_t n, double expected, double tolerance, double alpha) {
  const double wald = std::numeric_limits<double>::quiet_NaN();
  CountRange r;
  r.first = FirstLowerInside(n, expected, tolerance, alpha, wald);
  const uint64_t end = FirstUpperOutside(n, expected, tolerance, alpha, wald);
  if (end == 0) return CountRange{};  // empty
  r.last = end - 1;
  return r;
}

}  // namespace internal

namespace {

// The skew interval's tail at each end: alpha / decisions split over the two ends.
double SkewTail(double alpha, int decisions) {
  return alpha / (2.0 * static_cast<double>(std::max(1, decisions)));
}

ShareGate Decide(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                 int decisions) {
  ShareGate g;
  const double skew_tail = SkewTail(alpha, decisions);
  g.ci = ClopperPearsonBounds(k, n, skew_tail, skew_tail);
  g.ci_level = 1.0 - 2.0 * skew_tail;
  if (n == 0) return g;  // inconclusive, [0, 1]
  if ((expected <= 0 && k > 0) || g.ci.hi < expected - tolerance ||
      g.ci.lo > expected + tolerance) {
    g.gate = Gate::kSkewed;
    return g;
  }
  Interval eq = ClopperPearsonBounds(k, n, alpha, alpha);
  if (eq.lo > expected - tolerance && eq.hi < expected + tolerance) {
    g.gate = Gate::kBalanced;
    g.ci = eq;
    g.ci_level = 1.0 - 2.0 * alpha;
  }
  return g;
}

// The share to hold fixed when asking how many requests would decide: the observed one when
// it lies outside the band (it would become skewed), else the expected one (the planning view).
double ProjectedShare(uint64_t k, uint64_t n, double expected, double tolerance) {
  if (n == 0) return expected;
  double p = static_cast<double>(k) / static_cast<double>(n);
  return std::fabs(p - expected) > tolerance ? p : expected;
}

// Evaluates the gate at n with k = round(share * n).
Gate GateAt(double share, uint64_t n, double expected, double tolerance, double alpha, int d) {
  auto k = static_cast<uint64_t>(std::llround(share * static_cast<double>(n)));
  return DecideShare(std::min(k, n), n, expected, tolerance, alpha, d);
}

// Smallest n > current at which the gate decides with `share` held fixed, or
// kMaxRequestsToDecide. Decisiveness grows with n up to rounding of k, so doubling then
// bisection finds the boundary (up to that rounding noise, a few requests).
uint64_t RequestsToDecide(double share, uint64_t current, double expected, double tolerance,
                          double alpha, int d) {
  uint64_t lo = current;  // undecided (or no data)
  uint64_t hi = std::max<uint64_t>(current + 1, 16);
  while (GateAt(share, hi, expected, tolerance, alpha, d) == Gate::kInconclusive) {
    if (hi >= kMaxRequestsToDecide) return kMaxRequestsToDecide;
    lo = hi;
    hi = std::min(hi * 2, kMaxRequestsToDecide);
  }
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (GateAt(share, mid, expected, tolerance, alpha, d) == Gate::kInconclusive) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return hi;
}

}  // namespace

const char* GateName(Gate g) {
  switch (g) {
    case Gate::kBalanced:
      return "balanced";
    case Gate::kSkewed:
      return "skewed";
    case Gate::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

Gate DecideShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                 int decisions) {
  return Decide(std::min(k, n), n, expected, tolerance, alpha, decisions).gate;
}

ShareGate GateShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                    int decisions) {
  k = std::min(k, n);
  ShareGate g = Decide(k, n, expected, tolerance, alpha, decisions);
  if (g.gate == Gate::kInconclusive) {
    g.n_to_decide = RequestsToDecide(ProjectedShare(k, n, expected, tolerance), n, expected,
                                     tolerance, alpha, decisions);
  }
  return g;
}

int SkewDecisions(int positive) { return positive == 2 ? 1 : std::max(1, positive); }

// Bonferroni spending: look j of K gets alpha / K. By the union bound the chance of any false
// decision over all looks is <= alpha whatever the looks' spacing and correlation. Pocock's
// constant (for K = 5 at two-sided 0.05, nominal 0.0158 per look vs 0.01 here) is less strict
// but assumes equally spaced looks of a normal statistic, which a gate run as answers stream
// in does not guarantee.
double SequentialAlpha(double alpha, int look, int max_looks) {
  (void)look;
  return alpha / static_cast<double>(std::max(1, max_looks));
}

}  // namespace meshverify::stats
