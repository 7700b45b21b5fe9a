#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "meshverify/config.h"

namespace meshverify {
namespace {

using Shares = std::map<std::string, double>;

TEST(ParseSharesTest, Parses) {
  struct Case {
    std::string text;
    Shares want;
  };
  const std::vector<Case> cases = {
      {"v1=0.5,v2=0.5", {{"v1", 0.5}, {"v2", 0.5}}},
      {"cluster1=0.25,cluster2=0.75", {{"cluster1", 0.25}, {"cluster2", 0.75}}},
      {" v1 = 0.5 , v2=0.5 ", {{"v1", 0.5}, {"v2", 0.5}}},
      {"v1=1", {{"v1", 1.0}}},
      {"v1=1,v2=0", {{"v1", 1.0}, {"v2", 0.0}}},
      {"a=0.3,b=0.3,c=0.4", {{"a", 0.3}, {"b", 0.3}, {"c", 0.4}}},
      // Sum 0.9999995 is within the 1e-6 tolerance of config.h; divided by it.
      {"v1=0.4999995,v2=0.5", {{"v1", 0.4999995 / 0.9999995}, {"v2", 0.5 / 0.9999995}}},
      {"helloworld-v1.x_y=.5,B=0.5", {{"helloworld-v1.x_y", 0.5}, {"B", 0.5}}},
  };
  for (const Case& c : cases) {
    Result<Shares> r = ParseShares(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    ASSERT_EQ(r->size(), c.want.size()) << c.text;
    for (const auto& [name, share] : c.want) {
      ASSERT_EQ(r->count(name), 1u) << c.text << ": " << name;
      EXPECT_DOUBLE_EQ(r->at(name), share) << c.text << ": " << name;
    }
  }
}

TEST(ParseSharesTest, Errors) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> errors = {
      {"", "--expect: empty share list (expected e.g. v1=0.5,v2=0.5)"},
      {"  ", "--expect: empty share list (expected e.g. v1=0.5,v2=0.5)"},
      {"v1=0.5,,v2=0.5", "--expect: empty entry (expected e.g. v1=0.5,v2=0.5)"},
      {"v1=0.5,v2=0.5,", "--expect: empty entry (expected e.g. v1=0.5,v2=0.5)"},
      {"v1:0.5,v2=0.5", "--expect: 'v1:0.5': expected name=share"},
      {"=0.5,v2=0.5", "--expect: '': bad name (letters, digits, '-', '_', '.')"},
      {"v 1=0.5,v2=0.5", "--expect: 'v 1': bad name (letters, digits, '-', '_', '.')"},
      {"v1=half,v2=0.5", "--expect: v1: bad share 'half'"},
      {"v1=,v2=1", "--expect: v1: bad share ''"},
      {"v1=0.5x,v2=0.5", "--expect: v1: bad share '0.5x'"},
      {"v1=nan,v2=0.5", "--expect: v1: bad share 'nan'"},
      {"v1=inf", "--expect: v1: bad share 'inf'"},
      {"v1=1.1,v2=-0.1", "--expect: v2: negative share -0.1"},
      {"v1=0.5,v1=0.5", "--expect: duplicate name v1"},
      {"v1=0.3,v2=0.6", "--expect: shares sum to 0.9, not 1"},
      {"v1=0.6,v2=0.6", "--expect: shares sum to 1.2, not 1"},
      {"v1=0,v2=0", "--expect: shares sum to 0, not 1"},
      {"v1=0.49999,v2=0.5", "--expect: shares sum to 0.99999, not 1"},
  };
  for (const Case& c : errors) {
    Result<Shares> r = ParseShares(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsInvalidInput()) << c.text;
    EXPECT_EQ(r.status().message(), c.message) << c.text;
  }
}

TEST(ParseSharesTest, ErrorsNameTheSource) {
  Result<Shares> r = ParseShares("v1=0.2", "mesh.yaml:7: expect");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "mesh.yaml:7: expect: shares sum to 0.2, not 1");
}

// Issue 11 item 7: accept what a person writes.
TEST(ParseShareListTest, FractionsWeightsAndRounding) {
  struct Case {
    std::string text;
    Shares want;
    std::string note;
  };
  const double third = 1.0 / 3;
  const std::vector<Case> cases = {
      // Fractions are exact: no note.
      {"v1=1/3,v2=1/3,v3=1/3", {{"v1", third}, {"v2", third}, {"v3", third}}, ""},
      {"v1=1/4, v2 = 3 / 4", {{"v1", 0.25}, {"v2", 0.75}}, ""},
      {"v1=1/3,v2=0.667", {{"v1", (1.0 / 3) / (1.0 / 3 + 0.667)}, {"v2", 0.667 / (1.0 / 3 + 0.667)}},
       "--expect: shares sum to 1.000333333 (rounded decimals), normalised to sum 1: "
       "v1=0.3332222592, v2=0.6667777408"},
      // Whole numbers are weights.
      {"v1=1,v2=1,v3=1", {{"v1", third}, {"v2", third}, {"v3", third}},
       "--expect: weights 1/1/1 normalised to shares: v1=0.3333333333, v2=0.3333333333, "
       "v3=0.3333333333"},
      {"v1=3,v2=1", {{"v1", 0.75}, {"v2", 0.25}},
       "--expect: weights 3/1 normalised to shares: v1=0.75, v2=0.25"},
      {"v1=50,v2=50", {{"v1", 0.5}, {"v2", 0.5}},
       "--expect: weights 50/50 normalised to shares: v1=0.5, v2=0.5"},
      {"v1=2,v2=0", {{"v1", 1.0}, {"v2", 0.0}},
       "--expect: weights 2/0 normalised to shares: v1=1, v2=0"},
      // Rounded decimals: the sum is off by less than rounding to the decimals written explains.
      {"v1=0.333333,v2=0.333333,v3=0.333333", {{"v1", third}, {"v2", third}, {"v3", third}},
       "--expect: shares sum to 0.999999 (rounded decimals), normalised to sum 1: "
       "v1=0.3333333333, v2=0.3333333333, v3=0.3333333333"},
      {"v1=0.33,v2=0.33,v3=0.33", {{"v1", third}, {"v2", third}, {"v3", third}},
       "--expect: shares sum to 0.99 (rounded decimals), normalised to sum 1: "
       "v1=0.3333333333, v2=0.3333333333, v3=0.3333333333"},
      {"a=0.167,b=0.167,c=0.167,d=0.167,e=0.167,f=0.167",
       {{"a", 1. / 6}, {"b", 1. / 6}, {"c", 1. / 6}, {"d", 1. / 6}, {"e", 1. / 6}, {"f", 1. / 6}},
       "--expect: shares sum to 1.002 (rounded decimals), normalised to sum 1: a=0.1666666667, "
       "b=0.1666666667, c=0.1666666667, d=0.1666666667, e=0.1666666667, f=0.1666666667"},
      // Exact decimals are taken as written.
      {"v1=0.5,v2=0.5", {{"v1", 0.5}, {"v2", 0.5}}, ""},
      {"v1=1", {{"v1", 1.0}}, ""},
  };
  for (const Case& c : cases) {
    Result<ShareList> r = ParseShareList(c.text, "--expect");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    ASSERT_EQ(r->shares.size(), c.want.size()) << c.text;
    double sum = 0;
    for (const auto& [name, share] : c.want) {
      ASSERT_EQ(r->shares.count(name), 1u) << c.text << ": " << name;
      EXPECT_NEAR(r->shares.at(name), share, 1e-15) << c.text << ": " << name;
      sum += r->shares.at(name);
    }
    EXPECT_NEAR(sum, 1.0, 1e-15) << c.text;
    EXPECT_EQ(r->note, c.note) << c.text;
  }
}

TEST(ParseShareListTest, RoundingThatCannotExplainTheSumIsRefused) {
  const std::vector<std::pair<std::string, std::string>> errors = {
      // One decimal each: off by at most 0.05 each, 0.1 in all; a sum of 0.9 is off by 0.1.
      {"v1=0.3,v2=0.6", "--expect: shares sum to 0.9, not 1"},
      {"v1=0.49,v2=0.5", "--expect: shares sum to 0.99, not 1"},
      {"v1=0.3333,v2=0.3333", "--expect: shares sum to 0.6666, not 1"},
      // Not all whole numbers, so not weights.
      {"v1=1.0,v2=1", "--expect: shares sum to 2, not 1"},
      {"v1=1/3,v2=1/3", "--expect: shares sum to 0.6666666667, not 1"},
      {"v1=0/0,v2=1", "--expect: v1: bad share '0/0'"},
      {"v1=1/,v2=1", "--expect: v1: bad share '1/'"},
      {"v1=-1/3,v2=1", "--expect: v1: negative share -1/3"},
      {"v1=0,v2=0", "--expect: shares sum to 0, not 1"},
      // Found by tests/fuzz/shares_fuzz.cc: two weights of 1e308 sum to infinity.
      {"v1=" + std::string(308, '9') + ",v2=" + std::string(308, '9'),
       "--expect: shares sum to more than a double holds"},
  };
  for (const auto& [text, message] : errors) {
    Result<ShareList> r = ParseShareList(text, "--expect");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().message(), message) << text;
  }
}

TEST(ParseDurationTest, Parses) {
  struct Case {
    std::string text;
    int64_t want_ms;
  };
  const std::vector<Case> cases = {
      {"5s", 5000},     {"250ms", 250}, {"2m", 120000},       {"1h", 3600000},
      {"5", 5000},      {"0.5", 500},   {"1.5s", 1500},       {"0", 0},
      {" 10s ", 10000}, {"0ms", 0},     {"300000ms", 300000},
  };
  for (const Case& c : cases) {
    Result<std::chrono::milliseconds> r = ParseDuration(c.text, "timeout");
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->count(), c.want_ms) << c.text;
  }
}

TEST(ParseDurationTest, Errors) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> errors = {
      {"", "--timeout: bad duration '' (expected e.g. 5s, 250ms, 2m)"},
      {"s", "--timeout: bad duration 's' (expected e.g. 5s, 250ms, 2m)"},
      {"five", "--timeout: bad duration 'five': unit must be ms, s, m or h"},
      {"5d", "--timeout: bad duration '5d': unit must be ms, s, m or h"},
      {"5 s", "--timeout: bad duration '5 s' (expected e.g. 5s, 250ms, 2m)"},
      {"-5s", "--timeout: negative duration '-5s'"},
      {"1e3s", "--timeout: bad duration '1e3s' (expected e.g. 5s, 250ms, 2m)"},
      {"99999h", "--timeout: duration '99999h' is too long"},
  };
  for (const Case& c : errors) {
    Result<std::chrono::milliseconds> r = ParseDuration(c.text, "--timeout");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsInvalidInput()) << c.text;
    EXPECT_EQ(r.status().message(), c.message) << c.text;
  }
}

}  // namespace
}  // namespace meshverify
