#include <gtest/gtest.h>

#include <algorithm>
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

ProbeSource Source() { return {"cluster1", "sleep-abc", "kind-cluster1", "", "sample", "sleep"}; }

// Feeds `text` split every `step` bytes.
void FeedSplit(FrameParser& p, const std::string& text, size_t step) {
  for (size_t i = 0; i < text.size(); i += step) p.Feed(std::string_view(text).substr(i, step));
}

// Requests 0-3 shared by 2 curls (stride 2). Curl 1 (requests 1 and 3: a 503 with an empty
// body, then a failed connect) reports before curl 0 (requests 0 and 2: multi-line bodies that
// hold framing-like lines of other markers and a marker cut short), whose output comes in two
// pieces cut inside a body.
const std::string kBody0 = "Hello version: v1, instance: hw-1\nmv E\nmeshverify-probe: S 9 10\nmv";
const std::string kBody2 = "Hello version: v2, instance: hw-2";
const std::string kCurl0 = kBody0 + "mv: W 0 200 0 0.000410 0.001200 1 " +
                           std::to_string(kBody0.size()) + "\n" + kBody2 +
                           "mv: W 1 200 0 0.000000 0.002500 0 33\n";
const std::string kCurl1 =
    "mv: W 0 503 0 0.000000 0.000900 0 0\nmv: W 1 000 7 0.000000 0.000100 0 0\n";

std::string Piece(int curl, const std::string& bytes) {
  return "mv: D " + std::to_string(curl) + " " + std::to_string(bytes.size()) + "\n" + bytes;
}

std::string Block() {
  return "mv: S 0 4\nmv: F 0 0 2\nmv: F 1 1 2\n" + Piece(1, kCurl1) +
         Piece(0, kCurl0.substr(0, 20)) + Piece(0, kCurl0.substr(20)) +
         "mv: C 0 0\nmv: C 1 7\nmv: E\n";
}

TEST(FrameParserTest, ReadsEachCurlsBodiesAndResultsWhateverTheBodiesHold) {
  for (size_t step : {1, 2, 3, 5, 17, 4096}) {
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
    EXPECT_TRUE(c.records[3].error.empty());
    EXPECT_EQ(p.emitted(), 4u);
    EXPECT_EQ(p.next_seq(), 4u);
  }
}

TEST(FrameParserTest, HeartbeatsInsideABlockAreSkipped) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  std::string block = Block();
  block.insert(block.find("mv: C 0"), "mv: H\n");
  block.insert(block.find("mv: F 0"), "mv: H\n");
  FeedSplit(p, block, 3);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(c.records.size(), 4u);
  FrameParser outside(kM, Source(), 1 << 16, c.Sink());
  outside.Feed("mv: H\n");
  EXPECT_EQ(outside.error(), "byte 0: unexpected 'H' line");
  FrameParser with_words(kM, Source(), 1 << 16, c.Sink());
  with_words.Feed("mv: S 0 4\nmv: H 1\n");
  EXPECT_FALSE(with_words.ok());
}

TEST(FrameParserTest, HoldsResultsBackUntilEveryEarlierRequestHasOne) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed("mv: S 0 4\nmv: F 0 0 2\nmv: F 1 1 2\n" + Piece(1, kCurl1));
  EXPECT_TRUE(c.records.empty());  // requests 1 and 3 wait for 0
  EXPECT_EQ(p.next_seq(), 0u);
  p.Feed(Piece(0, kCurl0.substr(0, kCurl0.find('\n', kBody0.size()) + 1)));
  ASSERT_EQ(c.records.size(), 2u);  // 0, then the held 1; 3 still waits for 2
  EXPECT_EQ(c.records[1].seq, 1u);
  EXPECT_EQ(p.next_seq(), 2u);
  EXPECT_TRUE(p.ok()) << p.error();
}

TEST(FrameParserTest, RequestsCurlDidNotReportBecomeLostRecords) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  // Curl 0 (request 5) was cut inside a body and exited 2; curl 1's request 6 came back.
  p.Feed("mv: S 5 7\nmv: F 0 5 2\nmv: F 1 6 2\n" + Piece(0, "Hello, parti") + "mv: C 0 2\n");
  p.Feed(Piece(1, "mv: W 0 200 0 0 0.001 1 0\n") + "mv: C 1 0\nmv: E\n");
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].seq, 5u);
  EXPECT_EQ(c.records[0].http_code, 0);
  EXPECT_EQ(c.records[0].curl_exit, 2);
  EXPECT_EQ(c.records[0].error, "curl reported no result (curl exit 2)");
  EXPECT_EQ(c.records[1].seq, 6u);
  EXPECT_TRUE(c.records[1].error.empty());
}

// 4 curls over requests 0-7; results for 0, 1, 2 and 5 arrived, then the stream stopped.
std::string Unfinished() {
  std::string w = "mv: W 0 200 0 0 0 1 0\n", w1 = "mv: W 1 200 0 0 0 0 0\n";
  return "mv: S 0 8\nmv: F 0 0 4\nmv: F 1 1 4\nmv: F 2 2 4\nmv: F 3 3 4\n" + Piece(0, w) +
         Piece(1, w + w1) + Piece(2, w);
}

TEST(FrameParserTest, StopEmitsHeldResultsAndLosesWhatWasInFlight) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed(Unfinished());
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p.in_block());
  EXPECT_EQ(c.records.size(), 3u);
  // In flight: 3 (curl 3), 4 (curl 0), 6 (curl 2); curl 1 was done sending; 7 never went out.
  EXPECT_EQ(p.Stop("deadline reached"), 4u);
  ASSERT_EQ(c.records.size(), 7u);
  for (uint64_t i = 0; i < 7; ++i) EXPECT_EQ(c.records[i].seq, i);
  EXPECT_EQ(c.records[3].error, "deadline reached");
  EXPECT_EQ(c.records[4].error, "deadline reached");
  EXPECT_TRUE(c.records[5].error.empty());
  EXPECT_EQ(c.records[6].error, "deadline reached");
  EXPECT_FALSE(p.in_block());
  EXPECT_EQ(p.Stop("again"), 0u);
}

TEST(FrameParserTest, StopWithoutAReasonEmitsOnlyWhatCameBack) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed(Unfinished());
  EXPECT_EQ(p.Stop(""), 1u);
  ASSERT_EQ(c.records.size(), 4u);
  EXPECT_EQ(c.records[3].seq, 5u);
}

TEST(FrameParserTest, CutsLongBodiesButKeepsTheFraming) {
  Collected c;
  FrameParser p(kM, Source(), 4, c.Sink());
  p.Feed("mv: S 0 2\nmv: F 0 0 1\n" + Piece(0, "0123456"));
  p.Feed(Piece(0, "789mv: W 0 200 0 0 0 1 10\nabcmv: W 1 200 0 0 0 0 3\n") + "mv: C 0 0\n");
  p.Feed("mv: E\n");
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].body, "0123");
  EXPECT_EQ(c.records[1].body, "abc");
}

TEST(FrameParserTest, GarbageFailsAndStopsParsing) {
  const std::string start = "mv: S 0 2\nmv: F 0 0 1\n";  // 22 bytes
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"hello\n", "byte 0: expected a framing line"},
      {"mv:S 0 2\n", "byte 0: expected a framing line"},
      {"mv:\n", "byte 0: expected a framing line"},
      {"\n", "byte 0: expected a framing line"},
      {"mv: W 0 200 0 0 0 1 1\n", "byte 0: unexpected 'W' line"},
      {"mv: S 3 3\n", "byte 0: bad block start"},
      {"mv: S 0 2\nhi", "byte 10: expected a framing line"},
      {"mv: S 0 2\nmv: F 1 0 1\n", "byte 10: bad curl start"},
      {"mv: S 0 2\nmv: F 0 2 1\n", "byte 10: bad curl start"},
      {"mv: S 0 2\nmv: F 0 0 0\n", "byte 10: bad curl start"},
      {"mv: S 0 2\nmv: F 0 1 2\n", "byte 10: bad curl start"},
      {"mv: S 0 4\nmv: F 0 0 1\nmv: F 1 1 1\n", "byte 22: bad curl start"},
      {"mv: S 0 4\nmv: F 0 0 2\nmv: F 1 1 3\n", "byte 22: bad curl start"},
      {start + "mv: D 1 5\n", "byte 22: no running curl 1"},
      {start + "mv: D 0 x\n", "byte 22: bad data length"},
      {start + "mv: C 0 0\nmv: C 0 0\n", "byte 32: no running curl 0"},
      {start + "mv: E\n", "byte 22: block ended before curl 0"},
      {start + Piece(0, "mv: W 1 200 0 0 0 1 0\n"), "curl 0: result for unexpected request 1"},
      {start + Piece(0, "mv: W 0 200 0 0 0 1 0\nmv: W 0 200 0 0 0 1 0\n"),
       "curl 0: result for unexpected request 0"},
      {start + Piece(0, "mv: W 0 200 0 0 0 1 0\nmv: W 1 200 0 0 0 1 0\nmv: W 2 200 0 0 0 1 0\n"),
       "curl 0: result for unexpected request 2"},
      {start + Piece(0, "mv: W 18446744073709551615 200 0 0 0 1 0\n"),
       "curl 0: result for unexpected request 18446744073709551615"},
      {start + Piece(0, "mv: W 0 2x0 0 0 0 1 1\n"), "curl 0: bad result line"},
      {start + Piece(0, "mv: X 0\n"), "curl 0: bad result line"},
      {start + Piece(0, "abcmv: W 0 200 0 0 0 1 4\n"),
       "curl 0: request 0 has 3 body bytes, curl counted 4"},
      {start + Piece(0, "mv: " + std::string(600, 'x') + "\n"), "curl 0: result line too long"},
      {"mv: " + std::string(600, 'x') + "\n", "byte 0: framing line too long"},
      {"mv: S 0 2\nmv: " + std::string(600, 'x'), "byte 10: framing line too long"},
  };
  for (const Case& k : cases) {
    for (size_t step : {size_t{1}, size_t{7}, k.text.size()}) {
      Collected c;
      FrameParser p(kM, Source(), 1 << 16, c.Sink());
      FeedSplit(p, k.text, step);
      size_t before = c.records.size();
      p.Feed(Block());  // ignored after the failure
      EXPECT_FALSE(p.ok()) << k.text;
      EXPECT_EQ(p.error(), k.error) << k.text << " step " << step;
      EXPECT_EQ(c.records.size(), before) << k.text;
    }
  }
}

TEST(FrameParserTest, AcceptsOnlyTheBlockAskedFor) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Expect(0, 4);
  p.Feed("mv: S 0 1000000000000\nmv: E\n");
  EXPECT_EQ(p.error(), "byte 0: block 0-1000000000000 is not the one asked for");
  EXPECT_TRUE(c.records.empty());
  FrameParser q(kM, Source(), 1 << 16, c.Sink());
  q.Expect(0, 4);
  q.Feed(Block());
  EXPECT_TRUE(q.ok()) << q.error();
  EXPECT_EQ(c.records.size(), 4u);
}

TEST(FrameParserTest, NothingMayFollowTheEnd) {
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed("mv: S 0 1\nmv: F 0 0 1\n" + Piece(0, "mv: W 0 200 0 0 0 1 0\n") + "mv: C 0 0\nmv: E\n");
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_TRUE(p.ok());
  p.Feed("x");
  EXPECT_EQ(p.error(), "byte 71: output after the end");
}

TEST(RandomMarkerTest, IsAFreshWordOfTheAllowedLetters) {
  std::string a = RandomMarker(), b = RandomMarker();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), std::string("meshverify-").size() + 32);
  EXPECT_EQ(a.rfind("meshverify-", 0), 0u);
  EXPECT_EQ(a.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos);
}

// %{local_port} after the size (scripts since the per-connection picture): which client
// connection carried each request. Curl 0 keeps one connection for requests 0 and 2, then
// reconnects for 4 (curl counted a connect); curl 1's first connection fails (port 0), then it
// connects for 3 and 5 is on a new local port although curl counted no connect.
TEST(FrameParserTest, NumbersClientConnectionsFromNumConnectsAndLocalPort) {
  const std::string curl0 =
      "amv: W 0 200 0 0.0001 0.0002 1 1 40001\nbmv: W 1 200 0 0.0 0.0002 0 1 40001\n"
      "cmv: W 2 200 0 0.0001 0.0002 1 1 40007\n";
  const std::string curl1 =
      "mv: W 0 000 7 0.0 0.0001 0 0 0\ndmv: W 1 200 0 0.0001 0.0002 1 1 40003\n"
      "emv: W 2 200 0 0.0 0.0002 0 1 40009\n";
  const std::string block = "mv: S 0 6\nmv: F 0 0 2\nmv: F 1 1 2\n" + Piece(0, curl0) +
                            Piece(1, curl1) + "mv: C 0 0\nmv: C 1 0\nmv: E\n";
  Collected c;
  FrameParser p(kM, Source(), 1 << 16, c.Sink());
  p.Feed(block);
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(c.records.size(), 6u);
  std::vector<uint64_t> ids;
  for (const ProbeRecord& r : c.records) ids.push_back(r.connection);
  // seq 0 (curl 0) 1, seq 1 (curl 1, failed) 0, seq 2 (curl 0 again) 1, seq 3 (curl 1) 3 --
  // ids follow the order the parser reads the W lines: curl 0's three first.
  EXPECT_EQ(ids, (std::vector<uint64_t>{1, 0, 1, 3, 2, 4}));
  EXPECT_EQ(p.connections(), 4u);
  EXPECT_EQ(c.records[4].body, "c");
  // Without the port (older scripts) a connect starts a new id and keep-alive keeps it.
  Collected old;
  FrameParser q(kM, Source(), 1 << 16, old.Sink());
  q.Feed(Block());
  ASSERT_TRUE(q.ok()) << q.error();
  // Curl 1's output is read first: its 503 got an answer, so it had a connection (id 1).
  EXPECT_EQ(old.records[1].connection, 1u);
  EXPECT_EQ(old.records[3].connection, 0u);  // a failed connect (curl exit 7): none
  EXPECT_EQ(old.records[0].connection, 2u);  // connected
  EXPECT_EQ(old.records[2].connection, 2u);  // reused
  // A bad port is a framing error.
  Collected bad;
  FrameParser b(kM, Source(), 1 << 16, bad.Sink());
  b.Feed("mv: S 0 1\nmv: F 0 0 1\n" + Piece(0, "mv: W 0 200 0 0 0 1 0 70000\n"));
  EXPECT_FALSE(b.ok());
}

// A stuck curl 0 (no result) while curl 1 reports 200 results of 64 KiB bodies: the records
// held behind request 0 would reach 13 MB; the reorder buffer stops at kMaxHeldBytes and lets
// the earliest go out of order. Every request still gets exactly one record.
std::string BigBodies(uint64_t from, uint64_t count, const std::string& body) {
  std::string out;
  for (uint64_t i = from; i < from + count; ++i) {
    out += body + "mv: W " + std::to_string(i) + " 200 0 0.000100 0.000200 0 " +
           std::to_string(body.size()) + "\n";
  }
  return out;
}

void ExpectEachSeqOnce(const std::vector<ProbeRecord>& records, uint64_t n) {
  ASSERT_EQ(records.size(), n);
  std::vector<int> seen(n, 0);
  for (const ProbeRecord& r : records) {
    ASSERT_LT(r.seq, n);
    ++seen[r.seq];
  }
  for (uint64_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "seq " << i;
}

TEST(FrameParserTest, ReorderBufferIsBoundedAndLosesNothing) {
  const std::string body(64 * 1024, 'x');
  for (bool stop_all : {false, true}) {
    Collected c;
    FrameParser p(kM, Source(), body.size(), c.Sink());
    p.Feed("mv: S 0 400\nmv: F 0 0 2\nmv: F 1 1 2\n");
    size_t most = 0;
    for (uint64_t i = 0; i < 200; i += 10) {
      p.Feed(Piece(1, BigBodies(i, 10, body)));
      most = std::max(most, p.held_bytes());
    }
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_LE(most, kMaxHeldBytes + 10 * (body.size() + kHeldRecordOverhead));
    EXPECT_LE(p.held_bytes(), kMaxHeldBytes);
    EXPECT_GT(p.out_of_order(), 50u);
    EXPECT_EQ(p.out_of_order(), c.records.size());
    EXPECT_EQ(p.next_seq(), 0u);  // request 0 is still missing
    if (stop_all) {
      const uint64_t before = c.records.size();
      EXPECT_EQ(p.StopAll("exec failed"), 400 - before);
    } else {
      p.Feed("mv: C 0 7\nmv: C 1 0\nmv: E\n");
      ASSERT_TRUE(p.ok()) << p.error();
    }
    ExpectEachSeqOnce(c.records, 400);
    uint64_t lost = 0;
    for (const ProbeRecord& r : c.records) lost += r.error.empty() ? 0 : 1;
    EXPECT_EQ(lost, 200u);  // curl 0's requests
    EXPECT_EQ(p.held_bytes(), 0u);
  }
}

// Below the cap nothing goes out of order.
TEST(FrameParserTest, ReorderBufferKeepsSeqOrderBelowItsCap) {
  Collected c;
  FrameParser p(kM, Source(), 1024, c.Sink());
  p.Feed("mv: S 0 400\nmv: F 0 0 2\nmv: F 1 1 2\n" + Piece(1, BigBodies(0, 200, "hello")));
  EXPECT_TRUE(c.records.empty());
  EXPECT_EQ(p.out_of_order(), 0u);
  p.Feed(Piece(0, BigBodies(0, 200, "hi")) + "mv: C 0 0\nmv: C 1 0\nmv: E\n");
  ASSERT_TRUE(p.ok()) << p.error();
  ExpectEachSeqOnce(c.records, 400);
  for (uint64_t i = 0; i < 400; ++i) EXPECT_EQ(c.records[i].seq, i);
}

}  // namespace
}  // namespace meshverify::probe
