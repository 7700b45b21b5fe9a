#include "meshverify/ingest.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace meshverify {
namespace {

constexpr char kV1[] = "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv";
constexpr char kV2[] = "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m";

// Every count of an Aggregator as text, so two runs can be compared whole.
std::string Dump(const Aggregator& a) {
  std::ostringstream os;
  for (const SourceCounts& s : a.sources()) {
    os << "[" << s.cluster << "/" << s.pod << "] requests=" << s.requests << " ok=" << s.ok;
    for (const auto& [k, n] : s.errors) os << " err:" << k << "=" << n;
    for (const auto& [k, n] : s.by_cluster) os << " cluster:" << k << "=" << n;
    for (const auto& [k, n] : s.by_version) os << " version:" << k << "=" << n;
    for (const auto& [k, in] : s.by_instance) {
      os << " instance:" << k << "=" << in.count << "(" << in.cluster << "," << in.version << ")";
    }
    for (const auto& [k, h] : s.latency_ms) os << " latency:" << k << "=" << h.count();
    for (const std::string& x : s.unparsed_samples) os << " sample:'" << x << "'";
    os << "\n";
  }
  return os.str();
}

struct Input {
  std::string name;
  std::string bytes;
};

// Feeds each input in chunks of `chunk` bytes (0: whole), or split once at `split`.
Result<Aggregator> Ingest(const IngestOptions& opts, const std::vector<Input>& inputs,
                          size_t chunk = 0, size_t split = std::string::npos) {
  Result<Ingestor> ing = Ingestor::Create(opts);
  if (!ing.ok()) return ing.status();
  for (const Input& in : inputs) {
    ing->BeginSource(in.name);
    std::string_view rest = in.bytes;
    if (split != std::string::npos) {
      Status s = ing->Feed(rest.substr(0, split));
      if (s.ok()) s = ing->Feed(rest.substr(std::min(split, rest.size())));
      if (!s.ok()) return s;
    } else {
      const size_t step = chunk == 0 ? std::max<size_t>(rest.size(), 1) : chunk;
      for (size_t i = 0; i < rest.size(); i += step) {
        if (Status s = ing->Feed(rest.substr(i, step)); !s.ok()) return s;
      }
    }
    if (Status s = ing->EndSource(); !s.ok()) return s;
  }
  return ing->TakeAggregate();
}

std::string Lines(const std::vector<std::string>& lines, const char* eol = "\n") {
  std::string out;
  for (const std::string& l : lines) out += l + eol;
  return out;
}

TEST(IngestorTest, CountsRawHelloworldLines) {
  const std::string input = Lines({kV1, kV2, kV1, kV1, "", "upstream request timeout", kV2});
  Result<Aggregator> a = Ingest({}, {{"capture.txt", input}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->sources().size(), 1u);
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.cluster, "");
  EXPECT_EQ(s.pod, "capture.txt");
  EXPECT_EQ(s.requests, 6u);
  EXPECT_EQ(s.ok, 5u);
  EXPECT_EQ(s.by_version.at("v1"), 3u);
  EXPECT_EQ(s.by_version.at("v2"), 2u);
  EXPECT_EQ(s.by_cluster.at(""), 5u);
  EXPECT_EQ(s.by_instance.at("helloworld-v2-79d5467d55-4xq2m").count, 2u);
  EXPECT_EQ(s.errors.at("unparsed"), 1u);
  EXPECT_EQ(s.unparsed_samples, std::vector<std::string>{"upstream request timeout"});
}

TEST(IngestorTest, SameCountsWhateverTheChunking) {
  IngestOptions opts;
  opts.max_line_bytes = 80;  // so that one line below is over-long
  const std::string raw = std::string(kV1) + "\r\n\n   \r\n" + kV2 + "\n" + kV2 + "\r\n" +
                          "no healthy upstream\n" + std::string(150, 'y') + "\n" +
                          "Hello version: v\xff, instance: p\n" + kV1;  // no final newline
  const std::string jsonl =
      R"({"src_cluster":"c1","src_pod":"sleep-a","code":200,"total_ms":3.5,"body":"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv\n"})"
      "\r\n\n"
      R"({"src_cluster":"c1","src_pod":"sleep-a","curl_exit":28,"error":"timeout"})"
      "\n"
      R"({"src_cluster":"c2","src_pod":"sleep-b","code":503,"body":"no healthy upstream"})"
      "\n"
      R"({"src_cluster":"c2","src_pod":"sleep-b","code":200,"body":"oops"})";
  const std::vector<Input> inputs = {{"raw.txt", raw}, {"rec.jsonl", jsonl}};
  Result<Aggregator> whole = Ingest(opts, inputs);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  const std::string want = Dump(*whole);
  EXPECT_NE(want.find("[/raw.txt] requests=7 ok=4 err:unparsed=3"), std::string::npos) << want;
  EXPECT_NE(want.find("[c2/sleep-b] requests=2 ok=0 err:http_5xx=1 err:unparsed=1"),
            std::string::npos)
      << want;
  for (size_t split = 0; split <= std::max(raw.size(), jsonl.size()); ++split) {
    Result<Aggregator> a = Ingest(opts, inputs, 0, split);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_EQ(Dump(*a), want) << "split at " << split;
  }
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    Result<Aggregator> a = Ingest(opts, inputs, chunk);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_EQ(Dump(*a), want) << "chunks of " << chunk;
  }
}

TEST(IngestorTest, JsonlRecordsAreClassifiedAndTimed) {
  const std::string input = Lines({
      R"({"src_cluster":"cluster1","src_pod":"sleep-1","seq":0,"code":200,"curl_exit":0,"connect_ms":0.4,"total_ms":2.5,"new_conn":true,"body":"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n"})",
      R"({"src_cluster":"cluster1","src_pod":"sleep-1","seq":1,"code":200,"total_ms":4.0,"body":"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv"})",
      R"({"src_cluster":"cluster1","src_pod":"sleep-1","seq":2,"curl_exit":6,"error":"Could not resolve host: helloworld.sample"})",
      R"({"src_cluster":"cluster1","src_pod":"sleep-1","seq":3,"curl_exit":7})",
      R"({"src_cluster":"cluster1","src_pod":"sleep-1","seq":4,"curl_exit":56})",
      R"({"src_cluster":"cluster2","src_pod":"sleep-2","seq":0,"code":404})",
      R"({"src_cluster":"cluster2","src_pod":"sleep-2","seq":1,"error":"exec: pod not found"})",
  });
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("-");
  ASSERT_TRUE(ing->Feed(input).ok());
  EXPECT_EQ(ing->source_format(), InputFormat::kJsonl);
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_EQ(ing->source_lines(), 7u);
  const Aggregator& a = ing->aggregate();
  ASSERT_EQ(a.sources().size(), 2u);
  const SourceCounts& s1 = a.sources()[0];
  EXPECT_EQ(s1.pod, "sleep-1");
  EXPECT_EQ(s1.requests, 5u);
  EXPECT_EQ(s1.ok, 2u);
  EXPECT_EQ(s1.errors.at("dns"), 1u);
  EXPECT_EQ(s1.errors.at("connect"), 1u);
  EXPECT_EQ(s1.errors.at("reset"), 1u);
  EXPECT_EQ(s1.latency_ms.at("").count(), 2u);
  EXPECT_EQ(s1.latency_ms.at("").max(), 4.0);
  const SourceCounts& s2 = a.sources()[1];
  EXPECT_EQ(s2.cluster, "cluster2");
  EXPECT_EQ(s2.errors.at("http_4xx"), 1u);
  EXPECT_EQ(s2.errors.at("transport"), 1u);
}

TEST(IngestorTest, PatternWithClusterGroupGivesDestinationCluster) {
  IngestOptions opts;
  opts.pattern = R"(^(?P<cluster>cluster\d): (?P<instance>\S+) (?P<version>v\d)$)";
  Result<Aggregator> a = Ingest(
      opts, {{"in", Lines({"cluster1: hw-v1-a v1", "cluster2: hw-v2-b v2", "cluster2: x"})}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.by_cluster.at("cluster1"), 1u);
  EXPECT_EQ(s.by_cluster.at("cluster2"), 1u);
  EXPECT_EQ(s.by_instance.at("hw-v2-b").cluster, "cluster2");
  EXPECT_EQ(s.errors.at("unparsed"), 1u);
}

TEST(IngestorTest, ManyInstancesUseTheIndexAndStayExact) {
  // 1900 instances: past the linear slots, below the category cap's folding (2 x 1000).
  std::string input;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1900; ++i) {
      input += "Hello version: v" + std::to_string(i % 3) + ", instance: pod-" + std::to_string(i) +
               "\n";
    }
  }
  Result<Aggregator> a = Ingest({}, {{"many", input}});
  ASSERT_TRUE(a.ok());
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.ok, 5700u);
  EXPECT_EQ(s.by_instance.size(), 1900u);
  EXPECT_EQ(s.by_instance.at("pod-1899").count, 3u);
  EXPECT_EQ(s.by_instance.at("pod-1899").version, "v0");
  EXPECT_EQ(s.by_version.at("v0"), 3u * 634);
}

// 5000 instances (past kMaxSlots: the slots are flushed and reused) go over the category cap
// (SourceCounts::kMaxCategories): the rows stay bounded and every answer is still counted.
TEST(IngestorTest, ManyMoreInstancesStayBoundedAndExactInTotal) {
  std::string input;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5000; ++i) {
      input += "Hello version: v" + std::to_string(i % 3) + ", instance: pod-" + std::to_string(i) +
               "\n";
    }
  }
  Result<Aggregator> a = Ingest({}, {{"many", input}});
  ASSERT_TRUE(a.ok());
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.ok, 15000u);
  EXPECT_LE(s.by_instance.size(), 2 * SourceCounts::kMaxCategories + 1);
  uint64_t sum = 0;
  for (const auto& [name, i] : s.by_instance) sum += i.count;
  EXPECT_EQ(sum, 15000u);
  EXPECT_EQ(s.by_version.at("v0"), 3u * 1667);
}

TEST(IngestorTest, TenMegabyteLineIsCountedNotBuffered) {
  std::string input = std::string(kV1) + "\n" + std::string(10 << 20, 'A') + "\n" + kV2 + "\n";
  Result<Aggregator> a = Ingest({}, {{"big.txt", input}}, 64 << 10);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.ok, 2u);
  EXPECT_EQ(s.errors.at("unparsed"), 1u);
  ASSERT_EQ(s.unparsed_samples.size(), 1u);
  EXPECT_EQ(s.unparsed_samples[0], std::string(200, 'A'));
}

TEST(IngestorTest, InvalidUtf8LineIsUnparsedWithAValidSample) {
  Result<Aggregator> a =
      Ingest({}, {{"u.txt", "Hello version: v1, instance: \xc3\x28\n\xff\xfe\xfd\n"}});
  ASSERT_TRUE(a.ok());
  const SourceCounts& s = a->sources()[0];
  EXPECT_EQ(s.errors.at("unparsed"), 2u);
  EXPECT_EQ(s.unparsed_samples[0], "Hello version: v1, instance: \xEF\xBF\xBD(");
  EXPECT_EQ(s.unparsed_samples[1], "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(IngestorTest, Errors) {
  struct Bad {
    IngestOptions opts;
    std::vector<Input> inputs;
    std::string message;
  };
  IngestOptions jsonl;
  jsonl.format = InputFormat::kJsonl;
  const std::vector<Bad> bad = {
      {{},
       {{"f.bin", std::string(kV1) + "\n" +
                      std::string("\x7f"
                                  "ELF\x02\x01\x01\x00\x00",
                                  9)}},
       "f.bin: byte 68: binary input"},
      {{}, {{"ok.txt", "x\n"}, {"-", std::string("ab\0", 3)}}, "-: byte 3: binary input"},
      {{},
       {{"rec.jsonl", "{\"code\":200}\n\n{\"code\":200,\"body\":\"x\"\n"}},
       "rec.jsonl:3: byte 23: invalid JSON: syntax error while parsing object - unexpected end "
       "of input; expected '}'"},
      {{},
       {{"rec.jsonl", "{\"code\":200}\n{\"code\":-5}\n"}},
       "rec.jsonl:2: key 'code': expected an integer in [0, 999]"},
      {{},  // the first error in byte order wins, however the input is chunked
       {{"rec.jsonl", std::string("{\"code\":200}\n{\"code\":-5}\n\0", 26)}},
       "rec.jsonl:2: key 'code': expected an integer in [0, 999]"},
      {jsonl,
       {{"forced", std::string(kV1) + "\n"}},
       "forced:1: byte 1: invalid JSON: syntax error while parsing value - invalid literal; last "
       "read: 'H'"},
  };
  for (const Bad& b : bad) {
    for (size_t chunk : {0, 1, 5}) {
      Result<Aggregator> a = Ingest(b.opts, b.inputs, chunk);
      ASSERT_FALSE(a.ok()) << b.message;
      EXPECT_TRUE(a.status().IsInvalidInput());
      EXPECT_EQ(a.status().message(), b.message) << "chunk " << chunk;
    }
  }
}

TEST(IngestorTest, AfterAnErrorTheStatusSticks) {
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("a");
  EXPECT_FALSE(ing->Feed(std::string("\0", 1)).ok());
  EXPECT_EQ(ing->Feed(std::string(kV1) + "\n").message(), "a: byte 1: binary input");
  EXPECT_EQ(ing->EndSource().message(), "a: byte 1: binary input");
}

TEST(IngestorTest, BadOptions) {
  IngestOptions opts;
  opts.pattern = "(?P<version>x)";
  EXPECT_EQ(Ingestor::Create(opts).status().message(),
            "--pattern: missing named group (?P<instance>...)");
  IngestOptions zero;
  zero.max_line_bytes = 0;
  EXPECT_EQ(Ingestor::Create(zero).status().message(), "--max-line-bytes: must be positive");
  EXPECT_EQ(ParseInputFormat("json").status().message(),
            "--format: expected auto, raw or jsonl, got 'json'");
  EXPECT_EQ(*ParseInputFormat("jsonl"), InputFormat::kJsonl);
  EXPECT_STREQ(InputFormatName(InputFormat::kRaw), "raw");
}

TEST(IngestorTest, EmptySourcesAreNotErrors) {
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("empty");
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_EQ(ing->source_lines(), 0u);
  EXPECT_EQ(ing->source_format(), InputFormat::kAuto);
  ing->BeginSource("blank");
  ASSERT_TRUE(ing->Feed("\n \r\n\t\n").ok());
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_EQ(ing->source_lines(), 0u);
  EXPECT_EQ(ing->total_lines(), 0u);
  EXPECT_TRUE(ing->aggregate().sources().empty());
}

TEST(IngestorTest, FormatIsDetectedPerSource) {
  Result<Aggregator> a = Ingest({}, {{"a.txt", Lines({kV1})},
                                     {"b.jsonl", "  {\"src_pod\":\"s\",\"code\":200,\"body\":\"" +
                                                     std::string(kV2) + "\"}\n"},
                                     {"c.txt", Lines({kV2, kV2})}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->sources().size(), 3u);
  EXPECT_EQ(a->sources()[0].pod, "a.txt");
  EXPECT_EQ(a->sources()[1].pod, "s");
  EXPECT_EQ(a->sources()[2].by_version.at("v2"), 2u);
}

TEST(IngestorTest, ForcedRawCountsRecordsAsUnparsed) {
  IngestOptions opts;
  opts.format = InputFormat::kRaw;
  Result<Aggregator> a = Ingest(opts, {{"r", "{\"code\":200}\n"}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->sources()[0].errors.at("unparsed"), 1u);
}

}  // namespace
}  // namespace meshverify

namespace meshverify {
namespace {

constexpr char kRec0[] =
    R"({"src_cluster":"c1","src_pod":"sleep-a","seq":0,"code":200,"body":"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv\n"})"
    "\n";
constexpr char kRec1[] =
    R"({"src_cluster":"c1","src_pod":"sleep-a","seq":1,"code":200,"body":"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n"})"
    "\n";

// Issue 15 item 8: a duplicate (cluster, pod, seq) counts once, wherever it comes from.
TEST(IngestorDuplicatesTest, ADuplicateSeqCountsOnceAndIsListed) {
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("a.jsonl");
  // Same seq 0 again (even with another answer: the first wins), then the same pod in another
  // cluster (not a duplicate), then a record without seq (never a duplicate).
  const std::string other_cluster =
      R"({"src_cluster":"c2","src_pod":"sleep-a","seq":0,"code":200,"body":"Hello version: v1, instance: x"})"
      "\n";
  const std::string no_seq = R"({"src_cluster":"c1","src_pod":"sleep-a","code":503})"
                             "\n";
  ASSERT_TRUE(ing->Feed(std::string(kRec0) + kRec1 + kRec1 + other_cluster + no_seq + no_seq).ok());
  ASSERT_TRUE(ing->EndSource().ok());
  ing->BeginSource("b.jsonl");  // the same file twice
  ASSERT_TRUE(ing->Feed(std::string(kRec0) + kRec1).ok());
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_EQ(ing->duplicates(), 3u);
  EXPECT_EQ(ing->duplicate_samples(),
            (std::vector<std::string>{"a.jsonl:3", "b.jsonl:1", "b.jsonl:2"}));
  EXPECT_FALSE(ing->duplicate_check_stopped());
  ASSERT_EQ(ing->aggregate().sources().size(), 2u);
  const SourceCounts& a = ing->aggregate().sources()[0];
  EXPECT_EQ(a.requests, 4u);  // seq 0, seq 1 and the two records without seq
  EXPECT_EQ(a.ok, 2u);
  EXPECT_EQ(a.by_version.at("v1"), 1u);
  EXPECT_EQ(a.by_version.at("v2"), 1u);
  EXPECT_EQ(a.errors.at("http_5xx"), 2u);
  EXPECT_EQ(ing->aggregate().sources()[1].requests, 1u);
}

// More sources interleaved than the Ingestor remembers at once (its recent-source cache).
TEST(IngestorDuplicatesTest, InterleavedSourcesAreToldApart) {
  std::string lines;
  for (int seq = 0; seq < 10; ++seq) {
    for (int pod = 0; pod < 6; ++pod) {
      lines += "{\"src_cluster\":\"c\",\"src_pod\":\"p" + std::to_string(pod) +
               "\",\"seq\":" + std::to_string(seq) + ",\"code\":503}\n";
    }
  }
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("x.jsonl");
  ASSERT_TRUE(ing->Feed(lines + lines).ok());
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_EQ(ing->duplicates(), 60u);
  EXPECT_EQ(ing->duplicate_samples().front(), "x.jsonl:61");
  ASSERT_EQ(ing->aggregate().sources().size(), 6u);
  for (const SourceCounts& s : ing->aggregate().sources()) EXPECT_EQ(s.requests, 10u) << s.pod;
}

TEST(IngestorDuplicatesTest, TheCheckStopsOnHostileOrderAndSaysSo) {
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("odd.jsonl");
  std::string chunk;
  const uint64_t n = (uint64_t{1} << 18) + 2;  // odd seqs only: one range each
  for (uint64_t i = 0; i < n; ++i) {
    chunk += "{\"src_pod\":\"p\",\"seq\":" + std::to_string(2 * i + 1) + ",\"code\":503}\n";
    if (chunk.size() > (1 << 16)) {
      ASSERT_TRUE(ing->Feed(chunk).ok());
      chunk.clear();
    }
  }
  ASSERT_TRUE(ing->Feed(chunk + "{\"src_pod\":\"p\",\"seq\":1,\"code\":503}\n").ok());
  ASSERT_TRUE(ing->EndSource().ok());
  EXPECT_TRUE(ing->duplicate_check_stopped());
  EXPECT_EQ(ing->duplicates(), 0u);  // the repeated seq 1 came after the check stopped
  EXPECT_EQ(ing->aggregate().sources()[0].requests, n + 1);
}

// Issue 15 item 8: a record that says it was lost is not ok, whatever its HTTP code.
TEST(IngestorDuplicatesTest, ARecordWithAnErrorAndCode200IsNotOk) {
  Result<Ingestor> ing = Ingestor::Create({});
  ASSERT_TRUE(ing.ok());
  ing->BeginSource("e.jsonl");
  ASSERT_TRUE(
      ing->Feed(
             R"({"src_pod":"p","seq":0,"code":200,"error":"pod deleted","body":"Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv\n"})"
             "\n")
          .ok());
  ASSERT_TRUE(ing->EndSource().ok());
  const SourceCounts& s = ing->aggregate().sources()[0];
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.ok, 0u);
  EXPECT_EQ(s.errors.at("transport"), 1u);
  EXPECT_TRUE(s.by_version.empty());
}

}  // namespace
}  // namespace meshverify
