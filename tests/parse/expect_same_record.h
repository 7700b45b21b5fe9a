#pragma once
// ExpectSameRecord: every field of two ProbeRecords equal, doubles bit for bit (the record
// parsers' tests compare the fast paths against the DOM parser with it).
#include <gtest/gtest.h>

#include <cstring>

#include "meshverify/model.h"

namespace meshverify::testing {

inline bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

inline void ExpectSameRecord(const ProbeRecord& a, const ProbeRecord& b) {
  EXPECT_EQ(a.source_cluster, b.source_cluster);
  EXPECT_EQ(a.source_pod, b.source_pod);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.http_code, b.http_code);
  EXPECT_EQ(a.curl_exit, b.curl_exit);
  EXPECT_TRUE(SameBits(a.connect_ms, b.connect_ms)) << a.connect_ms << " vs " << b.connect_ms;
  EXPECT_TRUE(SameBits(a.total_ms, b.total_ms)) << a.total_ms << " vs " << b.total_ms;
  EXPECT_EQ(a.new_connection, b.new_connection);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.error, b.error);
  EXPECT_TRUE(SameBits(a.intended_ms, b.intended_ms));
  EXPECT_TRUE(SameBits(a.sent_ms, b.sent_ms));
  EXPECT_EQ(a.late, b.late);
  EXPECT_EQ(a.connection, b.connection);
  EXPECT_EQ(a.peer, b.peer);
}

}  // namespace meshverify::testing
