// Counters: the std::map interface over a sorted flat vector (model.h).
#include <gtest/gtest.h>

#include <stdexcept>

#include "meshverify/model.h"

namespace meshverify {
namespace {

std::vector<std::string> Names(const Counters& c) {
  std::vector<std::string> names;
  for (const auto& [name, value] : c) names.push_back(name);
  return names;
}

TEST(CountersTest, KeepsNamesSortedWhateverTheInsertionOrder) {
  Counters c;
  c["rq_total"] = 3;
  c["cx_active"] = 1;  // gauges follow the counters in istioctl's list
  c["rq_error"] = 2;
  c["cx_total"] = 4;
  EXPECT_EQ(Names(c), (std::vector<std::string>{"cx_active", "cx_total", "rq_error", "rq_total"}));
  EXPECT_EQ(c.at("rq_error"), 2u);
  EXPECT_EQ(c.size(), 4u);
}

TEST(CountersTest, ALaterValueReplacesAnEarlierOne) {
  Counters c;
  c["rq_total"] = 3;
  c["rq_total"] = 9;
  c["cx_total"] = 1;
  c["cx_total"] = 2;
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.at("rq_total"), 9u);
  EXPECT_EQ(c.at("cx_total"), 2u);
  EXPECT_EQ(c, (Counters{{"cx_total", 2}, {"rq_total", 9}}));
}

TEST(CountersTest, MissingNamesAreAbsentNotZero) {
  Counters c{{"rq_total", 0}};
  EXPECT_EQ(c.count("rq_total"), 1u);
  EXPECT_EQ(c.count("rq_error"), 0u);
  EXPECT_EQ(c.count(""), 0u);
  EXPECT_THROW(c.at("rq_error"), std::out_of_range);
  EXPECT_TRUE(Counters().empty());
  EXPECT_FALSE(c.empty());
}

TEST(CountersTest, EqualityComparesNamesAndValues) {
  EXPECT_EQ((Counters{{"a", 1}, {"b", 2}}), (Counters{{"b", 2}, {"a", 1}}));
  EXPECT_NE((Counters{{"a", 1}}), (Counters{{"a", 2}}));
  EXPECT_NE((Counters{{"a", 1}}), (Counters{{"b", 1}}));
  EXPECT_NE((Counters{{"a", 1}}), (Counters{{"a", 1}, {"b", 0}}));
}

}  // namespace
}  // namespace meshverify
