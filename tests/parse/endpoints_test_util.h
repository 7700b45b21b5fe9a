#pragma once
// Test helpers for the endpoint-view parsers: read a test data file, and compare endpoints.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "meshverify/endpoints.h"

namespace meshverify::testing_endpoints {

inline std::string ReadTestData(const std::string& relative) {
  std::ifstream in(std::string(MESHVERIFY_TEST_DATA) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A file of ../shared/fixtures (MESHVERIFY_FIXTURES), e.g. "realworld/<name>.txt".
inline std::string ReadFixture(const std::string& relative) {
  std::ifstream in(std::string(MESHVERIFY_FIXTURES) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fields every format carries, for checking a parsed list row by row.
struct Row {
  std::string address;
  uint32_t port;
  std::string health;
  bool outlier;
  std::string envoy_cluster;
};

inline void ExpectRows(const std::vector<Endpoint>& got, const std::vector<Row>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_EQ(got[i].address, want[i].address);
    EXPECT_EQ(got[i].port, want[i].port);
    EXPECT_EQ(HealthStatusName(got[i].health), want[i].health);
    EXPECT_EQ(got[i].outlier_ejected, want[i].outlier);
    EXPECT_EQ(got[i].envoy_cluster, want[i].envoy_cluster);
  }
}

}  // namespace meshverify::testing_endpoints
