// Shards of a load run (--shard i/N) and MergeLoadReports: the parts sum to the whole, the
// shards' schedules interleave into one, windows start on the wall-clock grid and merge by it,
// and the merged report equals the sum of its shards in every count (through JSON too).
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fakes/fake_clock.h"
#include "fakes/fake_prober.h"
#include "meshverify/load.h"

namespace meshverify::load {
namespace {

using std::chrono::milliseconds;

void Answer(const ProbeSource&, uint64_t seq, double t, ProbeRecord* r) {
  const bool v1 = (seq * 7 + static_cast<uint64_t>(t)) % 3 != 0;
  r->body = std::string("Hello version: ") + (v1 ? "v1" : "v2") + ", instance: hw-" +
            (v1 ? "v1" : "v2") + "\n";
  if (seq % 37 == 5) r->http_code = 503;
  r->total_ms = 1 + static_cast<double>((seq * 13) % 50) / 7;
}

LoadSettings Settings(int index, int count) {
  LoadSettings s;
  s.url = "http://helloworld.sample:5000/hello";
  s.sources = {{"cluster1", "shard-" + std::to_string(index), "", "", "", ""}};
  s.rate = 90;
  s.concurrency = 8;
  s.duration = milliseconds(5000);
  s.cluster_of_instance = {{"hw-v1", "cluster1"}, {"hw-v2", "cluster2"}};
  s.slos = {*ParseSlo("errors<5%"), *ParseSlo("share(cluster2) in [0.2,0.5]")};
  s.shard_index = index;
  s.shard_count = count;
  s.config = {{"rate", 90}, {"window_s", 1}, {"alpha", 0.01}, {"shard", {{"index", index}}}};
  return s;
}

LoadReport RunShard(int index, int count, milliseconds wall_offset) {
  testing::FakeClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)) +
                           wall_offset);
  testing::FakeProber prober(Answer);
  Result<LoadReport> r =
      RunLoadExperiment(Settings(index, count), prober, clock, nullptr, nullptr, {});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

TEST(ShardPartTest, PartsSumToTheWhole) {
  for (uint64_t total : {0ull, 1ull, 2ull, 10ull, 1001ull, ~0ull}) {
    for (int n : {1, 2, 3, 7}) {
      uint64_t sum = 0;
      for (int i = 0; i < n; ++i) sum += ShardPart(total, i, n);
      EXPECT_EQ(sum, total) << total << "/" << n;
    }
  }
  EXPECT_EQ(ShardPart(10, 0, 3), 3u);
  EXPECT_EQ(ShardPart(10, 2, 3), 4u);
}

TEST(LoadShardTest, ShardsStartOnTheWallClockGridAndSendTheirPart) {
  const LoadReport a = RunShard(1, 3, milliseconds(300));
  ASSERT_EQ(a.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(a.steps[0].start_unix_s, 1767225601.0);  // waited for the next second
  EXPECT_DOUBLE_EQ(a.pooled[2].start_unix_s, 1767225603.0);
  EXPECT_EQ(a.requests, 150u);  // 30 req/s of the 90 for 5 s
  EXPECT_DOUBLE_EQ(a.steps[0].rate, 30);
  EXPECT_FALSE(RunLoadExperiment(Settings(3, 3), *std::make_unique<testing::FakeProber>(Answer),
                                 *std::make_unique<testing::FakeClock>(), nullptr, nullptr, {})
                   .ok());
}

TEST(MergeLoadReportsTest, MergedShardsEqualTheirSumAndTheOneProcessSchedule) {
  // Pods start at different times of one second: each waits for the next whole second.
  std::vector<LoadReport> shards = {RunShard(0, 3, milliseconds(100)),
                                    RunShard(1, 3, milliseconds(400)),
                                    RunShard(2, 3, milliseconds(999))};
  const LoadReport whole = RunShard(0, 1, milliseconds(1000));
  // Through JSON, as `merge` reads the files.
  std::vector<LoadReport> reread;
  for (const LoadReport& r : shards) {
    std::ostringstream os;
    WriteLoadReportJson(r, os);
    Result<LoadReport> back = ParseLoadReport(os.str(), "shard.json");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    reread.push_back(*back);
  }
  const std::vector<std::string> names = {"a", "b", "c"};
  Result<LoadReport> m = MergeLoadReports(reread, names);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  uint64_t requests = 0, ok = 0;
  std::map<std::string, uint64_t> errors, by_cluster, by_version;
  Histogram lat;
  for (const LoadReport& r : shards) {
    requests += r.requests;
    ok += r.ok;
    for (const auto& [k, n] : r.errors) errors[k] += n;
    for (const auto& [k, s] : r.summary.by_cluster) by_cluster[k] += s.count;
    for (const auto& [k, s] : r.summary.by_version) by_version[k] += s.count;
    for (const auto& [k, h] : r.summary.latency_hist) lat.Merge(h);
  }
  EXPECT_EQ(m->requests, requests);
  EXPECT_EQ(m->requests, whole.requests);  // the three schedules interleave into the one
  EXPECT_EQ(m->ok, ok);
  EXPECT_EQ(m->errors, errors);
  for (const auto& [k, n] : by_cluster) EXPECT_EQ(m->summary.by_cluster.at(k).count, n) << k;
  for (const auto& [k, n] : by_version) EXPECT_EQ(m->summary.by_version.at(k).count, n) << k;
  Histogram merged;
  for (const auto& [k, h] : m->summary.latency_hist) merged.Merge(h);
  EXPECT_EQ(merged.buckets(), lat.buckets());
  // Pooled windows: one per wall-clock second, each the sum of the shards' windows there,
  // each as many requests as the one process sent in that second.
  ASSERT_EQ(m->pooled.size(), whole.pooled.size());
  for (size_t k = 0; k < m->pooled.size(); ++k) {
    uint64_t sum = 0;
    for (const LoadReport& r : shards) {
      for (const Window& w : r.pooled) {
        if (w.start_unix_s == m->pooled[k].start_unix_s) sum += w.requests;
      }
    }
    EXPECT_EQ(m->pooled[k].requests, sum) << k;
    EXPECT_EQ(m->pooled[k].requests, whole.pooled[k].requests) << k;
    EXPECT_DOUBLE_EQ(m->pooled[k].start_unix_s, whole.pooled[k].start_unix_s);
  }
  EXPECT_EQ(m->windows.size(), 3 * whole.pooled.size());  // three sources
  ASSERT_EQ(m->shards.size(), 3u);
  EXPECT_EQ(m->shards[1].name, "b");
  EXPECT_EQ(m->shards[1].requests, shards[1].requests);
  EXPECT_EQ(m->slos.size(), 2u);
  EXPECT_EQ(m->verdict, Verdict::kPass) << RenderLoadText(*m);
  EXPECT_DOUBLE_EQ(m->steps[0].rate, 90);
  // A shard that started a second later: its windows land one second later on the grid.
  std::vector<LoadReport> late = {reread[0], reread[1]};
  late.push_back(RunShard(2, 3, milliseconds(1500)));
  Result<LoadReport> m2 = MergeLoadReports(late, names);
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->pooled.size(), whole.pooled.size() + 1);
  EXPECT_EQ(m2->requests, whole.requests);
}

TEST(MergeLoadReportsTest, RefusesOtherSettingsAndNonLoadReports) {
  std::vector<LoadReport> in = {RunShard(0, 2, milliseconds(0)), RunShard(1, 2, milliseconds(0))};
  in[1].config["rate"] = 100;
  const std::vector<std::string> names = {"a.json", "b.json"};
  EXPECT_EQ(MergeLoadReports(in, names).status().message(),
            "merge: b.json was run with other settings than a.json: config/rate: 90 vs 100");
  EXPECT_EQ(ParseLoadReport("{\"schema\": \"meshverify.report/v1\"}", "x.json").status().message(),
            "x.json: /schema: expected \"meshverify.load/v1\"");
}

// A shard report read back for a merge is checked against itself first: an edited count is
// refused with its place, before it could reach the merged sums.
TEST(MergeLoadReportsTest, ShardReportsAreCrossCheckedWhenReadBack) {
  std::ostringstream json;
  WriteLoadReportJson(RunShard(0, 2, milliseconds(0)), json);
  const std::string text = json.str();
  Result<LoadReport> back = ParseCheckedLoadReport(text, "a.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  nlohmann::json j = nlohmann::json::parse(text);
  nlohmann::json& v1 = j["windows"][1]["by_version"]["v1"];
  const uint64_t n = v1["count"];
  v1["count"] = n + 1;
  EXPECT_EQ(ParseCheckedLoadReport(j.dump(), "a.json").status().message(),
            "a.json: /windows/1/by_version/v1/share: " + std::to_string(v1["share"].get<double>()) +
                ", but count / ok is " +
                std::to_string(static_cast<double>(n + 1) / j["windows"][1]["ok"].get<double>()));
  EXPECT_TRUE(ParseLoadReport(j.dump(), "a.json").ok());  // parsing alone does not see it
}

// Counts that would wrap when summed are refused, not wrapped (issue 15 item 8).
TEST(MergeLoadReportsTest, RefusesSumsThatOverflow) {
  std::vector<LoadReport> in = {RunShard(0, 2, milliseconds(0)), RunShard(1, 2, milliseconds(0))};
  const std::vector<std::string> names = {"a.json", "b.json"};
  ASSERT_TRUE(MergeLoadReports(in, names).ok());
  const uint64_t huge = std::numeric_limits<uint64_t>::max() - 100;
  in[1].requests = in[1].ok = huge;
  EXPECT_EQ(MergeLoadReports(in, names).status().message(),
            "merge: b.json: its counts make the sums overflow 64 bits");
  in[1] = RunShard(1, 2, milliseconds(0));
  ASSERT_FALSE(in[1].windows.empty());
  in[1].windows[0].ok = huge;  // one window is enough
  EXPECT_FALSE(MergeLoadReports(in, names).ok());
}

}  // namespace
}  // namespace meshverify::load
