#include "meshverify/records.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace meshverify {
namespace {

TEST(ParseRecordLineTest, ReadsEveryKey) {
  Result<ProbeRecord> r = ParseRecordLine(
      R"({"src_cluster":"cluster1","src_pod":"sleep-7d9f8c-abcde","seq":3,"code":200,)"
      R"("curl_exit":0,"connect_ms":0.41,"total_ms":2.9,"new_conn":false,)"
      R"("body":"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n","extra":[1,2]})",
      "rec.jsonl", 4);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source_cluster, "cluster1");
  EXPECT_EQ(r->source_pod, "sleep-7d9f8c-abcde");
  EXPECT_EQ(r->seq, 3u);
  EXPECT_EQ(r->http_code, 200);
  EXPECT_EQ(r->curl_exit, 0);
  EXPECT_DOUBLE_EQ(r->connect_ms, 0.41);
  EXPECT_DOUBLE_EQ(r->total_ms, 2.9);
  EXPECT_FALSE(r->new_connection);
  EXPECT_EQ(r->body, "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n");
  EXPECT_EQ(r->error, "");
}

TEST(ParseRecordLineTest, MissingKeysTakeDefaults) {
  Result<ProbeRecord> r = ParseRecordLine(
      "{\"src_pod\":\"sleep-1\",\"curl_exit\":28,\"total_ms\":null,\"error\":\"timed out\"}\r\n",
      "r", 1);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->source_cluster, "");
  EXPECT_EQ(r->seq, 0u);
  EXPECT_EQ(r->http_code, 0);
  EXPECT_EQ(r->curl_exit, 28);
  EXPECT_LT(r->connect_ms, 0);
  EXPECT_LT(r->total_ms, 0);
  EXPECT_TRUE(r->new_connection);
  EXPECT_EQ(r->error, "timed out");
  EXPECT_TRUE(ParseRecordLine("{}", "r", 1).ok());
  EXPECT_TRUE(ParseRecordLine(R"({"schema":"meshverify.record/v1"})", "r", 1).ok());
}

TEST(ParseRecordLineTest, Errors) {
  struct Bad {
    std::string line;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {R"({"code":200,)",
       "in.jsonl:7: byte 13: invalid JSON: syntax error while parsing object "
       "key - unexpected end of input; expected string literal"},
      {R"({"code":200} x)",
       "in.jsonl:7: byte 14: invalid JSON: syntax error while parsing value "
       "- invalid literal; last read: '200} x'; expected end of input"},
      {"",
       "in.jsonl:7: byte 1: invalid JSON: syntax error while parsing value - unexpected end "
       "of input; expected '[', '{', or a literal"},
      {"{\"body\":\"\xff\"}",
       "in.jsonl:7: byte 10: invalid JSON: syntax error while parsing value - invalid string: "
       "ill-formed UTF-8 byte; last read: '\"\xEF\xBF\xBD'"},
      {"[1,2]", "in.jsonl:7: expected a JSON object"},
      {"\"Hello version: v1, instance: x\"", "in.jsonl:7: expected a JSON object"},
      {R"({"code":"200"})", "in.jsonl:7: key 'code': expected an integer in [0, 999]"},
      {R"({"code":1000})", "in.jsonl:7: key 'code': expected an integer in [0, 999]"},
      {R"({"code":200.5})", "in.jsonl:7: key 'code': expected an integer in [0, 999]"},
      {R"({"curl_exit":-1})", "in.jsonl:7: key 'curl_exit': expected an integer in [0, 255]"},
      {R"({"seq":-3})", "in.jsonl:7: key 'seq': expected an integer in [0, 18446744073709551615]"},
      {R"({"total_ms":"3ms"})", "in.jsonl:7: key 'total_ms': expected a number or null"},
      {R"({"src_pod":7})", "in.jsonl:7: key 'src_pod': expected a string"},
      {R"({"body":null})", "in.jsonl:7: key 'body': expected a string"},
      {R"({"new_conn":1})", "in.jsonl:7: key 'new_conn': expected a bool"},
      {R"({"schema":"meshverify.record/v2"})",
       "in.jsonl:7: key 'schema': expected \"meshverify.record/v1\""},
  };
  for (const Bad& b : bad) {
    Result<ProbeRecord> r = ParseRecordLine(b.line, "in.jsonl", 7);
    ASSERT_FALSE(r.ok()) << b.line;
    EXPECT_TRUE(r.status().IsInvalidInput());
    EXPECT_EQ(r.status().message(), b.message) << b.line;
  }
}

TEST(RecordToJsonLineTest, RoundTrips) {
  ProbeRecord r;
  r.source_cluster = "cluster2";
  r.source_pod = "sleep-557747455f-xkbnr";
  r.seq = 18446744073709551615u;
  r.http_code = 503;
  r.curl_exit = 0;
  r.connect_ms = 0.125;
  r.total_ms = 1234.5;
  r.new_connection = false;
  r.body = "no healthy upstream\n\t\"quoted\"";
  r.error = "";
  const std::string line = RecordToJsonLine(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find("error"), std::string::npos);
  Result<ProbeRecord> back = ParseRecordLine(line, "r", 1);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->source_cluster, r.source_cluster);
  EXPECT_EQ(back->source_pod, r.source_pod);
  EXPECT_EQ(back->seq, r.seq);
  EXPECT_EQ(back->http_code, r.http_code);
  EXPECT_EQ(back->curl_exit, r.curl_exit);
  EXPECT_EQ(back->connect_ms, r.connect_ms);
  EXPECT_EQ(back->total_ms, r.total_ms);
  EXPECT_EQ(back->new_connection, r.new_connection);
  EXPECT_EQ(back->body, r.body);
}

TEST(RecordToJsonLineTest, UnknownTimesAreNullAndErrorIsWritten) {
  ProbeRecord r;
  r.source_pod = "sleep-1";
  r.curl_exit = 7;
  r.error = "Failed to connect";
  EXPECT_EQ(RecordToJsonLine(r),
            R"({"src_cluster":"","src_pod":"sleep-1","seq":0,"code":0,"curl_exit":7,)"
            R"("connect_ms":null,"total_ms":null,"new_conn":true,"body":"",)"
            R"("error":"Failed to connect"})");
}

TEST(RecordToJsonLineTest, InvalidUtf8BodyBecomesReplacementCharacters) {
  ProbeRecord r;
  r.http_code = 200;
  r.body = "Hello \xff\xfe version";
  const std::string line = RecordToJsonLine(r);
  Result<ProbeRecord> back = ParseRecordLine(line, "r", 1);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->body, "Hello \xEF\xBF\xBD\xEF\xBF\xBD version");
}

}  // namespace
}  // namespace meshverify

namespace meshverify {
namespace {

TEST(RecordToJsonLineTest, DirectModeKeysRoundTripAndAreOmittedWhenUnknown) {
  ProbeRecord r;
  r.source_pod = "direct";
  r.http_code = 200;
  r.intended_ms = 1000.25;
  r.sent_ms = 1201.5;
  r.late = true;
  r.connection = 7;
  r.peer = "127.0.0.1:5000";
  const std::string line = RecordToJsonLine(r);
  EXPECT_NE(line.find("\"intended_ms\":1000.25,\"sent_ms\":1201.5,\"late\":true,\"conn\":7,"
                      "\"peer\":\"127.0.0.1:5000\""),
            std::string::npos)
      << line;
  Result<ProbeRecord> back = ParseRecordLine(line, "r", 1);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->intended_ms, 1000.25);
  EXPECT_EQ(back->sent_ms, 1201.5);
  EXPECT_TRUE(back->late);
  EXPECT_EQ(back->connection, 7u);
  EXPECT_EQ(back->peer, "127.0.0.1:5000");

  const std::string plain = RecordToJsonLine(ProbeRecord{});
  for (const char* key : {"\"intended_ms\"", "\"sent_ms\"", "\"late\"", "\"conn\"", "\"peer\""}) {
    EXPECT_EQ(plain.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(ParseRecordLine(R"({"late":1})", "r", 2).status().message(),
            "r:2: key 'late': expected a bool");
  EXPECT_EQ(ParseRecordLine(R"({"conn":-1})", "r", 3).status().message(),
            "r:3: key 'conn': expected an integer in [0, 18446744073709551615]");
}

}  // namespace
}  // namespace meshverify
