#include "meshverify/format.h"

#include <gtest/gtest.h>

#include <clocale>
#include <limits>
#include <string>

namespace meshverify {
namespace {

TEST(FixedTest, ExactDigitsNoNegativeZeroNoLocale) {
  const char* old = std::setlocale(LC_ALL, nullptr);
  std::string saved = old ? old : "C";
  std::setlocale(LC_ALL, "de_DE.UTF-8");  // a decimal comma, when the locale is installed
  EXPECT_EQ(Fixed(0.5, 3), "0.500");
  EXPECT_EQ(Fixed(1234.5678, 2), "1234.57");
  std::setlocale(LC_ALL, saved.c_str());
  EXPECT_EQ(Fixed(-0.0004, 3), "0.000");
  EXPECT_EQ(Fixed(-1.5, 1), "-1.5");
  EXPECT_EQ(Fixed(7.0, 0), "7");
  EXPECT_EQ(Fixed(std::numeric_limits<double>::quiet_NaN(), 2), "n/a");
  EXPECT_EQ(Fixed(std::numeric_limits<double>::infinity(), 2), "n/a");
}

// One precision for every percentage a report shows (check details and renderers alike).
TEST(PercentTest, OneDecimalEverywhere) {
  EXPECT_EQ(Percent(0.5), "50.0%");
  EXPECT_EQ(Percent(0.123), "12.3%");
  EXPECT_EQ(Percent(0.005), "0.5%");
  EXPECT_EQ(Percent(0), "0.0%");
  EXPECT_EQ(Percent(1), "100.0%");
  EXPECT_EQ(Percent(std::numeric_limits<double>::quiet_NaN()), "n/a");
}

}  // namespace
}  // namespace meshverify
