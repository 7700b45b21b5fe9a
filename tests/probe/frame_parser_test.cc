#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

constexpr char kM[] = "mv:";

struct Collected {
  std::vector<ProbeRecord> records;
  FrameParser::Sink Sink() {
    return [this](ProbeRecord&& r) { records.push_back(std::move(r)); };
  }
};

ExecTarget Source() { return {"cluster1", "kind-cluster1", "", "sample", "sleep-abc", "sleep"}; }

// Feeds `text` split every `step` bytes.
void FeedSplit(FrameParser& p, const std::string& text, size_t step) {
  for (size_t i = 0; i < text.size(); i += step) p.Feed(std::string_view(text).substr(i, step));
}

// A block of 3 requests: completions out of order, multi-line bodies holding the marker and
// an "E" line, an empty body and a failed request without a body file.
const std::string kBody0 = "Hello version: v1, instance: hw-1\nmv: E\nmv: S 9 10\n";
const std::string kBody2 = "Hello version: v2, instance: hw-2";
std::string Block() {
  return std::string("mv: S 0 4\n") +
         "mv: W 0000000002 200 0 0.000000 0.002500 0 33\n"
         "mv: W 0000000003 000 7 0.000000 0.000100 0 0\n"
         "mv: W 0000000000 200 0 0.000410 0.001200 1 51\n"
         "mv: W 0000000001 503 0 0.000000 0.000900 0 0\n"
         "mv: C 7\n"
         "     51 0000000000\n"
         "     33 0000000002\n"
         "     84 total\n"
         "mv: B\n" +
         kBody0 + kBody2 + "mv: E\n";
}

TEST(FrameParserTest, ReadsInterleavedCompletionsAndBodiesHoldingTheMarker) {
  for (size_t step : {1, 2, 5, 17, 4096}) {
    Collected c;
    FrameParser p(kM, Source(), 1 << 16, c.Sink());
    FeedSplit(p, Block(), step);
    ASSERT_TRUE(p.ok()) << p.error() << " step " << step;
    EXPECT_FALSE(p.in_block());
    ASSERT_EQ(c.records.size(), 4u) << "step " << step;
    for (uint64_t i = 0; i < 4; ++i) EXPECT_EQ(c.records[i].seq, i);
    EXPECT_EQ(c.records[0].body, kBody0);
    EXPECT_EQ(c.records[0].http_code, 200);
    EXPECT_TRUE(c.records[0].new_connection);
    EXPECT_DOUBLE_EQ(c.records[0].connect_ms, 0.41);
    EXPECT_DOUBLE_EQ(c.records[0].total_ms, 1.2);
    EXPECT_EQ(c.records[1].http_code, 503);
    EXPECT_EQ(c.records[1].body, "");
    EXPECT_EQ(c.records[2].body, kBody2);
    EXPECT_FALSE(c.records[2].new_connection);
    EXPECT_EQ(c.records[3].curl_exit, 7);
    EXPECT_EQ(c.records[3].source_pod, "sleep-abc");
    EXPECT_EQ(c.records[3].source_cluster, "cluster1");
  }
}

TEST(FrameParserTest, RequestsCurlDidNotReportBecomeLostRecords) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed("mv: S 5 7\nmv: W 0000000006 200 0 0 0.001 1 0\nmv: C 2\nmv: B\nmv: E\n");
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].seq, 5u);
  EXPECT_EQ(c.records[0].http_code, 0);
  EXPECT_EQ(c.records[0].error, "curl reported no result (curl exit 2)");
  EXPECT_EQ(c.records[1].seq, 6u);
  EXPECT_TRUE(c.records[1].error.empty());
}

TEST(FrameParserTest, TruncatedStreamEmitsNothingOfTheOpenBlock) {
  std::string text = Block();
  // Cut inside the bodies: the block never ends.
  std::string cut = text.substr(0, text.size() - 20);
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed(Block());  // one whole block first
  p.Feed("mv: S 4 8\n");
  p.Feed(cut.substr(std::string("mv: S 0 4\n").size()));
  EXPECT_EQ(c.records.size(), 4u);
  EXPECT_EQ(p.emitted(), 4u);
  EXPECT_TRUE(p.in_block());
  EXPECT_EQ(p.block_first(), 4u);
  EXPECT_EQ(p.block_end(), 8u);
}

TEST(FrameParserTest, CutsLongBodiesButKeepsTheFraming) {
  Collected c;
  FrameParser p(kM, Source(), 4, c.Sink());
  p.Feed("mv: S 0 2\nmv: W 0 200 0 0 0 1 10\nmv: W 1 200 0 0 0 0 3\nmv: C 0\n10 0\n3 1\nmv: B\n");
  p.Feed("0123456789abc");
  p.Feed("mv: E\n");
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].body, "0123");
  EXPECT_EQ(c.records[1].body, "abc");
}

TEST(FrameParserTest, GarbageFailsAndStopsParsing) {
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"hello\n", "line 1: unexpected output: 'hello'"},
      {"mv: W 0 200 0 0 0 1 1\n", "line 1: unexpected 'W' line"},
      {"mv: S 3 3\n", "line 1: bad block start"},
      {"mv: S 0 2\nmv: W 0000000009 200 0 0 0 1 1\n", "line 2: result for unexpected request 9"},
      {"mv: S 0 2\nmv: W 1 200 0 0 0 1 1\nmv: W 1 200 0 0 0 1 1\n",
       "line 3: result for unexpected request 1"},
      {"mv: S 0 2\nmv: W 1 2x0 0 0 0 1 1\n", "line 2: bad result line"},
      {"mv: S 0 2\nmv: C 0\n5 /etc/passwd\n", "line 3: wc lists an unexpected file '/etc/passwd'"},
      {"mv: S 0 2\nmv: C 0\nmv: B\nmv: B\n", "line 4: unexpected 'B' line"},
  };
  for (const Case& k : cases) {
    Collected c;
    FrameParser p(kM, Source(), 1 << 16, c.Sink());
    p.Feed(k.text);
    p.Feed(Block());  // ignored after the failure
    EXPECT_FALSE(p.ok()) << k.text;
    EXPECT_EQ(p.error(), k.error) << k.text;
    EXPECT_TRUE(c.records.empty()) << k.text;
  }
}

}  // namespace
}  // namespace meshverify::probe
