#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "meshverify/stats.h"

namespace meshverify::stats {
namespace {

using Counts = std::vector<uint64_t>;
using Shares = std::vector<double>;

// Mendel's peas, 9:3:3:1. R: chisq.test(c(315, 108, 101, 32), p = c(9, 3, 3, 1) / 16) prints
// "X-squared = 0.47002, df = 3, p-value = 0.9254".
TEST(PearsonChiSquareTest, MatchesRForMendelsPeas) {
  Result<FitTest> t =
      PearsonChiSquare(Counts{315, 108, 101, 32}, Shares{9. / 16, 3. / 16, 3. / 16, 1. / 16});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_NEAR(t->statistic, 0.47002, 5e-6);
  EXPECT_EQ(t->df, 3);
  EXPECT_NEAR(t->p_value, 0.9254, 5e-5);
  EXPECT_EQ(t->method, "pearson");
}

// McDonald JH, Handbook of Biological Statistics (3rd ed., 2014), "G-test of goodness-of-fit"
// and "Chi-square test of goodness-of-fit": Groth's red crossbills, 1752 right-billed and
// 1895 left-billed against 1:1: G = 5.61, 1 d.f., P = 0.018 (chi-square 5.61, P = 0.018).
TEST(GTestTest, MatchesMcDonaldCrossbills) {
  Result<FitTest> g = GTest(Counts{1752, 1895}, Shares{0.5, 0.5});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_NEAR(g->statistic, 5.61, 5e-3);
  EXPECT_EQ(g->df, 1);
  EXPECT_NEAR(g->p_value, 0.018, 5e-4);
  EXPECT_EQ(g->method, "g");
  Result<FitTest> x2 = PearsonChiSquare(Counts{1752, 1895}, Shares{0.5, 0.5});
  ASSERT_TRUE(x2.ok());
  EXPECT_NEAR(x2->statistic, 5.61, 5e-3);
  EXPECT_NEAR(x2->p_value, 0.018, 5e-4);
}

// Same handbook: Shivrain et al.'s rice, 772 resistant, 1611 intermediate, 737 susceptible
// against 1:2:1: G = 4.15, 2 d.f., P = 0.126; chi-square = 4.12, P = 0.127.
TEST(GTestTest, MatchesMcDonaldRice) {
  Result<FitTest> g = GTest(Counts{772, 1611, 737}, Shares{0.25, 0.5, 0.25});
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(g->statistic, 4.15, 5e-3);
  EXPECT_EQ(g->df, 2);
  EXPECT_NEAR(g->p_value, 0.126, 5e-4);
  Result<FitTest> x2 = PearsonChiSquare(Counts{772, 1611, 737}, Shares{0.25, 0.5, 0.25});
  ASSERT_TRUE(x2.ok());
  EXPECT_NEAR(x2->statistic, 4.12, 5e-3);
  EXPECT_NEAR(x2->p_value, 0.127, 5e-4);
}

TEST(PearsonChiSquareTest, TinyPValuesKeepTheirPrecision) {
  // 1000 vs 0 at 1:1: X^2 = 1000 on 1 df, whose upper tail is erfc(sqrt(500)) ~ 1.7e-219;
  // 1 - cdf would give 0.
  Result<FitTest> t = PearsonChiSquare(Counts{1000, 0}, Shares{0.5, 0.5});
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->statistic, 1000);
  EXPECT_GT(t->p_value, 0);
  EXPECT_NEAR(t->p_value / std::erfc(std::sqrt(500.0)), 1.0, 1e-9);
}

TEST(PearsonChiSquareTest, HugeN) {
  // 1e12 answers, 0.1% off 1:1: X^2 = 2 (5e8)^2 / 5e11 = 1e6.
  const uint64_t half = 500'000'000'000;
  Result<FitTest> t =
      PearsonChiSquare(Counts{half + 500'000'000, half - 500'000'000}, Shares{0.5, 0.5});
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(t->statistic, 1e6, 1e-3);
  EXPECT_EQ(t->p_value, 0);  // below the smallest double: a real zero, not a precision loss
  Result<FitTest> exact = PearsonChiSquare(Counts{half, half}, Shares{0.5, 0.5});
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->statistic, 0);
  EXPECT_EQ(exact->p_value, 1);
}

TEST(FitTestEdgesTest, NoObservations) {
  for (auto fn : {&PearsonChiSquare, &GTest, &GoodnessOfFit}) {
    Result<FitTest> t = fn(Counts{0, 0, 0}, Shares{0.2, 0.3, 0.5});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->statistic, 0);
    EXPECT_EQ(t->p_value, 1);
  }
}

TEST(FitTestEdgesTest, OneCategory) {
  for (auto fn : {&PearsonChiSquare, &GTest, &GoodnessOfFit}) {
    Result<FitTest> t = fn(Counts{42}, Shares{1.0});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->statistic, 0);
    EXPECT_EQ(t->df, 0);
    EXPECT_EQ(t->p_value, 1);
  }
}

TEST(FitTestEdgesTest, ZeroShareCategories) {
  // A category expected to get nothing and getting nothing is dropped: df 1, not 2.
  Result<FitTest> t = PearsonChiSquare(Counts{50, 50, 0}, Shares{0.5, 0.5, 0.0});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->df, 1);
  EXPECT_EQ(t->statistic, 0);
  EXPECT_EQ(t->p_value, 1);
  EXPECT_EQ(t->note, "");
  // Issue 11 item 6: answers in a category expected to get nothing are an unexpected
  // destination (the gate fails them); the tests stay well-defined on the others: 495/495 of
  // 1:1 fits perfectly, and the note says what was left out.
  for (auto fn : {&PearsonChiSquare, &GTest, &GoodnessOfFit}) {
    Result<FitTest> u = fn(Counts{495, 495, 10}, Shares{0.5, 0.5, 0.0});
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->statistic, 0);
    EXPECT_EQ(u->df, 1);
    EXPECT_EQ(u->p_value, 1);
    EXPECT_EQ(u->note,
              "10 answers in categories of expected share 0 left out (an unexpected "
              "destination, which the balance gate fails)");
  }
  Result<FitTest> g = GTest(Counts{500, 490, 10}, Shares{0.5, 0.5, 0.0});
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(std::isfinite(g->statistic));
  EXPECT_GT(g->p_value, 0);
  EXPECT_LT(g->p_value, 1);
  // Exact test too: 3 answers over 1:1 and one in the share-0 category.
  Result<FitTest> x = ExactMultinomialTest(Counts{2, 1, 1}, Shares{0.5, 0.5, 0.0});
  ASSERT_TRUE(x.ok());
  EXPECT_NEAR(x->p_value, 1.0, 1e-12);  // 2 of 3 at 1:1 is as likely as can be
  EXPECT_NE(x->note, "");
}

TEST(FitTestEdgesTest, AllInOneCategory) {
  // 300 of 300 in one of three equal shares: X^2 = 2·300 = 600, G = 2·300·ln 3.
  Result<FitTest> x2 = PearsonChiSquare(Counts{300, 0, 0}, Shares{1. / 3, 1. / 3, 1. / 3});
  ASSERT_TRUE(x2.ok());
  EXPECT_NEAR(x2->statistic, 600, 1e-9);
  EXPECT_EQ(x2->df, 2);
  EXPECT_NEAR(x2->p_value, std::exp(-300.0), 1e-140);  // chi-square(2) tail is exp(-x/2)
  Result<FitTest> g = GTest(Counts{300, 0, 0}, Shares{1. / 3, 1. / 3, 1. / 3});
  ASSERT_TRUE(g.ok());
  EXPECT_NEAR(g->statistic, 600 * std::log(3.0), 1e-9);
}

TEST(FitTestEdgesTest, Errors) {
  EXPECT_EQ(PearsonChiSquare(Counts{1, 2}, Shares{1.0}).status().message(),
            "goodness of fit: 2 counts but 1 shares");
  EXPECT_EQ(GTest(Counts{1, 2}, Shares{0.5, 0.4}).status().message(),
            "expected shares: shares sum to 0.9, not 1");
  EXPECT_EQ(GoodnessOfFit(Counts{1, 2}, Shares{1.5, -0.5}).status().message(),
            "expected shares: share 2 is -0.5, not in [0, 1]");
  EXPECT_TRUE(PearsonChiSquare(Counts{}, Shares{}).status().IsInvalidInput());
}

// binom.test(682, 925, p = 0.75) in R prints "p-value = 0.3825" (the example in ?binom.test).
TEST(BinomialTestTwoSidedTest, MatchesR) {
  EXPECT_NEAR(BinomialTestTwoSided(682, 925, 0.75), 0.3825, 5e-5);
  // Below the mean the far tail is summed from the other side: symmetric case.
  EXPECT_NEAR(BinomialTestTwoSided(243, 925, 0.25), 0.3825, 5e-5);
}

TEST(BinomialTestTwoSidedTest, HandComputed) {
  // 2 of 10 at 1/2: P(X <= 2) + P(X >= 8) = 2 (1 + 10 + 45) / 1024 = 112/1024.
  EXPECT_NEAR(BinomialTestTwoSided(2, 10, 0.5), 112.0 / 1024, 1e-14);
  EXPECT_NEAR(BinomialTestTwoSided(8, 10, 0.5), 112.0 / 1024, 1e-14);
  EXPECT_EQ(BinomialTestTwoSided(5, 10, 0.5), 1.0);
  // 0 of 3 at 0.3: outcomes no more likely than 0.343 are x = 0 (0.343), 2 (0.189), 3 (0.027).
  EXPECT_NEAR(BinomialTestTwoSided(0, 3, 0.3), 0.343 + 0.189 + 0.027, 1e-12);
}

TEST(BinomialTestTwoSidedTest, Edges) {
  EXPECT_EQ(BinomialTestTwoSided(0, 0, 0.5), 1.0);
  EXPECT_EQ(BinomialTestTwoSided(0, 10, 0.0), 1.0);
  EXPECT_EQ(BinomialTestTwoSided(1, 10, 0.0), 0.0);
  EXPECT_EQ(BinomialTestTwoSided(10, 10, 1.0), 1.0);
  EXPECT_EQ(BinomialTestTwoSided(9, 10, 1.0), 0.0);
  EXPECT_TRUE(std::isnan(BinomialTestTwoSided(11, 10, 0.5)));
  // Huge n: 0.1% off 1:1 in 1e12 is overwhelming evidence, 1 in 1e12 is none.
  const uint64_t n = 1'000'000'000'000;
  EXPECT_LT(BinomialTestTwoSided(n / 2 + 1'000'000'000, n, 0.5), 1e-100);
  EXPECT_GT(BinomialTestTwoSided(n / 2 + 1, n, 0.5), 0.99);
}

TEST(ExactMultinomialTest, HandComputed) {
  // 2 trials over 3 equal shares: (2,0,0)-type outcomes have 1/9 each, (1,1,0)-type 2/9.
  Result<FitTest> t = ExactMultinomialTest(Counts{2, 0, 0}, Shares{1. / 3, 1. / 3, 1. / 3});
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(t->p_value, 1.0 / 3, 1e-12);
  EXPECT_NEAR(t->statistic, 1.0 / 9, 1e-12);
  EXPECT_EQ(t->method, "exact-multinomial");
  Result<FitTest> u = ExactMultinomialTest(Counts{1, 1, 0}, Shares{1. / 3, 1. / 3, 1. / 3});
  ASSERT_TRUE(u.ok());
  EXPECT_NEAR(u->p_value, 1.0, 1e-12);
}

TEST(ExactMultinomialTest, TwoCategoriesIsTheBinomialTest) {
  Result<FitTest> t = ExactMultinomialTest(Counts{682, 243}, Shares{0.75, 0.25});
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(t->p_value, 0.3825, 5e-5);  // R binom.test(682, 925, p = 0.75)
  EXPECT_NEAR(t->p_value, BinomialTestTwoSided(682, 925, 0.75), 1e-9);
}

TEST(ExactMultinomialTest, RefusesTooManyOutcomes) {
  Result<FitTest> t = ExactMultinomialTest(Counts{500, 500, 500}, Shares{0.3, 0.3, 0.4}, 1000);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "exact multinomial test: more than 1000 outcomes");
}

TEST(GoodnessOfFitTest, PicksTheMethod) {
  // Expected counts 500/500: Pearson.
  Result<FitTest> big = GoodnessOfFit(Counts{520, 480}, Shares{0.5, 0.5});
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->method, "pearson");
  EXPECT_EQ(big->note, "");
  // Expected 2/2/2: exact, and the p-value is the enumeration's.
  Result<FitTest> small = GoodnessOfFit(Counts{6, 0, 0}, Shares{1. / 3, 1. / 3, 1. / 3});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->method, "exact-multinomial");
  // 6 trials, 3 equal shares: P(all in one) = 3/729, and the next least likely outcomes are
  // (5,1,0)-type, 6·6/729 — more likely than observed, so p = 3/729.
  EXPECT_NEAR(small->p_value, 3.0 / 729, 1e-12);
  // One expected count of 1e-3·3e6 = 3000 > 5, the other 2.7 < 5, over 3 categories the
  // outcomes are C(3e6 + 2, 2) ~ 4.5e12: too many, so Pearson with a note.
  Result<FitTest> huge =
      GoodnessOfFit(Counts{2'999'000, 997, 3}, Shares{1 - 1.0009e-3, 1e-3, 9e-7});
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->method, "pearson");
  EXPECT_NE(huge->note, "");
}

// |got / want - 1|.
double RelErr(double got, double want) { return std::fabs(got / want - 1); }

// Issue 11 items 4 and 5: every statistic and p-value within 1e-9 relative of the exact value.
// Exact values from tests/stats/reference_values.py: G = 2 sum O ln(O/E) and X^2 in 80-digit
// decimal arithmetic (X^2 as an exact rational), p from erfc / exp of the chi-square tail.
TEST(FitPrecisionTest, GTestNearTheExpectedCountsKeepsFullPrecision) {
  // 500001 / 499999 against 1:1: G = 4.000000000003e-6 (the sum of O ln(O/E) gave 4.000111e-6).
  Result<FitTest> g = GTest(Counts{500001, 499999}, Shares{0.5, 0.5});
  ASSERT_TRUE(g.ok());
  EXPECT_LT(RelErr(g->statistic, 4.00000000000266666667e-6), 1e-12);
  EXPECT_LT(RelErr(g->p_value, 9.98404231942239180129e-1), 1e-12);
  // N = 1e10, as through `merge`: 5e9 + 1 / 5e9 - 1.
  const uint64_t half = 5'000'000'000;
  Result<FitTest> big = GTest(Counts{half + 1, half - 1}, Shares{0.5, 0.5});
  ASSERT_TRUE(big.ok());
  EXPECT_LT(RelErr(big->statistic, 4.00000000000000000003e-10), 1e-12);
  EXPECT_LT(RelErr(big->p_value, 9.99984042308785006539e-1), 1e-12);
  Result<FitTest> x2 = PearsonChiSquare(Counts{half + 1, half - 1}, Shares{0.5, 0.5});
  ASSERT_TRUE(x2.ok());
  EXPECT_LT(RelErr(x2->statistic, 4e-10), 1e-12);
  EXPECT_LT(RelErr(x2->p_value, 9.99984042308785006539e-1), 1e-12);
}

TEST(FitPrecisionTest, PValuesMatchExactValues) {
  Result<FitTest> tiny = PearsonChiSquare(Counts{1000, 0}, Shares{0.5, 0.5});
  ASSERT_TRUE(tiny.ok());
  EXPECT_LT(RelErr(tiny->p_value, 1.79583278480072619459e-219), 1e-9);
  Result<FitTest> rice = GTest(Counts{772, 1611, 737}, Shares{0.25, 0.5, 0.25});
  ASSERT_TRUE(rice.ok());
  EXPECT_LT(RelErr(rice->statistic, 4.14707833150671722305e+0), 1e-12);
  EXPECT_LT(RelErr(rice->p_value, 1.25739978658637396459e-1), 1e-12);
  Result<FitTest> peas =
      PearsonChiSquare(Counts{315, 108, 101, 32}, Shares{9. / 16, 3. / 16, 3. / 16, 1. / 16});
  ASSERT_TRUE(peas.ok());
  EXPECT_LT(RelErr(peas->statistic, 196.0 / 417), 1e-12);  // X^2 = 196/417 exactly
  EXPECT_LT(RelErr(peas->p_value, 9.25425895103615967387e-1), 1e-12);
}

TEST(FitPrecisionTest, BinomialTestMatchesExactRationals) {
  // Exact rational sums of the binomial probabilities no more likely than the observed one.
  EXPECT_LT(RelErr(BinomialTestTwoSided(682, 925, 0.75), 3.82491559574851681318e-1), 1e-12);
  EXPECT_LT(RelErr(BinomialTestTwoSided(243, 925, 0.25), 3.82491559574851681318e-1), 1e-12);
  EXPECT_LT(RelErr(BinomialTestTwoSided(2, 10, 0.5), 0.109375), 1e-14);
  EXPECT_LT(RelErr(BinomialTestTwoSided(0, 3, 0.3), 0.559), 1e-14);
}

}  // namespace
}  // namespace meshverify::stats
