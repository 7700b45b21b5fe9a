#include "load/windows.h"

#include <gtest/gtest.h>

namespace meshverify::load::internal {
namespace {

ProbeRecord Ok(uint64_t seq, double t, const std::string& version, double total_ms = 1) {
  ProbeRecord r;
  r.seq = seq;
  r.intended_ms = t;
  r.sent_ms = t;
  r.http_code = 200;
  r.total_ms = total_ms;
  r.body = "Hello version: " + version + ", instance: helloworld-" + version + "-abc\n";
  return r;
}

class SourceWindowsTest : public ::testing::Test {
 protected:
  ReplyParser parser_ = *ReplyParser::Create();
  std::map<std::string, std::string> clusters_ = {{"helloworld-v1-abc", "cluster1"},
                                                  {"helloworld-v2-abc", "cluster2"}};
};

uint64_t SumErrors(const WindowCounts& w) {
  uint64_t n = 0;
  for (const auto& [k, v] : w.errors) n += v;
  return n;
}

TEST_F(SourceWindowsTest, EveryRequestIsCountedOnceAndWindowsAddUp) {
  SourceWindows sw(0, 1000, 0, parser_, clusters_);
  std::vector<WindowCounts> closed;
  for (uint64_t i = 0; i < 500; ++i) {
    ProbeRecord r = Ok(i, 10.0 * i, i % 2 ? "v1" : "v2");
    if (i % 7 == 0) r.http_code = 503;
    if (i % 11 == 0) r.curl_exit = 28, r.http_code = 0;
    if (i % 13 == 0) r.body = "garbage";
    if (i % 17 == 0) r.late = true;
    sw.Add(r, -1);
    for (WindowCounts& w : sw.TakeClosed()) closed.push_back(std::move(w));
  }
  for (WindowCounts& w : sw.TakeRest(5000)) closed.push_back(std::move(w));
  ASSERT_EQ(closed.size(), 5u);
  uint64_t total = 0, late = 0;
  for (size_t k = 0; k < closed.size(); ++k) {
    const WindowCounts& w = closed[k];
    EXPECT_EQ(w.index, k);
    EXPECT_EQ(w.requests, 100u);  // 10 ms apart, 1 s windows
    EXPECT_EQ(w.requests, w.ok + SumErrors(w)) << k;
    uint64_t dest = 0;
    for (const auto& [c, n] : w.by_cluster) dest += n;
    EXPECT_EQ(dest, w.ok);
    total += w.requests;
    late += w.late;
  }
  EXPECT_EQ(total, 500u);
  EXPECT_EQ(late, 30u);  // multiples of 17 below 500
  EXPECT_GT(closed[0].errors.at("timeout"), 0u);
  EXPECT_GT(closed[0].errors.at("http_5xx"), 0u);
  EXPECT_GT(closed[0].errors.at("unparsed"), 0u);
  EXPECT_EQ(closed[0].by_instance.at("helloworld-v1-abc").cluster, "cluster1");
}

TEST_F(SourceWindowsTest, ManyInstancesKeepTheirClusterPastTheLookupCache) {
  // 10,000 distinct instance names (more than the instance -> cluster cache holds), one of
  // them mapped: every answer of it is counted to cluster1, the rest to unknown.
  SourceWindows sw(0, 1e9, 0, parser_, clusters_);
  for (uint64_t i = 0; i < 20000; ++i) {
    ProbeRecord r = Ok(i, 0, "v1");
    if (i % 2 == 1) r.body = "Hello version: v1, instance: pod-" + std::to_string(i / 2) + "\n";
    sw.Add(r, -1);
  }
  std::vector<WindowCounts> rest = sw.TakeRest(1);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].by_cluster.at("cluster1"), 10000u);
  EXPECT_EQ(rest[0].by_cluster.at("unknown"), 10000u);
  EXPECT_EQ(rest[0].by_instance.size(), 10001u);
  EXPECT_EQ(rest[0].by_instance.at("helloworld-v1-abc").cluster, "cluster1");
  EXPECT_EQ(rest[0].by_instance.at("pod-9999").cluster, "");
}

TEST_F(SourceWindowsTest, AWindowClosesOnlyWhenEveryEarlierRequestHasItsRecord) {
  SourceWindows sw(0, 1000, 0, parser_, clusters_);
  sw.Add(Ok(0, 100, "v1"), -1);
  sw.Add(Ok(2, 1100, "v1"), -1);  // seq 1 (sent at 900 ms) still in flight
  EXPECT_TRUE(sw.TakeClosed().empty());
  sw.Add(Ok(1, 900, "v2", 400), -1);
  std::vector<WindowCounts> closed = sw.TakeClosed();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].requests, 2u);
  EXPECT_EQ(closed[0].by_cluster.at("cluster2"), 1u);
  EXPECT_TRUE(sw.TakeClosed().empty());  // window 1 waits for a record past 2 s
  std::vector<WindowCounts> rest = sw.TakeRest(1500);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].end_ms, 1500);  // cut at the step's end
}

TEST_F(SourceWindowsTest, StalledWindowsComeOutEmptyAndLatencyCountsFromTheIntendedTime) {
  SourceWindows sw(3, 1000, 0, parser_, clusters_);
  ProbeRecord late = Ok(0, 0, "v1", 2);
  late.sent_ms = 2500;  // waited 2.5 s for a slot
  late.late = true;
  sw.Add(late, -1);
  sw.Add(Ok(1, 3200, "v1"), -1);
  std::vector<WindowCounts> closed = sw.TakeClosed();
  ASSERT_EQ(closed.size(), 3u);  // windows 0, 1 (empty), 2 (empty)
  EXPECT_EQ(closed[0].step, 3);
  EXPECT_EQ(closed[1].requests, 0u);
  EXPECT_EQ(closed[2].requests, 0u);
  EXPECT_EQ(closed[0].late, 1u);
  EXPECT_NEAR(closed[0].latency.at("cluster1").max(), 2502, 1e-9);
  EXPECT_NEAR(closed[0].send_latency.at("cluster1").max(), 2, 1e-9);
}

TEST_F(SourceWindowsTest, RecordsWithoutTimesUseTheirArrival) {
  SourceWindows sw(0, 1000, 0, parser_, clusters_);
  ProbeRecord r = Ok(0, -1, "v2");
  r.intended_ms = r.sent_ms = -1;
  sw.Add(r, 1700);
  std::vector<WindowCounts> rest = sw.TakeRest(2000);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[1].requests, 1u);
}

TEST(WindowCountsTest, MergeAndToWindowKeepAccountingAndFillAbsentDestinations) {
  WindowCounts a, b;
  a.requests = 10, a.ok = 8, a.errors["http_5xx"] = 2, a.by_cluster["cluster1"] = 8;
  a.by_version["v1"] = 8;
  a.latency["cluster1"].Add(3);
  b.requests = 5, b.ok = 5, b.by_cluster["cluster1"] = 5, b.by_version["v1"] = 5;
  b.latency["cluster1"].Add(5);
  a.Merge(b);
  a.end_ms = 1000;
  Window w = ToWindow(a, "all", "", false, 0.01, {"cluster1", "cluster2"}, {"v1"});
  EXPECT_EQ(w.requests, 15u);
  EXPECT_EQ(w.ok, 13u);
  EXPECT_EQ(w.by_cluster.at("cluster1").count, 13u);
  EXPECT_EQ(w.by_cluster.at("cluster2").count, 0u);
  EXPECT_EQ(w.by_cluster.at("cluster2").share, 0);
  EXPECT_GT(w.by_cluster.at("cluster2").ci_hi, 0);
  EXPECT_EQ(w.by_cluster.at("cluster1").ci_hi, 1);
  EXPECT_EQ(w.latency_ms.at("cluster1").count, 2u);
  EXPECT_DOUBLE_EQ(w.rate(), 15);
}

}  // namespace
}  // namespace meshverify::load::internal
