// The Ingestor counts JSONL answers in batches (analyze/record_batch.h); the result must be
// exactly what one Aggregator::AddOk/AddError/AddConnection call per record gives. The
// reference here is that record-at-a-time path, written out in the test from the public
// pieces (ParseRecordLineInto, ClassifyRecord, ReplyParser, the duplicate rule of ingest.h),
// run on a mixed capture: interleaved sources over several files, errors, 5xx, unparsed and
// over-long bodies, duplicates, records without seq, connections past the cap, null and zero
// latencies, more distinct instances (and, with a pattern, destination clusters) than
// counting keeps, and more (source, body, connection) slots than a batch holds.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "analyze/record_batch.h"
#include "meshverify/ingest.h"
#include "meshverify/records.h"
#include "meshverify/reply_parser.h"

namespace meshverify {
namespace {

constexpr char kPattern[] =
    R"(^Hello version: (?P<version>[^,]+), instance: (?P<instance>\S+), at: (?P<cluster>\S+)$)";

struct Capture {
  std::vector<std::string> files;  // JSONL text of each input, in order
};

std::string Body(std::mt19937_64& rng, bool pattern, const std::string& instance) {
  const std::string version = rng() % 3 == 0 ? "v2" : "v1";
  std::string body = "Hello version: " + version + ", instance: " + instance;
  if (pattern) body += ", at: cluster" + std::to_string(rng() % 3 == 0 ? rng() % 3000 : rng() % 3);
  return body + (rng() % 4 == 0 ? "" : "\n");
}

Capture MakeCapture(bool pattern, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<std::pair<std::string, std::string>> sources = {
      {"cluster1", "sleep-7d9f8c-abcde"},
      {"cluster1", "sleep-7d9f8c-fghij"},
      {"cluster2", "sleep-557747455f-xkbnr"},
      {"cluster2", "wide"},
      {"", "x"}};
  std::vector<uint64_t> seq(sources.size(), 0);
  std::vector<std::string> lines;
  for (int i = 0; i < 60000; ++i) {
    const size_t src = rng() % 10 < 3 ? 3 : rng() % sources.size();  // "wide": many names
    ProbeRecord r;
    r.source_cluster = sources[src].first;
    r.source_pod = sources[src].second;
    r.seq = seq[src]++;
    if (rng() % 50 == 0 && r.seq > 10) r.seq -= 1 + rng() % 10;  // a duplicate
    const uint64_t kind = rng() % 100;
    r.http_code = kind < 5 ? 503 : kind < 7 ? 404 : kind < 8 ? 0 : 200;
    r.curl_exit = kind == 8 ? 28 : 0;
    if (kind == 9) r.error = "lost";
    r.connect_ms = 0.25;
    r.total_ms = rng() % 20 == 0 ? -1 : rng() % 30 == 0 ? 0 : static_cast<double>(rng() % 5000) / 7;
    r.new_connection = rng() % 2 == 0;
    r.connection = rng() % 3 == 0 ? 0 : src == 3 ? 1 + rng() % 1500 : 1 + rng() % 6;
    std::string instance = "helloworld-v1-86f77cd7bd-" + std::to_string(rng() % 4);
    if (src == 3) {  // popular names, and names seen rarely (folded, then seen again)
      instance = "w-" + std::to_string(rng() % 2 == 0 ? rng() % 20 : rng() % 6000);
    }
    if (rng() % 200 == 0) instance = std::string(300, 'L');  // a body past RecordBatch::kMaxBody
    r.body = rng() % 40 == 0 ? "upstream connect error " + std::to_string(rng() % 9) + "\n"
                             : Body(rng, pattern, instance);
    lines.push_back(RecordToJsonLine(r));
    if (rng() % 500 == 0) {  // a record without seq: never a duplicate
      lines.push_back(R"({"src_cluster":"cluster1","src_pod":"sleep-7d9f8c-abcde","code":200,)"
                      R"("total_ms":1.5,"conn":2,"body":"Hello version: v1, instance: nos)" +
                      std::string(pattern ? ", at: cluster1" : "") + "\"}");
    }
  }
  Capture c;
  const size_t third = lines.size() / 3;
  for (int f = 0; f < 3; ++f) {
    std::string text;
    for (size_t i = f * third; i < (f == 2 ? lines.size() : (f + 1) * third); ++i) {
      text += lines[i] + (i % 97 == 0 ? "\r\n" : "\n");
      if (i % 1000 == 0) text += "  \n";
    }
    c.files.push_back(text);
  }
  // A file passed twice, in part.
  c.files.push_back(c.files[1].substr(0, c.files[1].rfind('\n', c.files[1].size() / 2) + 1));
  return c;
}

// One Aggregator call per record, as `analyze` counted before the batches.
Aggregator Reference(const Capture& c, const ReplyParser& parser, uint64_t* duplicates) {
  Aggregator agg;
  std::set<std::tuple<std::string, std::string, uint64_t>> seen;
  *duplicates = 0;
  for (const std::string& file : c.files) {
    std::istringstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      ProbeRecord r;
      bool has_seq = false;
      EXPECT_TRUE(ParseRecordLineInto(line, "ref", 1, &r, &has_seq).ok()) << line;
      if (has_seq && !seen.emplace(r.source_cluster, r.source_pod, r.seq).second) {
        ++*duplicates;
        continue;
      }
      if (const std::string_view cls = ClassifyRecord(r); !cls.empty()) {
        agg.AddError(r.source_cluster, r.source_pod, cls);
        continue;
      }
      const std::optional<ReplyView> v = parser.Parse(r.body);
      if (!v) {
        agg.AddError(r.source_cluster, r.source_pod, kErrUnparsed,
                     std::string_view(r.body).substr(0, SourceCounts::kMaxSampleBytes));
        continue;
      }
      agg.AddOk(r.source_cluster, r.source_pod, v->cluster, v->version, v->instance, r.total_ms);
      agg.AddConnection(r.source_cluster, r.source_pod, r.connection, v->instance);
    }
  }
  return agg;
}

template <typename M>
void ExpectSameMap(const M& got, const M& want, const std::string& what) {
  EXPECT_EQ(got.size(), want.size()) << what;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    ASSERT_NE(it, got.end()) << what << ": no " << k;
    EXPECT_TRUE(it->second == v) << what << ": " << k << " differs";
  }
}

void ExpectSameAggregate(const Aggregator& got, const Aggregator& want) {
  ASSERT_EQ(got.sources().size(), want.sources().size());
  for (size_t i = 0; i < want.sources().size(); ++i) {
    const SourceCounts& g = got.sources()[i];
    const SourceCounts& w = want.sources()[i];
    const std::string where = w.cluster + "/" + w.pod;
    EXPECT_EQ(g.cluster, w.cluster) << i;  // first-seen order
    EXPECT_EQ(g.pod, w.pod) << i;
    EXPECT_EQ(g.requests, w.requests) << where;
    EXPECT_EQ(g.ok, w.ok) << where;
    EXPECT_EQ(g.errors, w.errors) << where;
    ExpectSameMap(g.by_cluster, w.by_cluster, where + " by_cluster");
    ExpectSameMap(g.by_version, w.by_version, where + " by_version");
    ExpectSameMap(g.by_instance, w.by_instance, where + " by_instance");
    ExpectSameMap(g.latency_ms, w.latency_ms, where + " latency_ms");  // sums bit for bit
    for (const auto& [k, h] : w.latency_ms) {
      auto it = g.latency_ms.find(k);
      if (it != g.latency_ms.end()) {
        EXPECT_EQ(it->second.sum(), h.sum()) << where << " " << k;
      }
    }
    EXPECT_EQ(g.unparsed_samples, w.unparsed_samples) << where;
    ExpectSameMap(g.by_connection, w.by_connection, where + " by_connection");
  }
}

void CheckCapture(bool pattern, uint64_t seed) {
  const Capture capture = MakeCapture(pattern, seed);
  IngestOptions opts;
  opts.format = InputFormat::kJsonl;
  if (pattern) opts.pattern = kPattern;
  Result<ReplyParser> parser = ReplyParser::Create(opts.pattern);
  ASSERT_TRUE(parser.ok());
  uint64_t want_duplicates = 0;
  const Aggregator want = Reference(capture, *parser, &want_duplicates);
  // The capture reaches what the test is about.
  const SourceCounts* found = nullptr;
  for (const SourceCounts& s : want.sources()) found = s.pod == "wide" ? &s : found;
  ASSERT_NE(found, nullptr);
  const SourceCounts& wide = *found;
  EXPECT_TRUE(wide.by_instance.count(std::string(kOtherCategory)) == 1);  // folded
  EXPECT_EQ(wide.by_connection.size(), SourceCounts::kMaxConnections);    // capped
  if (pattern) {
    EXPECT_TRUE(wide.latency_ms.count(std::string(kOtherCategory)) == 1);
  }
  EXPECT_GT(wide.errors.at(std::string(kErrUnparsed)), 0u);
  EXPECT_GT(want_duplicates, 100u);
  for (size_t chunk : {size_t{0}, size_t{7}, size_t{65536}}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    Result<Ingestor> ing = Ingestor::Create(opts);
    ASSERT_TRUE(ing.ok());
    for (size_t f = 0; f < capture.files.size(); ++f) {
      ing->BeginSource("file" + std::to_string(f));
      const std::string& text = capture.files[f];
      const size_t step = chunk == 0 ? text.size() : chunk;
      for (size_t i = 0; i < text.size(); i += step) {
        ASSERT_TRUE(ing->Feed(std::string_view(text).substr(i, step)).ok());
      }
      ASSERT_TRUE(ing->EndSource().ok());
    }
    EXPECT_EQ(ing->duplicates(), want_duplicates);
    ExpectSameAggregate(ing->aggregate(), want);
  }
}

TEST(IngestBatchTest, BuiltinFormatCountsAsOneRecordAtATime) { CheckCapture(false, 11); }

TEST(IngestBatchTest, PatternWithClustersCountsAsOneRecordAtATime) { CheckCapture(true, 12); }

// More (source, body, connection) slots than one batch holds: flushed on the way, same counts.
TEST(IngestBatchTest, SlotsPastTheBoundAreFlushed) {
  Result<ReplyParser> parser = ReplyParser::Create();
  ASSERT_TRUE(parser.ok());
  RecordBatch batch(&*parser);
  Aggregator got, want;
  ProbeRecord r;
  r.source_cluster = "c";
  r.source_pod = "p";
  for (uint64_t i = 0; i < 3 * RecordBatch::kMaxSlots; ++i) {
    r.connection = 1 + i % (RecordBatch::kMaxSlots + 7);
    r.body = "Hello version: v1, instance: i" + std::to_string(i % 3);
    r.total_ms = static_cast<double>(i % 101) / 3;
    ASSERT_TRUE(batch.Add(r, &got));
    want.AddOk("c", "p", "", "v1", "i" + std::to_string(i % 3), r.total_ms);
    want.AddConnection("c", "p", r.connection, "i" + std::to_string(i % 3));
  }
  batch.Flush(&got);
  ExpectSameAggregate(got, want);
  r.body = "not an answer";
  EXPECT_FALSE(batch.Add(r, &got));
}

}  // namespace
}  // namespace meshverify
