// The canonical matcher (records_internal::ParseCanonical): it takes what RecordToJsonLine
// writes, reads it as the DOM parser does, and declines every other shape (the general fast
// path reads those).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "meshverify/records.h"
#include "parse/expect_same_record.h"
#include "parse/records_scanner.h"

namespace meshverify {
namespace {

using testing::ExpectSameRecord;

// A record with stale values in every field: what the matcher does not set would show.
ProbeRecord Stale() {
  ProbeRecord r;
  r.source_cluster = r.source_pod = r.body = r.error = r.peer = "stale";
  r.seq = 99;
  r.http_code = 1;
  r.curl_exit = 1;
  r.connect_ms = r.total_ms = r.intended_ms = r.sent_ms = 5;
  r.new_connection = false;
  r.late = true;
  r.connection = 3;
  return r;
}

TEST(ParseCanonicalTest, TakesWhatTheWriterWritesAndReadsItAsTheDom) {
  std::vector<ProbeRecord> records(6);
  records[0].source_cluster = "cluster1";
  records[0].source_pod = "sleep-7d9f8c-abcde";
  records[0].seq = 3;
  records[0].http_code = 200;
  records[0].connect_ms = 0.41;
  records[0].total_ms = 2.9;
  records[0].new_connection = false;
  records[0].body = "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n";
  records[1] = records[0];  // every optional key, escapes and UTF-8 on the slow decoder
  records[1].seq = 18446744073709551615u;
  records[1].http_code = 503;
  records[1].curl_exit = 56;
  records[1].body = "caf\xC3\xA9 \"quoted\"\t\\\n";
  records[1].error = "upstream \"reset\"";
  records[1].intended_ms = 1000.25;
  records[1].sent_ms = 1234567890123.456;  // 16 digits: from_chars
  records[1].late = true;
  records[1].connection = 9007199254740993u;
  records[1].peer = "10.10.0.5:15443";
  records[2].total_ms = 10.999999999999998;  // unknown connect time (null), 17 digits
  records[2].body = "0123456789abcdef0123456789abcdef0123456789";  // no line end
  records[3].connection = 1;  // a later optional key without the earlier ones
  records[3].connect_ms = 0;
  records[3].total_ms = 1e-7;  // written with an exponent
  records[4].sent_ms = 0.5;
  records[4].source_pod = std::string(40, 'p');
  records[5].error = "timed out";
  records[5].curl_exit = 28;
  for (const ProbeRecord& in : records) {
    const std::string line = RecordToJsonLine(in);
    ProbeRecord r = Stale();
    bool has_seq = false;
    ASSERT_TRUE(records_internal::ParseCanonical(line, &r, &has_seq)) << line;
    EXPECT_TRUE(has_seq);
    Result<ProbeRecord> dom = ParseRecordLineDom(line, "t", 1);
    ASSERT_TRUE(dom.ok()) << dom.status().ToString();
    ExpectSameRecord(r, *dom);
    ExpectSameRecord(r, in);
  }
}

TEST(ParseCanonicalTest, DeclinesOtherShapes) {
  const std::string ok =
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})";
  ProbeRecord r;
  ASSERT_TRUE(records_internal::ParseCanonical(ok, &r, nullptr));
  const std::vector<std::string> others = {
      R"({"src_pod":"p","src_cluster":"c","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // another key order
      R"({ "src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // whitespace
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false})",  // no body
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x","peer":"a","conn":2})",  // optional order
      R"({"src_cluster":"c","src_pod":"p","seq":01,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // a leading zero
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":1000,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // code out of range
      R"({"src_cluster":"c","src_pod":"p","seq":1.0,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // a float seq
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":1.,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"})",  // "1." is not JSON
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x"} )",  // trailing bytes
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x","x":1})",  // an unknown key
      R"({"src_cluster":"c","src_pod":"p","seq":1,"code":200,"curl_exit":0,"connect_ms":0.3,)"
      R"("total_ms":1.5,"new_conn":false,"body":"x\q"})",  // a bad escape
      "{\"src_cluster\":\"c\",\"src_pod\":\"p\xC3\",\"seq\":1,\"code\":200,\"curl_exit\":0,"
      "\"connect_ms\":0.3,\"total_ms\":1.5,\"new_conn\":false,\"body\":\"x\"}",  // bad UTF-8
  };
  for (const std::string& line : others) {
    EXPECT_FALSE(records_internal::ParseCanonical(line, &r, nullptr)) << line;
    // What the general path and the DOM make of it is theirs, and they agree.
    ProbeRecord fast;
    Result<ProbeRecord> dom = ParseRecordLineDom(line, "t", 1);
    if (ParseRecordLineFast(line, &fast)) {
      ASSERT_TRUE(dom.ok()) << line;
      ExpectSameRecord(fast, *dom);
    }
  }
}

}  // namespace
}  // namespace meshverify
