#include "analyze/seq_set.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>

namespace meshverify {
namespace {

TEST(SeqSetTest, InOrderIsOneRange) {
  SeqSet s;
  for (uint64_t i = 0; i < 1000; ++i) ASSERT_TRUE(s.Insert(i));
  EXPECT_EQ(s.ranges(), 1u);
  EXPECT_FALSE(s.Insert(0));
  EXPECT_FALSE(s.Insert(999));
  EXPECT_FALSE(s.Insert(500));
  EXPECT_EQ(s.ranges(), 1u);
}

TEST(SeqSetTest, GapsMergeWhenFilled) {
  SeqSet s;
  EXPECT_TRUE(s.Insert(10));
  EXPECT_TRUE(s.Insert(12));
  EXPECT_TRUE(s.Insert(14));
  EXPECT_EQ(s.ranges(), 3u);
  EXPECT_TRUE(s.Insert(11));  // 10..12
  EXPECT_EQ(s.ranges(), 2u);
  EXPECT_TRUE(s.Insert(13));  // 10..14
  EXPECT_EQ(s.ranges(), 1u);
  EXPECT_TRUE(s.Insert(9));  // grows downwards
  EXPECT_TRUE(s.Insert(0));
  EXPECT_EQ(s.ranges(), 2u);
  for (uint64_t i : {0, 9, 10, 11, 12, 13, 14}) EXPECT_FALSE(s.Insert(i)) << i;
  EXPECT_TRUE(s.Insert(15));
  EXPECT_EQ(s.ranges(), 2u);
}

TEST(SeqSetTest, ExtremesDoNotOverflow) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  SeqSet s;
  EXPECT_TRUE(s.Insert(kMax - 1));
  EXPECT_TRUE(s.Insert(kMax));
  EXPECT_EQ(s.ranges(), 1u);
  EXPECT_FALSE(s.Insert(kMax));
  EXPECT_TRUE(s.Insert(0));
  EXPECT_FALSE(s.Insert(0));
  EXPECT_TRUE(s.Insert(kMax - 2));
  EXPECT_EQ(s.ranges(), 2u);
}

// Against std::set on random inserts: same answers, and ranges() is the number of runs.
TEST(SeqSetTest, AgreesWithASet) {
  std::mt19937_64 rng(7);
  SeqSet s;
  std::set<uint64_t> want;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = rng() % 3000;
    ASSERT_EQ(s.Insert(v), want.insert(v).second) << v;
  }
  size_t runs = 0;
  uint64_t prev = 0;
  for (auto it = want.begin(); it != want.end(); ++it) {
    if (it == want.begin() || *it != prev + 1) ++runs;
    prev = *it;
  }
  EXPECT_EQ(s.ranges(), runs);
}

}  // namespace
}  // namespace meshverify
