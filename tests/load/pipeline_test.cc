// The whole pipeline on a FakeProber: windows, accounting, pooling, streaming, sweeps, SLOs.
#include <gtest/gtest.h>

#include <mutex>
#include <sstream>

#include "fakes/fake_clock.h"
#include "fakes/fake_prober.h"
#include "meshverify/load.h"

namespace meshverify::load {
namespace {

using std::chrono::milliseconds;

// Source 0 (cluster1) is answered round robin by v1 (cluster1) and v2 (cluster2); source 1
// (cluster2) only by v2. Every 50th request fails with a 503, every 40th is late.
void Answer(const ProbeSource& src, uint64_t seq, double t, ProbeRecord* r) {
  const bool v1 = src.cluster == "cluster1" && seq % 2 == 0;
  r->body = std::string("Hello version: ") + (v1 ? "v1" : "v2") + ", instance: helloworld-" +
            (v1 ? "v1" : "v2") + "-x\n";
  if (seq % 50 == 49) r->http_code = 503;
  if (seq % 40 == 39) {
    r->late = true;
    r->sent_ms = t + 30;
  }
  r->total_ms = v1 ? 2 : 4;
}

LoadSettings Settings() {
  LoadSettings s;
  s.url = "http://helloworld.sample:5000/hello";
  s.sources = {{"cluster1", "sleep-a", "", "", "", ""}, {"cluster2", "sleep-b", "", "", "", ""}};
  s.rate = 100;
  s.concurrency = 8;
  s.duration = milliseconds(10000);
  s.window = milliseconds(1000);
  s.warmup = milliseconds(2000);
  s.cluster_of_instance = {{"helloworld-v1-x", "cluster1"}, {"helloworld-v2-x", "cluster2"}};
  s.expected = {{"cluster1", 0.5}, {"cluster2", 0.5}};
  s.expected_clusters = true;
  return s;
}

uint64_t ErrorSum(const Window& w) {
  uint64_t n = 0;
  for (const auto& [k, v] : w.errors) n += v;
  return n;
}

TEST(RunLoadExperimentTest, WindowsAccountForEveryRequestPerSourceAndPooled) {
  testing::FakeClock clock;
  testing::FakeProber prober(Answer);
  std::mutex mu;
  std::vector<uint64_t> streamed;
  LoadHooks hooks;
  hooks.on_window = [&](const Window& pooled, const std::vector<Window>& sources) {
    std::lock_guard<std::mutex> lock(mu);
    streamed.push_back(pooled.index);
    EXPECT_EQ(sources.size(), 2u);
    EXPECT_EQ(pooled.requests, sources[0].requests + sources[1].requests);
  };
  Result<LoadReport> r = RunLoadExperiment(Settings(), prober, clock, nullptr, nullptr, hooks);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mode, "direct");
  EXPECT_EQ(r->requests, 2000u);  // 100 req/s x 10 s x 2 sources
  EXPECT_EQ(r->requests, r->ok + r->errors.at("http_5xx"));
  EXPECT_EQ(r->late, 50u);
  ASSERT_EQ(r->pooled.size(), 10u);
  ASSERT_EQ(r->windows.size(), 20u);
  EXPECT_EQ(streamed, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  for (const Window& w : r->windows) {
    EXPECT_EQ(w.requests, 100u);
    EXPECT_EQ(w.requests, w.ok + ErrorSum(w));
    EXPECT_EQ(w.warmup, w.start_s < 2);
    EXPECT_EQ(w.source, w.cluster == "cluster1" ? "sleep-a" : "sleep-b");
  }
  for (const Window& w : r->pooled) {
    EXPECT_EQ(w.requests, w.ok + ErrorSum(w));
    EXPECT_DOUBLE_EQ(w.rate(), 200);
    EXPECT_EQ(w.by_cluster.size(), 2u);
  }
  const Window& b = r->windows[1];  // window 0 of sleep-b: only cluster2
  EXPECT_EQ(b.by_cluster.at("cluster1").count, 0u);
  EXPECT_EQ(b.by_cluster.at("cluster2").share, 1);
  EXPECT_NEAR(r->summary.latency_ms.at("cluster1").p99, 2, 0.02);
  EXPECT_EQ(r->summary.requests, 1600u);                            // the 8 steady windows
  EXPECT_NEAR(r->summary.latency_ms.at("cluster2").max, 34, 1e-9);  // 30 ms late + 4 ms
  EXPECT_NEAR(r->summary.send_latency_ms.at("cluster2").max, 4, 1e-9);
  EXPECT_EQ(r->verdict, Verdict::kPass);  // no SLO
}

TEST(RunLoadExperimentTest, SlosDecideTheVerdictOnSteadyWindows) {
  testing::FakeClock clock;
  testing::FakeProber prober(Answer);
  LoadSettings s = Settings();
  for (const char* e : {"errors<=2%", "p99(cluster1)<3ms", "rate>=199", "late < 5%"}) {
    s.slos.push_back(*ParseSlo(e));
  }
  Result<LoadReport> pass = RunLoadExperiment(s, prober, clock, nullptr, nullptr, {});
  ASSERT_TRUE(pass.ok());
  for (const SloResult& slo : pass->slos) EXPECT_EQ(slo.status, "pass") << slo.expr;
  EXPECT_EQ(pass->verdict, Verdict::kPass);
  s.slos.push_back(*ParseSlo("share(cluster2) in [0.4,0.6]"));  // 75 % pooled
  Result<LoadReport> fail = RunLoadExperiment(s, prober, clock, nullptr, nullptr, {});
  ASSERT_TRUE(fail.ok());
  EXPECT_EQ(fail->slos.back().status, "fail");
  EXPECT_EQ(fail->verdict, Verdict::kFail);
  EXPECT_EQ(ToInt(ExitCodeFor(fail->verdict)), 1);
}

TEST(RunLoadExperimentTest, SweepRunsOneStepPerValue) {
  testing::FakeClock clock;
  testing::FakeProber prober(Answer);
  LoadSettings s = Settings();
  s.rate = 0;
  s.sweep = *ParseSweep("rate=50,200");
  Result<LoadReport> r = RunLoadExperiment(s, prober, clock, nullptr, nullptr, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->steps.size(), 2u);
  EXPECT_EQ(r->steps[0].axis, "rate");
  EXPECT_DOUBLE_EQ(r->steps[0].value, 50);
  EXPECT_DOUBLE_EQ(r->steps[0].summary.rate(), 100);  // 2 sources
  EXPECT_DOUBLE_EQ(r->steps[1].summary.rate(), 400);
  EXPECT_EQ(r->pooled.size(), 20u);
  EXPECT_EQ(r->pooled[10].step, 1);
  EXPECT_EQ(r->requests, 2u * (500 + 2000));
}

TEST(RunLoadExperimentTest, AchievedRateCountsActualSendsWhenTheClientFallsBehind) {
  testing::FakeClock clock;
  // Every request goes out at twice its intended time: the client keeps half the pace.
  testing::FakeProber prober([](const ProbeSource& src, uint64_t seq, double t, ProbeRecord* r) {
    Answer(src, seq, t, r);
    r->sent_ms = 2 * t;
    r->late = t > 0;
  });
  LoadSettings s = Settings();
  s.sources.resize(1);
  s.warmup = milliseconds(0);
  s.slos.push_back(*ParseSlo("rate >= 90"));
  Result<LoadReport> r = RunLoadExperiment(s, prober, clock, nullptr, nullptr, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->steps.size(), 1u);
  EXPECT_DOUBLE_EQ(r->steps[0].summary.rate(), 100);             // by intended time: the schedule
  EXPECT_NEAR(r->steps[0].achieved_rate, 1000.0 / 19.98, 0.01);  // 1000 sends in 19.98 s
  EXPECT_NEAR(r->pooled[9].sent_end_s, 19.98, 1e-9);
  EXPECT_EQ(r->slos[0].status, "fail");
}

TEST(RunLoadExperimentTest, RefusesSettingsThatCannotRun) {
  testing::FakeClock clock;
  testing::FakeProber prober(Answer);
  LoadSettings s = Settings();
  s.sources.clear();
  EXPECT_EQ(RunLoadExperiment(s, prober, clock, nullptr, nullptr, {}).status().message(),
            "load: no source to send from");
  s = Settings();
  s.duration = milliseconds(0);
  EXPECT_EQ(RunLoadExperiment(s, prober, clock, nullptr, nullptr, {}).status().message(),
            "load: give --duration or --requests");
  s = Settings();
  s.pattern = "(";
  EXPECT_FALSE(RunLoadExperiment(s, prober, clock, nullptr, nullptr, {}).ok());
}

TEST(ParseSweepTest, ReadsAxesAndRejectsBadValues) {
  Result<Sweep> s = ParseSweep("concurrency=1,4,16");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->values, (std::vector<double>{1, 4, 16}));
  EXPECT_EQ(ParseSweep("conc=1").status().message(),
            "--sweep 'conc=1': unknown axis 'conc' (concurrency or rate)");
  EXPECT_EQ(ParseSweep("rate=100,,5").status().message(),
            "--sweep 'rate=100,,5': '': expected a positive number");
  EXPECT_EQ(ParseSweep("concurrency=1.5").status().message(),
            "--sweep 'concurrency=1.5': '1.5': a concurrency is a whole number in [1, 10000]");
  EXPECT_EQ(ParseSweep("rate").status().message(),
            "--sweep 'rate': expected concurrency=1,4,16 or rate=100,500");
}

TEST(ParseEventTest, ReadsTimeAndCommand) {
  Result<EventSpec> e = ParseEvent("4s=scripts/lab/lab fault route-drop cluster1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->at, milliseconds(4000));
  EXPECT_EQ(e->command, "scripts/lab/lab fault route-drop cluster1");
  EXPECT_EQ(ParseEvent("1500ms=a=b")->command, "a=b");
  EXPECT_EQ(ParseEvent("nothing").status().message(),
            "--at 'nothing': expected T=COMMAND, e.g. 4s='...'");
  EXPECT_FALSE(ParseEvent("xs=true").ok());
}

}  // namespace
}  // namespace meshverify::load

namespace meshverify::load {
namespace {

TEST(WriteLoadReportJsonTest, StreamsTheSameDocumentAsLoadReportToJson) {
  testing::FakeClock clock;
  testing::FakeProber prober(Answer);
  LoadSettings s = Settings();
  s.slos.push_back(*ParseSlo("errors<5%"));
  Result<LoadReport> r = RunLoadExperiment(s, prober, clock, nullptr, nullptr, {});
  ASSERT_TRUE(r.ok());
  std::ostringstream out;
  WriteLoadReportJson(*r, out);
  EXPECT_EQ(nlohmann::json::parse(out.str()), LoadReportToJson(*r));
  LoadReport empty;
  std::ostringstream none;
  WriteLoadReportJson(empty, none);
  EXPECT_EQ(nlohmann::json::parse(none.str()), LoadReportToJson(empty));
}

}  // namespace
}  // namespace meshverify::load
