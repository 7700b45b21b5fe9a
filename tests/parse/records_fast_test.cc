// ParseRecordLineFast against exact values and against the DOM parser (ParseRecordLineDom).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "meshverify/records.h"
#include "parse/expect_same_record.h"

namespace meshverify {
namespace {

// Bit-for-bit equality of doubles (tells -0.0 from 0.0).
using testing::ExpectSameRecord;

// Parses `line` with the fast path, which must take it, and checks the DOM parser agrees.
ProbeRecord Fast(const std::string& line) {
  ProbeRecord r;
  EXPECT_TRUE(ParseRecordLineFast(line, &r)) << line;
  Result<ProbeRecord> dom = ParseRecordLineDom(line, "t", 1);
  EXPECT_TRUE(dom.ok()) << dom.status().ToString();
  if (dom.ok()) ExpectSameRecord(r, *dom);
  return r;
}

TEST(ParseRecordLineFastTest, ReadsWhatTheWriterWrites) {
  ProbeRecord in;
  in.source_cluster = "cluster1";
  in.source_pod = "sleep-7d9f8c-abcde";
  in.seq = 18446744073709551615u;
  in.http_code = 503;
  in.curl_exit = 0;
  in.connect_ms = 0.41;
  in.total_ms = 2.9;
  in.new_connection = false;
  in.body = "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n";
  in.error = "upstream \"reset\"\t\\";
  in.intended_ms = 1000.25;
  in.sent_ms = 1000.5;
  in.late = true;
  in.connection = 7;
  in.peer = "10.10.0.5:15443";
  const std::string line = RecordToJsonLine(in);
  const ProbeRecord r = Fast(line + "\r\n");
  ExpectSameRecord(r, in);
}

TEST(ParseRecordLineFastTest, KeysInAnyOrderWhitespaceAndDefaults) {
  const ProbeRecord r =
      Fast(" \t{ \"body\" : \"x\" ,\n\"code\":200,\"src_pod\":\"p\",\"total_ms\":null }  ");
  EXPECT_EQ(r.body, "x");
  EXPECT_EQ(r.http_code, 200);
  EXPECT_EQ(r.source_pod, "p");
  EXPECT_EQ(r.source_cluster, "");
  EXPECT_EQ(r.seq, 0u);
  EXPECT_EQ(r.curl_exit, 0);
  EXPECT_EQ(r.connect_ms, -1);
  EXPECT_EQ(r.total_ms, -1);
  EXPECT_TRUE(r.new_connection);
  EXPECT_FALSE(r.late);
  EXPECT_EQ(r.connection, 0u);
  const ProbeRecord empty = Fast("{}");
  EXPECT_EQ(empty.body, "");
  EXPECT_EQ(Fast("{ }").http_code, 0);
  EXPECT_EQ(Fast(R"({"schema":"meshverify.record/v1","code":404})").http_code, 404);
}

TEST(ParseRecordLineFastTest, Escapes) {
  EXPECT_EQ(Fast(R"({"body":"a\"b\\c\/d\be\ff\ng\rh\ti"})").body, "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(Fast(R"({"body":"\u0041\u00e9\u20AC\ud83d\ude00"})").body,
            "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(Fast(R"({"body":"nul\u0000here"})").body, std::string("nul\0here", 8));
  // Escapes past the first 8 bytes (the word-at-a-time scan) and at the end.
  EXPECT_EQ(Fast(R"({"body":"0123456789abcdef\n"})").body, "0123456789abcdef\n");
}

TEST(ParseRecordLineFastTest, Unicode) {
  EXPECT_EQ(Fast("{\"src_pod\":\"p\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z\"}").source_pod,
            "p\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z");
  EXPECT_EQ(Fast("{\"body\":\"\x7F\"}").body, "\x7F");
}

TEST(ParseRecordLineFastTest, Numbers) {
  EXPECT_EQ(Fast(R"({"seq":18446744073709551615})").seq, 18446744073709551615u);
  EXPECT_EQ(Fast(R"({"conn":9007199254740993})").connection, 9007199254740993u);
  EXPECT_EQ(Fast(R"({"code":999,"curl_exit":255})").curl_exit, 255);
  EXPECT_EQ(Fast(R"({"code":0})").http_code, 0);
  const ProbeRecord r =
      Fast(R"({"connect_ms":1e-3,"total_ms":-2.5E+2,"intended_ms":9007199254740993,)"
           R"("sent_ms":123456789012345678901234567890})");
  EXPECT_EQ(r.connect_ms, 0.001);
  EXPECT_EQ(r.total_ms, -250);
  EXPECT_EQ(r.intended_ms, 9007199254740992.0);  // the integer rounded to the nearest double
  EXPECT_EQ(r.sent_ms, 1.2345678901234568e29);
  EXPECT_TRUE(testing::SameBits(Fast(R"({"total_ms":-0})").total_ms, 0.0));  // an integer: +0
  EXPECT_TRUE(testing::SameBits(Fast(R"({"total_ms":-0.0})").total_ms, -0.0));
  EXPECT_EQ(Fast(R"({"total_ms":0.1})").total_ms, 0.1);
}

TEST(ParseRecordLineFastTest, UnknownScalarKeysAreSkipped) {
  const ProbeRecord r =
      Fast(R"({"x":"s\n\u00e9","y":-1.5e3,"z":true,"w":false,"v":null,"":0,"code":200})");
  EXPECT_EQ(r.http_code, 200);
}

// What the fast path leaves to the DOM parser: its errors, and shapes it does not read.
TEST(ParseRecordLineFastTest, GivesUpOnTheUnusual) {
  const std::vector<std::string> lines = {
      "",
      "[]",
      "{",
      "{\"code\":200",
      "{\"code\":200,}",
      "{\"code\":200} x",
      "{\"code\":200}{}",
      "{\"code\":\"200\"}",
      "{\"code\":1000}",
      "{\"code\":-1}",
      "{\"code\":-0}",
      "{\"code\":200.0}",
      "{\"code\":2e2}",
      "{\"code\":0200}",
      "{\"seq\":18446744073709551616}",
      "{\"curl_exit\":256}",
      "{\"total_ms\":\"1\"}",
      "{\"total_ms\":1e999}",
      "{\"unknown\":-1e999}",
      "{\"total_ms\":.5}",
      "{\"total_ms\":1.}",
      "{\"total_ms\":+1}",
      "{\"new_conn\":1}",
      "{\"late\":null}",
      "{\"body\":null}",
      "{\"body\":\"a\\x\"}",
      "{\"body\":\"\\ud800\"}",
      "{\"body\":\"\\udc00\"}",
      "{\"body\":\"\\ud800\\u0041\"}",
      "{\"body\":\"\\u12G4\"}",
      "{\"body\":\"\x01\"}",
      "{\"body\":\"\xC3\"}",
      "{\"body\":\"\xC0\xAF\"}",
      "{\"body\":\"\xED\xA0\x80\"}",
      "{\"body\":\"unterminated}",
      "{\"schema\":\"meshverify.record/v2\"}",
      "{\"code\":200,\"code\":503}",
      "{\"extra\":[1,2],\"code\":200}",
      "{\"extra\":{},\"code\":200}",
      "{\"c\\u006fde\":200}",
      "{\"cod\xC3\xA9\":200}",
      "\xEF\xBB\xBF{\"code\":200}",
      "{'code':200}",
      "{\"code\":tru}",
  };
  for (const std::string& line : lines) {
    ProbeRecord r;
    EXPECT_FALSE(ParseRecordLineFast(line, &r)) << line;
  }
}

// The whole: ParseRecordLine reads what only the DOM reads, and keeps its located errors.
TEST(ParseRecordLineFastTest, ParseRecordLineFallsBackToTheDom) {
  Result<ProbeRecord> dup = ParseRecordLine("{\"code\":200,\"code\":503}", "r.jsonl", 3);
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->http_code, ParseRecordLineDom("{\"code\":200,\"code\":503}", "r", 1)->http_code);
  Result<ProbeRecord> nested = ParseRecordLine("{\"extra\":{\"a\":[1]},\"seq\":4}", "r", 1);
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->seq, 4u);
  Result<ProbeRecord> bad = ParseRecordLine("{\"code\":1000}", "r.jsonl", 12);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "r.jsonl:12: key 'code': expected an integer in [0, 999]");
  ProbeRecord into;
  into.body = "stale";
  EXPECT_TRUE(ParseRecordLineInto("{\"seq\":1}", "r", 1, &into).ok());
  EXPECT_EQ(into.body, "");
  EXPECT_EQ(into.seq, 1u);
  EXPECT_TRUE(ParseRecordLineInto("{\"extra\":[],\"body\":\"b\"}", "r", 1, &into).ok());
  EXPECT_EQ(into.body, "b");
  Status s = ParseRecordLineInto("{\"body\":\"\\ud800\"}", "in", 2, &into);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("in:2: byte ", 0), 0u) << s.message();
}

}  // namespace
}  // namespace meshverify
