// The equivalence gate for one share (DESIGN.md "Statistics"), the n that would decide it, and
// alpha spending over sequential looks.

#include <algorithm>
#include <cmath>

#include "meshverify/stats.h"
#include "stats/internal.h"

namespace meshverify::stats {
namespace {

// Two one-sided tests (Schuirmann 1987) at level alpha/m each: the share is within the band
// iff the two-sided (1 - 2·alpha/m) interval is. "Skewed" needs the (1 - alpha/m) interval to
// miss the whole band, so a share whose true value equals `expected` is called skewed with
// probability <= alpha/m, and (Bonferroni) any share of the source with probability <= alpha.
ShareGate Decide(uint64_t k, uint64_t n, double expected, double tolerance, double alpha, int m) {
  ShareGate g;
  const double lo_band = expected - tolerance;
  const double hi_band = expected + tolerance;
  const Interval outer = SimultaneousInterval(k, n, alpha, m);
  if (n > 0 && (outer.hi < lo_band || outer.lo > hi_band)) {
    g.gate = Gate::kSkewed;
    g.ci = outer;
    return g;
  }
  const Interval inner = SimultaneousInterval(k, n, 2 * alpha, m);
  if (n > 0 && inner.lo >= lo_band && inner.hi <= hi_band) {
    g.gate = Gate::kBalanced;
    g.ci = inner;
    return g;
  }
  g.gate = Gate::kInconclusive;
  g.ci = outer;
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
Gate GateAt(double share, uint64_t n, double expected, double tolerance, double alpha, int m) {
  auto k = static_cast<uint64_t>(std::llround(share * static_cast<double>(n)));
  return Decide(k, n, expected, tolerance, alpha, m).gate;
}

// Smallest n > current at which the gate decides with `share` held fixed, or
// kMaxRequestsToDecide. Decisiveness grows with n up to rounding of k, so doubling then
// bisection finds the boundary (up to that rounding noise, a few requests).
uint64_t RequestsToDecide(double share, uint64_t current, double expected, double tolerance,
                          double alpha, int m) {
  uint64_t lo = current;  // undecided (or no data)
  uint64_t hi = std::max<uint64_t>(current + 1, 16);
  while (GateAt(share, hi, expected, tolerance, alpha, m) == Gate::kInconclusive) {
    if (hi >= kMaxRequestsToDecide) return kMaxRequestsToDecide;
    lo = hi;
    hi = std::min(hi * 2, kMaxRequestsToDecide);
  }
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (GateAt(share, mid, expected, tolerance, alpha, m) == Gate::kInconclusive) {
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

ShareGate GateShare(uint64_t k, uint64_t n, double expected, double tolerance, double alpha,
                    int num_shares) {
  k = std::min(k, n);
  const int m = std::max(1, num_shares);
  ShareGate g = Decide(k, n, expected, tolerance, alpha, m);
  if (g.gate == Gate::kInconclusive) {
    g.n_to_decide = RequestsToDecide(ProjectedShare(k, n, expected, tolerance), n, expected,
                                     tolerance, alpha, m);
  }
  return g;
}

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
