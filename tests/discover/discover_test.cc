#include "meshverify/discover.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_mesh.h"

namespace meshverify::discover {
namespace {

using meshverify::testing::AddMeshDiscovery;
using meshverify::testing::FakeClock;
using meshverify::testing::FakeCommandRunner;
using meshverify::testing::ReadTestFile;

MeshConfig LabConfig() {
  Result<MeshConfig> m = ParseMeshConfig(ReadTestFile("check/mesh.yaml"), "mesh.yaml");
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

TEST(DiscoverTest, FindsPodsAndConvergedViewsOfTheLab) {
  FakeCommandRunner runner;
  AddMeshDiscovery(runner);
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->sources.size(), 2u);
  EXPECT_EQ(d->sources[0].cluster, "cluster1");
  EXPECT_EQ(d->sources[1].cluster, "cluster2");
  EXPECT_EQ(d->destinations.size(), 2u);
  const std::vector<Endpoint>& v = d->views.at("cluster1/sleep-98vj4rhb6k-bl94b");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cluster, "cluster1");
  EXPECT_EQ(v[1].cluster, "cluster2");
  EXPECT_EQ(v[1].source_pod, "sleep-98vj4rhb6k-bl94b");
  ASSERT_EQ(d->checks.size(), 3u);
  for (const CheckResult& c : d->checks) EXPECT_EQ(c.status, CheckStatus::kPass) << c.name;
  EXPECT_EQ(d->view_reads, 1);
  // The exact calls, as kubectl and istioctl spell them.
  std::vector<std::string> want = {"kubectl",   "get",       "pods",          "-n", "sample", "-l",
                                   "app=sleep", "--context", "kind-cluster1", "-o", "json"};
  EXPECT_EQ(runner.calls()[0], want);
  EXPECT_EQ(runner.CountCalls(FakeCommandRunner::Prefix(
                {"istioctl", "-n", "sample", "--context", "kind-cluster2", "proxy-config",
                 "endpoints", "sleep-98vj4rhb6k-dqw4d", "--cluster",
                 "outbound|5000||helloworld.sample.svc.cluster.local", "-o", "json"})),
            1u);
}

TEST(DiscoverTest, WaitsForConvergenceThenReportsTheGap) {
  FakeCommandRunner runner;
  // cluster1's sidecar only knows its local endpoint, for ever.
  runner.On(FakeCommandRunner::Prefix({"istioctl"}, {"kind-cluster1"}),
            FakeCommandRunner::Ok(R"([{"name":"outbound|5000||helloworld.sample.svc.cluster.local",
              "hostStatuses":[{"address":{"socketAddress":{"address":"10.241.0.8","portValue":5000}},
              "healthStatus":{"edsHealthStatus":"HEALTHY"}}]}])"));
  AddMeshDiscovery(runner);
  FakeClock clock;
  DiscoverOptions opt;
  opt.wait = std::chrono::seconds(5);
  opt.poll = std::chrono::seconds(1);
  Result<Discovery> d = Discover(runner, clock, LabConfig(), opt);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->view_reads, 6);  // at 0, 1, ... 5 s
  EXPECT_EQ(clock.Monotonic().time_since_epoch(), std::chrono::seconds(5));
  const CheckResult& c = d->checks.back();
  EXPECT_EQ(c.name, "converged");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_EQ(c.detail,
            "not converged after 5.0 s: cluster1/sleep-98vj4rhb6k-bl94b lists no endpoint of "
            "cluster2 (1 Ready destination pod)");
}

TEST(DiscoverTest, NoSourcePodsIsAFailedCheckNotAnError) {
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "pods"}, {"app=sleep"}),
            FakeCommandRunner::Ok(R"({"kind":"List","items":[]})"));
  AddMeshDiscovery(runner);
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->sources.empty());
  ASSERT_EQ(d->checks.size(), 1u);
  EXPECT_EQ(d->checks[0].status, CheckStatus::kFail);
  EXPECT_EQ(d->checks[0].detail,
            "no Running and Ready pod matches -n sample -l app=sleep in cluster1, cluster2");
}

TEST(DiscoverTest, KubectlFailureIsCouldNotRunWithItsFirstStderrLine) {
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"kubectl"}),
            FakeCommandRunner::Fail(1, "error: context \"kind-cluster1\" does not exist\nmore\n"));
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsUnavailable());
  EXPECT_EQ(d.status().message(),
            "kubectl get pods -n sample -l app=sleep --context kind-cluster1 -o json: error: "
            "context \"kind-cluster1\" does not exist");
}

TEST(DiscoverTest, FallsBackToPilotAgentWhenIstioctlIsMissing) {
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"istioctl"}),
            [](const FakeCommandRunner::Argv&) -> Result<CommandResult> {
              return Status::Unavailable("istioctl: cannot start: No such file or directory");
            });
  AddMeshDiscovery(runner);
  FakeClock clock;
  // Without a pilot-agent answer the fallback's own failure is reported.
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(
      d.status().message().rfind("kubectl exec -n sample --context kind-cluster1 --kubeconfig", 0),
      std::string::npos);
  EXPECT_NE(d.status().message().find("-c istio-proxy -- pilot-agent request GET "
                                      "'clusters?format=json'"),
            std::string::npos)
      << d.status().message();
  EXPECT_EQ(runner.CountCalls(FakeCommandRunner::Prefix({"istioctl"})), 1u);
}

// A view the parser warns about (here: an address that is not an IP) is read, and the warning
// becomes a note of the discovery, named by the source, once however many reads it took.
TEST(DiscoverTest, ViewWarningsBecomeNotes) {
  FakeCommandRunner runner;
  runner.On(FakeCommandRunner::Prefix({"istioctl"}, {"kind-cluster1"}),
            FakeCommandRunner::Ok(R"([{"name":"outbound|5000||helloworld.sample.svc.cluster.local",
              "hostStatuses":[{"address":{"socketAddress":{"address":"10.241.0.8","portValue":5000}}},
              {"address":{"socketAddress":{"address":"10.244.0.8","portValue":5000}}},
              {"address":{"socketAddress":{"address":"X.X.X.X","portValue":5000}}}]}])"));
  AddMeshDiscovery(runner);
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->views.at("cluster1/sleep-98vj4rhb6k-bl94b").size(), 3u);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_EQ(d->notes[0].rfind("view of cluster1/sleep-98vj4rhb6k-bl94b: istioctl -n sample", 0), 0u)
      << d->notes[0];
  EXPECT_NE(d->notes[0].find(": [0].hostStatuses[2].address.socketAddress.address: 'X.X.X.X' is "
                             "not an IP address (redacted?)"),
            std::string::npos)
      << d->notes[0];
}

}  // namespace
}  // namespace meshverify::discover
