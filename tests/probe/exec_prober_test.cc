#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_command_runner.h"
#include "fakes/fake_probe_output.h"
#include "meshverify/probe.h"
#include "meshverify/prober.h"

namespace meshverify::probe {
namespace {

using meshverify::testing::FakeAnswer;
using meshverify::testing::FakeClock;
using meshverify::testing::FakeCommandRunner;
using meshverify::testing::FramedProbeOutput;
using meshverify::testing::ParseProbeScript;

ProbeSource Target(std::string pod = "sleep-1") {
  return {"cluster1", std::move(pod), "kind-cluster1", "", "sample", "sleep"};
}

ProbeSpec Options(uint64_t n) {
  ProbeSpec o;
  o.url = "http://helloworld.sample:5000/hello";
  o.requests = n;
  o.concurrency = 4;
  return o;
}

FakeAnswer Hello(uint64_t seq) {
  return {200, 0, "Hello version: v" + std::to_string(seq % 2 + 1) + ", instance: hw\n"};
}

FakeCommandRunner::Matcher IsExec() { return FakeCommandRunner::Prefix({"kubectl", "exec"}); }

// The exec responder: runs `answer` over the script's range; `results(call)` limits the results
// printed by the call-th exec (-1 = all) and `code(call)` is its exit code. Probe threads of
// several sources call it at once: the count is atomic (it was a plain int, a data race that
// ThreadSanitizer found).
FakeCommandRunner::Responder Pod(std::function<int(int)> results, std::function<int(int)> code,
                                 std::string err = "") {
  auto calls = std::make_shared<std::atomic<int>>(0);
  return [=](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    int call = calls->fetch_add(1);
    auto p = ParseProbeScript(argv.back());
    if (!p) return Status::Internal("not a probe script");
    CommandResult r = FakeCommandRunner::Ok(FramedProbeOutput(*p, Hello, results(call)));
    r.exit_code = code(call);
    if (r.exit_code != 0) r.stderr_text = err;
    return r;
  };
}

struct Sink {
  std::vector<ProbeRecord> records;
  RecordSink fn() {
    return [this](ProbeRecord&& r) { records.push_back(std::move(r)); };
  }
  // Every seq in [0, n) exactly once.
  void ExpectEachSeqOnce(uint64_t n) const {
    std::multiset<uint64_t> seqs;
    for (const ProbeRecord& r : records) seqs.insert(r.seq);
    ASSERT_EQ(seqs.size(), n);
    for (uint64_t i = 0; i < n; ++i) EXPECT_EQ(seqs.count(i), 1u) << i;
  }
};

TEST(ExecProberTest, OneExecCarriesEveryRequest) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int) { return -1; }, [](int) { return 0; }));
  FakeClock clock;
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock).Probe(Target(), Options(95), nullptr, sink.fn());
  EXPECT_EQ(runner.CountCalls(IsExec()), 1u);
  EXPECT_EQ(o.attempts, 1);
  EXPECT_EQ(o.requests, 95u);
  EXPECT_EQ(o.lost, 0u);
  sink.ExpectEachSeqOnce(95);
  EXPECT_EQ(sink.records[0].body, "Hello version: v1, instance: hw\n");
  EXPECT_EQ(sink.records[0].source_pod, "sleep-1");
}

TEST(ExecProberTest, FailedExecIsRetriedForTheRequestsNotYetRecorded) {
  FakeCommandRunner runner;
  // The first exec dies after 30 results; the retry does the rest.
  runner.On(IsExec(), Pod([](int call) { return call == 0 ? 30 : -1; },
                          [](int call) { return call == 0 ? 137 : 0; },
                          "command terminated with exit code 137\n"));
  FakeClock clock;
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock).Probe(Target(), Options(95), nullptr, sink.fn());
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(o.failed_attempts, 1);
  EXPECT_FALSE(o.gave_up);
  EXPECT_EQ(o.lost, 0u);
  sink.ExpectEachSeqOnce(95);
  auto second = ParseProbeScript(runner.calls()[1].back());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->first, 30u);
  EXPECT_EQ(second->end, 95u);
  EXPECT_NE(o.last_error.find("command terminated with exit code 137"), std::string::npos)
      << o.last_error;
}

// A failed exec after the reorder buffer let records out ahead of a missing one is not resent
// (that would count them twice): the rest of its block is lost, the next block goes on.
TEST(ExecProberTest, AFailedExecAfterOutOfOrderRecordsLosesItsBlockNotCountsTwice) {
  FakeCommandRunner runner;
  auto calls = std::make_shared<std::atomic<int>>(0);
  runner.On(IsExec(), [=](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    if (!p) return Status::Internal("not a probe script");
    if (calls->fetch_add(1) > 0) return FakeCommandRunner::Ok(FramedProbeOutput(*p, Hello));
    // Curl 0 of 4 hangs on its first request; curl 1 reports all its 200, 64 KiB each.
    const std::string m = p->marker, body(64 * 1024, 'x');
    std::string out = m + " S " + std::to_string(p->first) + " " + std::to_string(p->end) + "\n";
    for (int j = 0; j < 4; ++j) {
      out += m + " F " + std::to_string(j) + " " + std::to_string(p->first + j) + " 4\n";
    }
    for (int i = 0; i < 200; ++i) {
      std::string piece = body + m + " W " + std::to_string(i) + " 200 0 0.0001 0.0002 0 " +
                          std::to_string(body.size()) + "\n";
      out += m + " D 1 " + std::to_string(piece.size()) + "\n" + piece;
    }
    CommandResult r = FakeCommandRunner::Ok(out);
    r.exit_code = 137;
    r.stderr_text = "command terminated with exit code 137\n";
    return r;
  });
  FakeClock clock;
  Sink sink;
  ExecOptions exec;
  exec.exec_requests = 800;
  ProbeOutcome o =
      ExecProber(runner, clock, exec).Probe(Target(), Options(1600), nullptr, sink.fn());
  EXPECT_EQ(o.attempts, 2);
  EXPECT_EQ(o.failed_attempts, 1);
  EXPECT_FALSE(o.gave_up);
  EXPECT_EQ(o.requests, 1600u);
  EXPECT_EQ(o.lost, 600u);  // the first block's requests no curl reported
  sink.ExpectEachSeqOnce(1600);
  auto second = ParseProbeScript(runner.calls()[1].back());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->first, 800u);
}

TEST(ExecProberTest, PodGoneMidRunLosesNothingFromTheAccounting) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int call) { return call == 0 ? 20 : 0; }, [](int) { return 1; },
                          "Error from server (NotFound): pods \"sleep-1\" not found\n"));
  FakeClock clock;
  Sink sink;
  ProbeSpec opt = Options(100);
  ExecOptions exec;
  exec.max_exec_failures = 3;
  ProbeOutcome o = ExecProber(runner, clock, exec).Probe(Target(), opt, nullptr, sink.fn());
  EXPECT_TRUE(o.gave_up);
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(o.requests, 100u);
  EXPECT_EQ(o.lost, 80u);
  sink.ExpectEachSeqOnce(100);
  int lost = 0;
  for (const ProbeRecord& r : sink.records) {
    if (r.error.empty()) continue;
    ++lost;
    EXPECT_EQ(r.http_code, 0);
    EXPECT_NE(r.error.find("pods \"sleep-1\" not found"), std::string::npos) << r.error;
  }
  EXPECT_EQ(lost, 80);
}

TEST(ExecProberTest, DeadlineLosesOnlyTheRequestsInFlight) {
  FakeCommandRunner runner;
  runner.On(IsExec(), [](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    // 30 results, then the deadline: each of the 4 curls had one request in flight.
    std::string out = FramedProbeOutput(*p, Hello, 30);
    CommandResult r = FakeCommandRunner::Ok(out);
    r.timed_out = true;
    r.exit_code = 143;
    return r;
  });
  FakeClock clock;
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock).Probe(Target(), Options(100), nullptr, sink.fn());
  EXPECT_TRUE(o.deadline_reached);
  EXPECT_EQ(o.requests, 34u);
  EXPECT_EQ(o.lost, 4u);
  EXPECT_EQ(o.not_issued, 66u);
  sink.ExpectEachSeqOnce(34);
  EXPECT_TRUE(sink.records[29].error.empty());
  for (uint64_t seq = 30; seq < 34; ++seq) EXPECT_EQ(sink.records[seq].error, "deadline reached");
}

TEST(ExecProberTest, InterruptStopsWithoutCountingWhatWasInFlight) {
  std::atomic<bool> interrupted{false};
  FakeCommandRunner runner;
  runner.On(IsExec(), [&](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    interrupted = true;  // Ctrl-C after 20 results
    return FakeCommandRunner::Ok(FramedProbeOutput(*p, Hello, 20));
  });
  FakeClock clock;
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock).Probe(Target(), Options(100), &interrupted, sink.fn());
  EXPECT_TRUE(o.interrupted);
  EXPECT_EQ(o.requests, 20u);
  EXPECT_EQ(o.lost, 0u);
  EXPECT_EQ(o.not_issued, 80u);
  EXPECT_EQ(o.attempts, 1);
}

TEST(ExecProberTest, ExecRequestsSplitsTheRunIntoSeveralExecs) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int) { return -1; }, [](int) { return 0; }));
  FakeClock clock;
  Sink sink;
  ProbeSpec opt = Options(250);
  ExecOptions exec;
  exec.exec_requests = 100;
  ProbeOutcome o = ExecProber(runner, clock, exec).Probe(Target(), opt, nullptr, sink.fn());
  EXPECT_EQ(o.attempts, 3);
  sink.ExpectEachSeqOnce(250);
}

TEST(ProbeEverySourceTest, ProbesEverySourceAtOnceAndKeepsTheirRecordsApart) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int) { return -1; }, [](int) { return 0; }));
  FakeClock clock;
  ExecProber prober(runner, clock);
  std::vector<ProbeSource> targets = {Target("sleep-a"), Target("sleep-b"), Target("sleep-c")};
  std::vector<Sink> sinks(3);
  std::vector<RecordSink> fns;
  for (Sink& s : sinks) fns.push_back(s.fn());
  std::vector<ProbeOutcome> out = ProbeEverySource(prober, targets, Options(57), nullptr, fns);
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].source.pod, targets[i].pod);
    EXPECT_EQ(out[i].requests, 57u);
    sinks[i].ExpectEachSeqOnce(57);
    for (const ProbeRecord& r : sinks[i].records) EXPECT_EQ(r.source_pod, targets[i].pod);
  }
}

TEST(ExecProberTest, OpenLoopSendsAScriptWhoseCurlsPaceThemselves) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int) { return -1; }, [](int) { return 0; }));
  FakeClock clock;
  ExecProber prober(runner, clock);
  ProbeSpec spec = Options(40);
  spec.rate = 200;
  spec.duration = std::chrono::seconds(12);
  EXPECT_TRUE(prober.CheckSpec(spec).ok());
  Sink sink;
  ProbeOutcome o = prober.Probe(Target(), spec, nullptr, sink.fn());
  EXPECT_EQ(o.requests, 40u);
  EXPECT_EQ(o.not_issued, 0u);
  sink.ExpectEachSeqOnce(40);
  ASSERT_EQ(runner.calls().size(), 1u);
  const std::string script = runner.calls()[0].back();  // calls() is a copy
  // 200/s over 4 curls: 50/s each, 180000 an hour; the curls start 5 ms apart.
  EXPECT_NE(script.find("; rate_per_hour=180000; stagger_s=0.005000\n"), std::string::npos)
      << script.substr(0, script.find('\n'));
  spec.rate = 2e6;
  Status s = prober.CheckSpec(spec);
  EXPECT_TRUE(s.IsUsage());
  EXPECT_NE(s.message().find("exec mode paces from 1 request per hour to 1e6/s"), std::string::npos)
      << s.message();
  ProbeOutcome refused = prober.Probe(Target(), spec, nullptr, sink.fn());
  EXPECT_TRUE(refused.gave_up);
  EXPECT_EQ(refused.not_issued, 40u);
  EXPECT_EQ(runner.calls().size(), 1u);
}

TEST(ExecProberTest, ClosedLoopWithADurationRunsBatchesUntilItEnds) {
  FakeCommandRunner runner;
  FakeClock clock;
  std::vector<uint64_t> sizes;
  runner.On(IsExec(), [&](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    if (!p) return Status::Internal("not a probe script");
    sizes.push_back(p->end - p->first);
    clock.Advance(std::chrono::milliseconds(300));  // each exec takes 0.3 s
    return FakeCommandRunner::Ok(FramedProbeOutput(*p, Hello));
  });
  ProbeSpec spec = Options(1000000000);
  spec.duration = std::chrono::seconds(1);
  spec.origin = clock.Monotonic();
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock).Probe(Target(), spec, nullptr, sink.fn());
  // Execs start at 0, 0.3, 0.6 and 0.9 s; none at 1.2 s. The first carries 10 per curl, each
  // next one what the last one's rate sends in the time left (at most 1 s): 40 / 0.3 * 0.7,
  // 93 / 0.3 * 0.4, 124 / 0.3 * 0.1.
  EXPECT_EQ(sizes, (std::vector<uint64_t>{40, 93, 124, 41}));
  EXPECT_EQ(o.requests, 40u + 93 + 124 + 41);
  EXPECT_EQ(o.lost, 0u);
  EXPECT_EQ(o.not_issued, spec.requests - o.requests);
  sink.ExpectEachSeqOnce(o.requests);
}

TEST(ExecProberTest, StampedRecordsCarryTheirArrivalLessCurlsTime) {
  FakeCommandRunner runner;
  FakeClock clock;
  runner.On(IsExec(), [&](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    clock.Advance(std::chrono::milliseconds(500));
    return FakeCommandRunner::Ok(FramedProbeOutput(*p, Hello));
  });
  ExecOptions exec;
  exec.stamp_sent = true;
  ProbeSpec spec = Options(8);
  spec.origin = clock.Monotonic() - std::chrono::milliseconds(100);
  Sink sink;
  ExecProber(runner, clock, exec).Probe(Target(), spec, nullptr, sink.fn());
  sink.ExpectEachSeqOnce(8);
  // In at 600 ms after the origin, each having taken 3 ms in curl.
  for (const ProbeRecord& r : sink.records) {
    EXPECT_DOUBLE_EQ(r.sent_ms, 597.0) << r.seq;
    EXPECT_LT(r.intended_ms, 0) << r.seq;
  }
  Sink unstamped;
  ExecProber(runner, clock).Probe(Target(), spec, nullptr, unstamped.fn());
  for (const ProbeRecord& r : unstamped.records) EXPECT_LT(r.sent_ms, 0) << r.seq;
}

TEST(ExecProberTest, StampsInOnePieceChainBackFromTheLastAnswer) {
  // One curl, three answers of 10 ms each in one D piece that comes in 600 ms after the
  // origin: the last was sent at 590 ms at the latest, so the one before at 580, then 570.
  FakeCommandRunner runner;
  FakeClock clock;
  runner.On(IsExec(), [&](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    auto p = ParseProbeScript(argv.back());
    const std::string& m = p->marker;
    std::string piece;
    for (int i = 0; i < 3; ++i)
      piece += "b" + m + " W " + std::to_string(i) + " 200 0 0 0.010 0 1\n";
    clock.Advance(std::chrono::milliseconds(600));
    return FakeCommandRunner::Ok(m + " S 0 3\n" + m + " F 0 0 1\n" + m + " D 0 " +
                                 std::to_string(piece.size()) + "\n" + piece + m + " C 0 0\n" + m +
                                 " E\n");
  });
  ExecOptions exec;
  exec.stamp_sent = true;
  ProbeSpec spec = Options(3);
  spec.concurrency = 1;
  spec.origin = clock.Monotonic();
  Sink sink;
  ProbeOutcome o = ExecProber(runner, clock, exec).Probe(Target(), spec, nullptr, sink.fn());
  EXPECT_EQ(o.lost, 0u) << o.last_error;
  ASSERT_EQ(sink.records.size(), 3u);
  EXPECT_DOUBLE_EQ(sink.records[0].sent_ms, 570.0);
  EXPECT_DOUBLE_EQ(sink.records[1].sent_ms, 580.0);
  EXPECT_DOUBLE_EQ(sink.records[2].sent_ms, 590.0);
}

TEST(ExecProberTest, TheMarkerSourceIsInjected) {
  FakeCommandRunner runner;
  runner.On(IsExec(), Pod([](int) { return -1; }, [](int) { return 0; }));
  FakeClock clock;
  ExecOptions exec;
  exec.exec_requests = 50;
  exec.markers = [](const ProbeSource& s, uint64_t first) {
    return "mv-" + s.pod + "-" + std::to_string(first);
  };
  Sink sink;
  ExecProber(runner, clock, exec).Probe(Target(), Options(100), nullptr, sink.fn());
  sink.ExpectEachSeqOnce(100);
  ASSERT_EQ(runner.calls().size(), 2u);
  EXPECT_EQ(ParseProbeScript(runner.calls()[0].back())->marker, "mv-sleep-1-0");
  EXPECT_EQ(ParseProbeScript(runner.calls()[1].back())->marker, "mv-sleep-1-50");
}

TEST(SeededMarkersTest, SameSeedSameMarkersWhateverTheOrderOthersDiffer) {
  MarkerSource a = SeededMarkers(42), b = SeededMarkers(42), c = SeededMarkers(43);
  const ProbeSource s1 = Target("sleep-1"), s2 = Target("sleep-2");
  std::string m = a(s1, 0);
  EXPECT_EQ(m.size(), std::string("meshverify-").size() + 32);
  EXPECT_EQ(m.rfind("meshverify-", 0), 0u);
  EXPECT_EQ(m.find_first_not_of("0123456789abcdef", 11), std::string::npos) << m;
  (void)b(s2, 100);  // another source first: no state carries over
  EXPECT_EQ(b(s1, 0), m);
  EXPECT_NE(a(s2, 0), m);
  EXPECT_NE(a(s1, 100), m);
  EXPECT_NE(c(s1, 0), m);
  EXPECT_NE(RandomMarker(), RandomMarker());
}

}  // namespace
}  // namespace meshverify::probe
