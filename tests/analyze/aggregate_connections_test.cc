// Aggregator::AddConnection: the per-connection picture, per source and bounded.
#include <gtest/gtest.h>

#include "meshverify/aggregate.h"

namespace meshverify {
namespace {

TEST(ConnectionsTest, TheAggregatorKeepsThemPerSourceAndBounded) {
  Aggregator agg;
  for (uint64_t c = 1; c <= SourceCounts::kMaxConnections + 5; ++c) {
    agg.AddOk("cluster1", "sleep-1", "cluster2", "v2", "hw", 1.0);
    agg.AddConnection("cluster1", "sleep-1", c, "hw");
  }
  agg.AddConnection("cluster1", "sleep-1", 0, "hw");  // unknown: not listed
  agg.AddConnection("cluster1", "sleep-1", 1, "hw");
  const SourceCounts& s = agg.sources()[0];
  EXPECT_EQ(s.by_connection.size(), SourceCounts::kMaxConnections);
  EXPECT_EQ(s.by_connection.at(1).at("hw"), 2u);
  SourceCounts pooled;
  AddCounts(s, &pooled);  // another source (the total): ids of different sources never mix
  EXPECT_TRUE(pooled.by_connection.empty());
}

}  // namespace
}  // namespace meshverify
