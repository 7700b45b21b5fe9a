#include "meshverify/discover.h"

#include <gtest/gtest.h>

#include <algorithm>
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
                 "endpoints", "--cluster", "outbound|5000||helloworld.sample.svc.cluster.local",
                 "-o", "json", "--", "sleep-98vj4rhb6k-dqw4d"})),
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

// Names from the API reach kubectl and istioctl where no flag is read: typed, or after `--`.
TEST(DiscoverTest, PodNamesReachTheToolsWhereNoFlagIsRead) {
  ClusterConfig c;
  c.name = "cluster1";
  c.context = "kind-cluster1";
  PodInfo pod;
  pod.name = "sleep-1";
  pod.ns = "sample";
  std::vector<std::string> istioctl = IstioctlEndpointsArgv(c, pod, "outbound|5000||h");
  std::vector<std::string> tail(istioctl.end() - 2, istioctl.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--", "sleep-1"}));
  std::vector<std::string> kubectl = PilotAgentClustersArgv(c, pod);
  EXPECT_NE(std::find(kubectl.begin(), kubectl.end(), "pod/sleep-1"), kubectl.end());
  EXPECT_EQ(std::find(kubectl.begin(), kubectl.end(), "sleep-1"), kubectl.end());
}

// A pod list naming a pod "--kubeconfig=/evil" stops discovery with a located input error
// before any call names it.
TEST(DiscoverTest, AHostilePodNameFromTheApiIsALocatedErrorAndReachesNoTool) {
  FakeCommandRunner runner;
  std::string pods = ReadTestFile("check/pods_sleep_cluster1.json");
  const std::string real = "\"sleep-98vj4rhb6k-bl94b\"";
  pods.replace(pods.find(real), real.size(), "\"--kubeconfig=/evil\"");
  runner.On(FakeCommandRunner::Prefix({"kubectl", "get", "pods"}, {"app=sleep", "kind-cluster1"}),
            FakeCommandRunner::Ok(pods));
  AddMeshDiscovery(runner);
  FakeClock clock;
  Result<Discovery> d = Discover(runner, clock, LabConfig(), DiscoverOptions{});
  ASSERT_FALSE(d.ok());
  EXPECT_TRUE(d.status().IsInvalidInput());
  EXPECT_EQ(d.status().message(),
            "kubectl get pods -n sample -l app=sleep --context kind-cluster1 -o json: items[0]: "
            "metadata.name: \"--kubeconfig=/evil\" is not a pod name (a DNS-1123 subdomain)");
  for (const auto& argv : runner.calls()) {
    for (const std::string& a : argv) EXPECT_EQ(a.find("/evil"), std::string::npos) << a;
  }
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
