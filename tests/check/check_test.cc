// The check pipeline (check.h) on its own: discovery through a FakeCommandRunner loaded with
// the lab's captures, requests through a FakeProber, time from a FakeClock. No kubectl exec,
// no probe script: this is what every prober (exec, direct) gets from the pipeline.
#include "meshverify/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_mesh.h"
#include "fakes/fake_prober.h"
#include "meshverify/config.h"
#include "meshverify/records.h"

namespace meshverify {
namespace {

using testing::FakeClock;
using testing::FakeCommandRunner;
using testing::FakeProber;
using testing::kSleep1;
using testing::kSleep2;

// v1 and v2 in turn, from the lab's helloworld pods.
void Alternate(const ProbeSource&, uint64_t seq, double, ProbeRecord* r) {
  r->body = std::string("Hello version: v") + (seq % 2 == 0 ? "1" : "2") +
            ", instance: " + (seq % 2 == 0 ? testing::kHelloV1 : testing::kHelloV2) + "\n";
}

CheckSettings Settings(int looks) {
  Result<MeshConfig> mesh = ParseMeshConfig(testing::ReadTestFile("check/mesh.yaml"), "mesh.yaml");
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  CheckSettings s;
  s.mesh = *mesh;
  s.mesh.run.looks = looks;
  s.config = {{"from", "test"}};
  return s;
}

const CheckResult* FindCheck(const Report& r, const std::string& name) {
  for (const CheckResult& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

bool HasNote(const Report& r, const std::string& text) {
  for (const std::string& n : r.notes) {
    if (n.find(text) != std::string::npos) return true;
  }
  return false;
}

uint64_t Errors(const SourceReport& s) {
  uint64_t n = 0;
  for (const auto& [k, v] : s.errors) n += v;
  return n;
}

class CheckPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::AddMeshDiscovery(runner_); }
  Result<CheckRun> Run(const CheckSettings& s, ProgressSink* progress = nullptr) {
    return RunCheck(s, runner_, prober_, clock_, &cancel_, progress);
  }

  FakeCommandRunner runner_;
  FakeProber prober_{Alternate};
  FakeClock clock_;
  std::atomic<bool> cancel_{false};
};

TEST_F(CheckPipelineTest, HealthyMeshPassesWithTheProbersRecords) {
  Result<CheckRun> run = Run(Settings(1));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const Report& r = run->report;
  EXPECT_EQ(r.verdict, Verdict::kPass);
  ASSERT_EQ(r.sources.size(), 2u);
  for (const SourceReport& s : r.sources) {
    EXPECT_EQ(s.requests, 2000u);
    EXPECT_EQ(s.by_cluster.at("cluster1").count, 1000u);
    EXPECT_EQ(s.requests, s.ok + Errors(s));
  }
  EXPECT_EQ(r.config, nlohmann::json({{"from", "test"}}));
  EXPECT_EQ(r.started_at, "2026-01-01T00:00:00Z");
  const CheckResult* probe = FindCheck(r, "probe");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->status, CheckStatus::kPass);
  // A prober that is not exec mode gets neutral words.
  EXPECT_NE(probe->detail.find("4000 requests from 2 source pods"), std::string::npos)
      << probe->detail;
  EXPECT_NE(probe->detail.find("with 2 transport attempts"), std::string::npos) << probe->detail;
  // Each source once, with the config's target, concurrency and timeout.
  std::vector<FakeProber::Call> calls = prober_.calls();
  ASSERT_EQ(calls.size(), 2u);
  for (const FakeProber::Call& c : calls) {
    EXPECT_EQ(c.spec.url, "http://helloworld.sample:5000/hello");
    EXPECT_EQ(c.spec.first_seq, 0u);
    EXPECT_EQ(c.spec.requests, 2000u);
    EXPECT_EQ(c.spec.concurrency, 4);
    EXPECT_EQ(c.spec.timeout, std::chrono::seconds(5));
    EXPECT_EQ(c.source.ns, "sample");
    EXPECT_EQ(c.source.container, "sleep");
  }
  EXPECT_TRUE(run->records_status.ok());
}

// An exact 50/50 split is decided at the second look of four (1000 of 2000 requests).
TEST_F(CheckPipelineTest, LooksContinueTheSeqsAndStopAtTheFirstDecidedLook) {
  Result<CheckRun> run = Run(Settings(4));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  for (const SourceReport& s : run->report.sources) EXPECT_EQ(s.requests, 1000u);
  std::vector<FakeProber::Call> calls = prober_.calls();
  ASSERT_EQ(calls.size(), 4u);  // 2 looks x 2 sources
  std::multiset<uint64_t> firsts;
  for (const FakeProber::Call& c : calls) {
    firsts.insert(c.spec.first_seq);
    EXPECT_EQ(c.spec.requests, 500u);
  }
  EXPECT_EQ(firsts, (std::multiset<uint64_t>{0, 0, 500, 500}));
  EXPECT_TRUE(HasNote(run->report, "looked 2 of 4 times, 1000 of at most 2000"));
}

TEST_F(CheckPipelineTest, AGivenUpSourceEndsTheLooksAndEveryRequestIsAccounted) {
  prober_.FailSource(kSleep1, {300, FakeProber::Failure::Kind::kGiveUp, "pod gone"});
  Result<CheckRun> run = Run(Settings(4));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const Report& r = run->report;
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(prober_.calls().size(), 2u);  // no second look
  ASSERT_EQ(r.sources.size(), 2u);
  EXPECT_EQ(r.sources[0].pod, kSleep1);
  EXPECT_EQ(r.sources[0].requests, 500u);
  EXPECT_EQ(r.sources[0].errors.at("transport"), 200u);
  for (const SourceReport& s : r.sources) EXPECT_EQ(s.requests, s.ok + Errors(s));
  EXPECT_EQ(r.total.requests, r.total.ok + Errors(r.total));
  const CheckResult* probe = FindCheck(r, "probe");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->status, CheckStatus::kFail);
  EXPECT_NE(probe->detail.find("gave up after 1 failed attempts; 200 requests lost (transport): "
                               "pod gone"),
            std::string::npos)
      << probe->detail;
}

TEST_F(CheckPipelineTest, CancelKeepsWhatCameBackAndMarksTheReport) {
  CheckSettings s = Settings(4);
  s.mesh.clusters.resize(1);  // one source, so no other probe thread races the cancel
  prober_.FailSource(kSleep1, {250, FakeProber::Failure::Kind::kCancel}, &cancel_);
  Result<CheckRun> run = Run(s);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const Report& r = run->report;
  EXPECT_TRUE(r.interrupted);
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(r.sources[0].requests, 250u);
  EXPECT_EQ(prober_.calls().size(), 1u);
  EXPECT_TRUE(HasNote(r, "interrupted; 250 of 500 requests not sent")) << r.notes.size();
}

TEST_F(CheckPipelineTest, ASpecTheProberRefusesIsAUsageErrorBeforeAnythingRuns) {
  prober_.Refuse("fake: cannot send this");
  Result<CheckRun> run = Run(Settings(1));
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(run.status().IsUsage());
  EXPECT_EQ(run.status().message(), "fake: cannot send this");
  EXPECT_TRUE(runner_.calls().empty());
  EXPECT_TRUE(prober_.calls().empty());
}

TEST_F(CheckPipelineTest, DiscoveryFailureIsCouldNotRunAndSendsNothing) {
  FakeCommandRunner failing;
  failing.On(FakeCommandRunner::Prefix({"kubectl"}), FakeCommandRunner::Fail(1, "refused\n"));
  Result<CheckRun> run = RunCheck(Settings(1), failing, prober_, clock_);
  ASSERT_FALSE(run.ok());
  EXPECT_TRUE(run.status().IsUnavailable());
  EXPECT_TRUE(prober_.calls().empty());
}

// A FileWriter that keeps what it is given, piece by piece (from any thread).
class PiecesWriter : public FileWriter {
 public:
  Status Write(std::string_view text) override {
    std::lock_guard<std::mutex> lock(mu_);
    pieces.emplace_back(text);
    return fail_after >= 0 && static_cast<int>(pieces.size()) > fail_after
               ? Status::Unavailable("r.jsonl: No space left on device")
               : Status::Ok();
  }
  Status Commit() override {
    committed = true;
    return Status::Ok();
  }
  std::vector<std::string> pieces;
  bool committed = false;
  int fail_after = -1;  // >= 0: writes after that many fail

 private:
  std::mutex mu_;
};

// The records go out in chunks as they come (never all at the end, never more than about
// kRecordsChunkBytes held per source), each source's in seq order; RunCheck does not Commit.
TEST_F(CheckPipelineTest, RecordsAreStreamedInChunksInSeqOrderPerSource) {
  CheckSettings s = Settings(1);
  PiecesWriter out;
  s.records = &out;
  Result<CheckRun> run = Run(s);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(run->records_status.ok());
  EXPECT_FALSE(out.committed);
  ASSERT_GT(out.pieces.size(), 2u);
  std::map<std::string, uint64_t> next_seq;
  size_t lines_count = 0;
  for (const std::string& piece : out.pieces) {
    EXPECT_LT(piece.size(), kRecordsChunkBytes + 4096);
    ASSERT_EQ(piece.back(), '\n');
    std::istringstream lines(piece);
    std::string line;
    while (std::getline(lines, line)) {
      Result<ProbeRecord> r = ParseRecordLine(line, "records", ++lines_count);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->seq, next_seq[r->source_pod]++) << r->source_pod;
    }
  }
  EXPECT_EQ(lines_count, 4000u);
  EXPECT_EQ(next_seq[kSleep1], 2000u);
  EXPECT_EQ(next_seq[kSleep2], 2000u);
}

// The first failed write is the run's records_status, and nothing more is written.
TEST_F(CheckPipelineTest, ARecordsWriteErrorStopsTheWritingAndIsReported) {
  CheckSettings s = Settings(1);
  PiecesWriter out;
  out.fail_after = 1;
  s.records = &out;
  Result<CheckRun> run = Run(s);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->records_status.message(), "r.jsonl: No space left on device");
  EXPECT_EQ(out.pieces.size(), 2u);
  EXPECT_EQ(run->report.sources.size(), 2u);  // the counting goes on
}

// Progress is told from the thread that called RunCheck, never from a probe thread.
class RecordingProgress : public ProgressSink {
 public:
  void Phase(std::string_view what) override { Note("phase " + std::string(what)); }
  void Probing(uint64_t, uint64_t) override { Note("probing"); }
  void ProbingDone() override { Note("done"); }
  std::vector<std::string> events;
  bool other_thread = false;

 private:
  void Note(std::string e) {
    other_thread = other_thread || std::this_thread::get_id() != caller_;
    events.push_back(std::move(e));
  }
  std::thread::id caller_ = std::this_thread::get_id();
};

TEST_F(CheckPipelineTest, ProgressComesFromTheCallersThreadOncePerPhaseAndLook) {
  RecordingProgress progress;
  Result<CheckRun> run = Run(Settings(4), &progress);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(progress.other_thread);
  ASSERT_FALSE(progress.events.empty());
  EXPECT_EQ(progress.events[0], "phase discovering pods and endpoint views");
  EXPECT_EQ(std::count(progress.events.begin(), progress.events.end(), "done"), 2);  // 2 looks
}

}  // namespace
}  // namespace meshverify
