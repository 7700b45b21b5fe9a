#include <gtest/gtest.h>

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
// printed by the call-th exec (-1 = all) and `code(call)` is its exit code.
FakeCommandRunner::Responder Pod(std::function<int(int)> results, std::function<int(int)> code,
                                 std::string err = "") {
  auto calls = std::make_shared<int>(0);
  return [=](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
    int call = (*calls)++;
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

TEST(ExecProberTest, RefusesOpenLoopSpecsWithAClearMessage) {
  FakeCommandRunner runner;
  FakeClock clock;
  ExecProber prober(runner, clock);
  ProbeSpec spec = Options(10);
  EXPECT_TRUE(prober.CheckSpec(spec).ok());
  spec.rate = 200;
  Status s = prober.CheckSpec(spec);
  EXPECT_TRUE(s.IsUsage());
  EXPECT_NE(s.message().find("exec mode sends closed loop only"), std::string::npos) << s.message();
  Sink sink;
  ProbeOutcome o = prober.Probe(Target(), spec, nullptr, sink.fn());
  EXPECT_TRUE(o.gave_up);
  EXPECT_EQ(o.not_issued, 10u);
  EXPECT_EQ(o.last_error, s.message());
  EXPECT_TRUE(sink.records.empty());
  EXPECT_TRUE(runner.calls().empty());
  spec.rate = 0;
  spec.duration = std::chrono::seconds(5);
  EXPECT_TRUE(prober.CheckSpec(spec).IsUsage());
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
