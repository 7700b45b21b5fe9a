// The cap on distinct names (SourceCounts::kMaxCategories): memory stays bounded whatever the
// answers are called, the most frequent names keep their rows, and no answer is lost.
#include <gtest/gtest.h>

#include <string>

#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"

namespace meshverify {
namespace {

constexpr size_t kN = SourceCounts::kMaxCategories;
const std::string kOther(kOtherCategory);

uint64_t InstanceSum(const SourceCounts& s) {
  uint64_t n = 0;
  for (const auto& [k, v] : s.by_instance) n += v.count;
  return n;
}

uint64_t Sum(const std::map<std::string, uint64_t>& m) {
  uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

TEST(CategoryCapTest, DistinctNamesStayBoundedAndEveryAnswerIsCounted) {
  Aggregator a;
  a.AddOkCount("c1", "sleep", "cluster1", "v1", "hw-a", 100);
  for (int i = 0; i < 20000; ++i) {
    const std::string n = std::to_string(i);
    a.AddOk("c1", "sleep", "cl-" + n, "v-" + n, "hw-" + n, 1.0);
  }
  ASSERT_EQ(a.sources().size(), 1u);
  const SourceCounts& s = a.sources()[0];
  EXPECT_EQ(s.ok, 20100u);
  EXPECT_LE(s.by_instance.size(), 2 * kN + 1);
  EXPECT_LE(s.by_version.size(), 2 * kN + 1);
  EXPECT_LE(s.by_cluster.size(), 2 * kN + 1);
  EXPECT_LE(s.latency_ms.size(), 2 * kN + 2);
  EXPECT_EQ(InstanceSum(s), 20100u);
  EXPECT_EQ(Sum(s.by_version), 20100u);
  EXPECT_EQ(Sum(s.by_cluster), 20100u);
  uint64_t latencies = 0;
  for (const auto& [k, h] : s.latency_ms) latencies += h.count();
  EXPECT_EQ(latencies, 20000u);
  ASSERT_EQ(s.by_instance.count("hw-a"), 1u);  // the frequent one keeps its row and count
  EXPECT_EQ(s.by_instance.at("hw-a").count, 100u);
  EXPECT_GT(s.by_instance.at(kOther).count, 0u);
}

TEST(CategoryCapTest, FoldKeepsTheMostFrequent) {
  SourceCounts s;
  uint64_t folded = 0;
  for (uint64_t i = 1; i <= 1500; ++i) {
    const std::string n = "hw-" + std::to_string(i);
    s.by_instance[n].Add(i, "cluster1", "v1");
    s.by_version["v" + std::to_string(i)] = i;
    s.ok += i;
    if (i <= 500) folded += i;
  }
  EXPECT_TRUE(NeedsFold(s));
  FoldCategories(&s);
  EXPECT_FALSE(NeedsFold(s));
  EXPECT_EQ(s.by_instance.size(), kN + 1);
  EXPECT_EQ(s.by_version.size(), kN + 1);
  EXPECT_EQ(s.by_instance.at(kOther).count, folded);
  EXPECT_EQ(s.by_version.at(kOther), folded);
  EXPECT_EQ(s.by_instance.count("hw-500"), 0u);
  EXPECT_EQ(s.by_instance.at("hw-501").count, 501u);
  EXPECT_EQ(InstanceSum(s), s.ok);
}

TEST(CategoryCapTest, ConnectionsListBoundedInstances) {
  Aggregator a;
  for (int i = 0; i < 5000; ++i) {
    a.AddOkCount("c1", "sleep", "cluster1", "v1", "hw-" + std::to_string(i), 1);
    a.AddConnection("c1", "sleep", 1, "hw-" + std::to_string(i));
  }
  const auto& by = a.sources()[0].by_connection.at(1);
  EXPECT_LE(by.size(), kN + 1);
  EXPECT_EQ(Sum(by), 5000u);
}

// The report lists at most kMaxCategories names plus the other row, and says so in a note
// (notes go into every format).
TEST(CategoryCapTest, ReportListsTheTopNamesAndNotesTheRest) {
  Aggregator a;
  a.AddOkCount("c1", "sleep", "", "v1", "hw-a", 50);
  for (int i = 0; i < 3000; ++i) a.AddOkCount("c1", "sleep", "", "v1", "x-" + std::to_string(i), 1);
  AnalyzeInput in;
  in.sources = a.sources();
  Report r = Analyze(in, GateOptions{});
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(r.sources[0].by_instance.size(), kN + 1);
  EXPECT_EQ(r.sources[0].by_instance.at("hw-a").count, 50u);
  uint64_t listed = 0;
  for (const auto& [k, v] : r.sources[0].by_instance) listed += v.count;
  EXPECT_EQ(listed, 3050u);
  bool noted = false;
  for (const std::string& n : r.notes) {
    noted = noted || (n.find("c1/sleep: more than 1000 distinct names") != std::string::npos &&
                      n.find("2001 answers of other instances (beyond the 1000 most "
                             "frequent) are counted as \"(other)\"") != std::string::npos);
  }
  EXPECT_TRUE(noted) << ::testing::PrintToString(r.notes);
}

}  // namespace
}  // namespace meshverify
