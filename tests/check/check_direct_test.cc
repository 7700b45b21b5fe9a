// The check pipeline in direct mode (CheckSettings::direct_source, `check --direct`, a Job's
// pod): one source, no discovery (no kubectl call at all), the given destinations, no view.
#include <gtest/gtest.h>

#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fake_mesh.h"
#include "fakes/fake_prober.h"
#include "meshverify/check.h"
#include "meshverify/config.h"

namespace meshverify {
namespace {

using testing::FakeClock;
using testing::FakeCommandRunner;
using testing::FakeProber;

void Alternate(const ProbeSource&, uint64_t seq, double, ProbeRecord* r) {
  r->body = std::string("Hello version: v") + (seq % 2 == 0 ? "1" : "2") +
            ", instance: " + (seq % 2 == 0 ? testing::kHelloV1 : testing::kHelloV2) + "\n";
}

CheckSettings Direct(const std::string& expect) {
  Result<MeshConfig> mesh = ParseMeshConfig(testing::ReadTestFile("check/mesh.yaml"), "mesh.yaml");
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  CheckSettings s;
  s.mesh = *mesh;
  s.mesh.run.requests = 4000;
  s.mesh.run.looks = 1;
  if (!expect.empty()) {
    s.mesh.expect.from_endpoints = false;
    s.mesh.expect.shares = {{expect, 0.5}, {expect == "cluster1" ? "cluster2" : "v2", 0.5}};
  }
  s.direct_source = ProbeSource{"cluster1", "meshverify-check-x-0", "", "", "", ""};
  s.direct_destinations = {{testing::kHelloV1, "cluster1"}, {testing::kHelloV2, "cluster2"}};
  return s;
}

const CheckResult* FindCheck(const Report& r, const std::string& name) {
  for (const CheckResult& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(CheckDirectTest, OneSourceNoDiscoveryDestinationsGiven) {
  FakeCommandRunner runner;  // answers nothing: any call would fail the run
  FakeProber prober(Alternate);
  FakeClock clock;
  Result<CheckRun> run = RunCheck(Direct("cluster1"), runner, prober, clock);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(runner.calls().empty());
  ASSERT_EQ(prober.calls().size(), 1u);
  EXPECT_EQ(prober.calls()[0].source.pod, "meshverify-check-x-0");
  const Report& r = run->report;
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_EQ(r.sources[0].pod, "meshverify-check-x-0");
  EXPECT_EQ(r.sources[0].cluster, "cluster1");
  EXPECT_EQ(r.sources[0].requests, 4000u);
  EXPECT_EQ(r.sources[0].by_cluster.at("cluster1").count, 2000u);
  EXPECT_EQ(r.sources[0].by_cluster.at("cluster2").count, 2000u);
  for (const CheckResult& c : r.checks)
    EXPECT_NE(c.status, CheckStatus::kFail) << c.name << ": " << c.detail;
  EXPECT_EQ(r.sources[0].gate, GateVerdict::kBalanced);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  ASSERT_NE(FindCheck(r, "instances_known"), nullptr);
  EXPECT_EQ(FindCheck(r, "instances_known")->status, CheckStatus::kPass);
}

TEST(CheckDirectTest, ExpectEndpointsGatesNothingAndSaysSo) {
  FakeCommandRunner runner;
  FakeProber prober(Alternate);
  FakeClock clock;
  Result<CheckRun> run = RunCheck(Direct(""), runner, prober, clock);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  const Report& r = run->report;
  EXPECT_EQ(r.sources[0].gate, GateVerdict::kNone);
  bool noted = false;
  for (const std::string& n : r.notes) noted = noted || n.find("no endpoint view read") != n.npos;
  EXPECT_TRUE(noted);
  // No view was read, so no check claims an answer is missing from one.
  EXPECT_NE(FindCheck(r, "instances_known")->status, CheckStatus::kFail);
}

// An Envoy /clusters line set for one host (what the caller reads from the admin API).
Endpoint Host(const std::string& address, HealthStatus health) {
  Endpoint e;
  e.envoy_cluster = "outbound|5000||helloworld.sample.svc.cluster.local";
  e.address = address;
  e.port = 5000;
  e.health = health;
  return e;
}

CheckSettings WithOwnView(std::vector<Endpoint> view) {
  CheckSettings s = Direct("");
  s.mesh.clusters[0].pod_cidrs = {"10.241.0.0/16"};
  s.mesh.clusters[1].pod_cidrs = {"10.244.0.0/16"};
  s.direct_view = std::move(view);
  s.direct_view_from = "GET http://127.0.0.1:15000/clusters";
  s.direct_destination_ips = {{testing::kHelloV1, "10.241.0.8"}, {testing::kHelloV2, "10.244.0.8"}};
  return s;
}

TEST(CheckDirectTest, ExpectEndpointsGatesSharesFromTheSourcesOwnView) {
  FakeCommandRunner runner;  // the view comes with the settings: still no kubectl call
  FakeProber prober(Alternate);
  FakeClock clock;
  CheckSettings s = WithOwnView(
      {Host("10.241.0.8", HealthStatus::kHealthy), Host("10.244.0.8", HealthStatus::kHealthy)});
  Result<CheckRun> run = RunCheck(s, runner, prober, clock);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_TRUE(runner.calls().empty());
  const Report& r = run->report;
  ASSERT_EQ(r.sources.size(), 1u);
  EXPECT_DOUBLE_EQ(*r.sources[0].by_cluster.at("cluster1").expected, 0.5);
  EXPECT_DOUBLE_EQ(*r.sources[0].by_cluster.at("cluster2").expected, 0.5);
  EXPECT_EQ(r.sources[0].gate, GateVerdict::kBalanced);
  EXPECT_EQ(r.verdict, Verdict::kPass);
  for (const CheckResult& c : r.checks)
    EXPECT_NE(c.status, CheckStatus::kFail) << c.name << ": " << c.detail;
  EXPECT_EQ(FindCheck(r, "instances_known")->status, CheckStatus::kPass);
  bool noted = false;
  for (const std::string& n : r.notes) {
    noted = noted || n.find("its own sidecar's endpoint view read (GET http") != n.npos;
  }
  EXPECT_TRUE(noted);
}

TEST(CheckDirectTest, AViewWithOneClusterUnhealthySkewsTheGate) {
  FakeCommandRunner runner;
  FakeProber prober(Alternate);  // answers stay 50/50: the view says all should go to cluster1
  FakeClock clock;
  CheckSettings s = WithOwnView(
      {Host("10.241.0.8", HealthStatus::kHealthy), Host("10.244.0.8", HealthStatus::kUnhealthy)});
  Result<CheckRun> run = RunCheck(s, runner, prober, clock);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_DOUBLE_EQ(*run->report.sources[0].by_cluster.at("cluster1").expected, 1.0);
  EXPECT_EQ(run->report.sources[0].gate, GateVerdict::kSkewed);
  EXPECT_EQ(run->report.verdict, Verdict::kFail);
}

TEST(CheckDirectTest, AnUnknownAnsweringPodFails) {
  FakeCommandRunner runner;
  FakeProber prober(Alternate);
  FakeClock clock;
  CheckSettings s = Direct("cluster1");
  s.direct_destinations.erase(testing::kHelloV2);
  Result<CheckRun> run = RunCheck(s, runner, prober, clock);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(FindCheck(run->report, "instances_known")->status, CheckStatus::kFail);
}

}  // namespace
}  // namespace meshverify
