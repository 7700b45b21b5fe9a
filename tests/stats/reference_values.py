#!/usr/bin/env python3
"""Exact reference values for tests/stats/*_test.cc, from the Python standard library only.

Every constant the precision tests compare with is printed by this script; the tests paste
them with a comment naming the function here. Run: python3 tests/stats/reference_values.py

Methods (no floating point in any result below, only in the final str() of a Decimal):
- Binomial probabilities with rational p are exact `fractions.Fraction` sums.
- ln Gamma, ln, exp, sqrt and erfc are evaluated in `decimal` at 80 significant digits:
  ln Gamma by Stirling's series (10 Bernoulli terms) after shifting the argument above 200,
  erfc by its Taylor series below 3 and its continued fraction above, pi by Machin's formula.
- Clopper-Pearson bounds solve P_p(X >= k) = tail (resp. P_p(X <= k) = tail) by bisection to
  50 digits; each tail is a sum of binomial terms from k outwards, each term from the one
  before (ratio (n-j) p / ((j+1)(1-p))), the first from ln Gamma, stopped at 1e-70 relative.
"""

from decimal import Decimal as D, getcontext
from fractions import Fraction as F
import math
import sys

getcontext().prec = 80


def pi():
    def atan_inv(x):  # atan(1/x)
        x = D(x)
        total, term, n, sign = D(0), 1 / x, 1, 1
        x2 = x * x
        while term > D(10) ** -90:
            total += sign * term / n
            term /= x2
            n += 2
            sign = -sign
        return total
    return 16 * atan_inv(5) - 4 * atan_inv(239)


PI = pi()
BERNOULLI = [F(1, 6), F(-1, 30), F(1, 42), F(-1, 30), F(5, 66), F(-691, 2730), F(7, 6),
             F(-3617, 510), F(43867, 798), F(-174611, 330)]


def lgamma(z):
    z = D(z)
    shift = D(0)
    while z < 200:
        shift += z.ln()
        z += 1
    s = (z - D("0.5")) * z.ln() - z + (2 * PI).ln() / 2
    for m, b in enumerate(BERNOULLI, start=1):
        s += D(b.numerator) / D(b.denominator) / (2 * m * (2 * m - 1) * z ** (2 * m - 1))
    return s - shift


def ln_choose(n, k):
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)


def upper_tail(n, k, p):
    """P(X >= k) for X ~ Bin(n, p), p a Decimal in (0, 1)."""
    if k <= 0:
        return D(1)
    if k > n:
        return D(0)
    q = 1 - p
    term = (ln_choose(n, k) + k * p.ln() + (n - k) * q.ln()).exp()
    total, j = D(0), k
    while j <= n:
        total += term
        if term < total * D(10) ** -70:
            break
        term = term * (n - j) * p / ((j + 1) * q)
        j += 1
    return total


def lower_tail(n, k, p):
    """P(X <= k)."""
    return upper_tail(n, n - k, 1 - p)


def cp_lower(k, n, tail):
    """The p with P_p(X >= k) = tail."""
    lo, hi = D(0), D(1)
    for _ in range(170):  # 2^-170 ~ 1e-51
        mid = (lo + hi) / 2
        if upper_tail(n, k, mid) < tail:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def cp_upper(k, n, tail):
    """The p with P_p(X <= k) = tail."""
    return 1 - cp_lower(n - k, n, tail)


def erfc(x):
    x = D(x)
    if x < 3:
        total, term, n = D(0), x, 0
        while abs(term) > D(10) ** -85:
            total += term / (2 * n + 1)
            n += 1
            term = -term * x * x / n
        return 1 - 2 / PI.sqrt() * total
    def cf(terms):  # erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
        acc = x
        for j in range(terms, 0, -1):
            acc = x + D(j) / 2 / acc
        return (-x * x).exp() / PI.sqrt() / acc
    a, b = cf(4000), cf(8000)
    assert abs(a - b) < abs(a) * D(10) ** -60, "erfc continued fraction did not converge"
    return b


def chi2_upper(x, df):
    """P(chi2_df > x) for df = 1, 2, 3."""
    x = D(x)
    if df == 1:
        return erfc((x / 2).sqrt())
    if df == 2:
        return (-x / 2).exp()
    if df == 3:
        return erfc((x / 2).sqrt()) + 2 * (x / 2).sqrt() / PI.sqrt() * (-x / 2).exp()
    raise ValueError(df)


def g_statistic(counts, shares):
    n = sum(counts)
    return 2 * sum(D(o) * (D(o) / (D(s.numerator) / D(s.denominator) * n)).ln()
                   for o, s in zip(counts, shares) if o > 0)


def pearson(counts, shares):
    n = sum(counts)
    return sum((F(o) - s * n) ** 2 / (s * n) for o, s in zip(counts, shares))


def binom_pmf(n, k, p):
    return math.comb(n, k) * p ** k * (1 - p) ** (n - k)


def binom_test_two_sided(k, n, p):
    """R's binom.test: sum of pmf(i) over i with pmf(i) <= pmf(k) * (1 + 1e-7), exactly."""
    d = binom_pmf(n, k, p) * (1 + F(1, 10 ** 7))
    return sum(binom_pmf(n, i, p) for i in range(n + 1) if binom_pmf(n, i, p) <= d)


def exact_tail_ge(n, k, p):
    return sum(binom_pmf(n, j, p) for j in range(k, n + 1))


def exact_tail_le(n, k, p):
    return sum(binom_pmf(n, j, p) for j in range(0, k + 1))


def balanced_range(n, expected, tolerance, alpha):
    """The counts k the exact gate calls balanced (stats.h): P_{e-d}(X >= k) < alpha and
    P_{e+d}(X <= k) < alpha, both edges strictly inside (0, 1) here; exact rationals."""
    lo_edge, hi_edge = expected - tolerance, expected + tolerance
    a, b = 0, n + 1  # first k with the lower test passing
    while a < b:
        m = (a + b) // 2
        if exact_tail_ge(n, m, lo_edge) < alpha:
            b = m
        else:
            a = m + 1
    first = a
    a, b = 0, n + 1  # first k whose upper test fails
    while a < b:
        m = (a + b) // 2
        if exact_tail_le(n, m, hi_edge) < alpha:
            a = m + 1
        else:
            b = m
    return first, a - 1


def prob_range(n, first, last, p):
    return sum(binom_pmf(n, j, p) for j in range(first, last + 1))


def fmt(x, digits=20):
    return f"{D(x) if not isinstance(x, F) else D(x.numerator) / D(x.denominator):.{digits}e}"


def main():
    out = sys.stdout.write
    out("// G-test, 500001/499999 against 1:1 (issue 11 item 4)\n")
    g = g_statistic([500001, 499999], [F(1, 2), F(1, 2)])
    out(f"G = {fmt(g)}  p = {fmt(chi2_upper(g, 1))}\n")
    out("// G and Pearson, 5e9+1 / 5e9-1 against 1:1 (N = 1e10)\n")
    c = [5 * 10 ** 9 + 1, 5 * 10 ** 9 - 1]
    g = g_statistic(c, [F(1, 2), F(1, 2)])
    x2 = pearson(c, [F(1, 2), F(1, 2)])
    out(f"G = {fmt(g)}  p = {fmt(chi2_upper(g, 1))}\n")
    out(f"X2 = {fmt(x2)}  p = {fmt(chi2_upper(D(x2.numerator) / D(x2.denominator), 1))}\n")
    out("// Pearson 1000/0 against 1:1: X2 = 1000\n")
    out(f"p = {fmt(chi2_upper(1000, 1))}\n")
    out("// G, 772/1611/737 against 1:2:1 (df 2)\n")
    g = g_statistic([772, 1611, 737], [F(1, 4), F(1, 2), F(1, 4)])
    out(f"G = {fmt(g)}  p = {fmt(chi2_upper(g, 2))}\n")
    out("// Pearson, Mendel 315/108/101/32 against 9:3:3:1 (df 3)\n")
    x2 = pearson([315, 108, 101, 32], [F(9, 16), F(3, 16), F(3, 16), F(1, 16)])
    out(f"X2 = {fmt(x2)} ({x2})  p = {fmt(chi2_upper(D(x2.numerator) / D(x2.denominator), 3))}\n")
    out("// binom.test two-sided, exact rationals\n")
    for k, n, p in [(682, 925, F(3, 4)), (243, 925, F(1, 4)), (2, 10, F(1, 2)), (0, 3, F(3, 10))]:
        out(f"BinomialTestTwoSided({k}, {n}, {p}) = {fmt(binom_test_two_sided(k, n, p))}\n")
    out("// Clopper-Pearson bounds\n")
    for k, n, tail in [(500000, 1000000, D("1e-300")), (500000, 1000000, D("1e-12")),
                       (682, 925, D("0.025")), (5, 25, D("0.025")), (1040, 2000, D("0.01")),
                       (3, 50, D("0.005")), (279, 304, D("0.01"))]:
        out(f"CP({k}, {n}, {tail}): lo = {fmt(cp_lower(k, n, tail))} "
            f"hi = {fmt(cp_upper(k, n, tail))}\n")
    out("// Gate size: the balanced counts and P(balanced) with the truth on a band edge\n")
    for n, e, truth in [(304, F(9, 10), F(19, 20)), (1595, F(1, 2), F(11, 20)),
                        (1000, F(1, 5), F(3, 20)), (2000, F(1, 10), F(3, 20))]:
        first, last = balanced_range(n, e, F(1, 20), F(1, 100))
        out(f"n={n} e={e} truth={truth}: balanced [{first}, {last}], "
            f"P = {fmt(prob_range(n, first, last, truth))}\n")
    out("// Plan at the defaults: exact power at n (two shares of 1/2, tolerance 1/20, alpha 1/100)\n")
    for n in [1594, 1595]:
        first, last = balanced_range(n, F(1, 2), F(1, 20), F(1, 100))
        out(f"n={n}: balanced [{first}, {last}], power = {fmt(prob_range(n, first, last, F(1, 2)))}\n")


if __name__ == "__main__":
    main()
