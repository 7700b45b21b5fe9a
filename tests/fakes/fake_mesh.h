#pragma once
// A FakeCommandRunner loaded with the lab captures in tests/data/check/ (two clusters, one
// sleep pod and one helloworld pod each): kubectl get pods, istioctl proxy-config endpoints,
// and kubectl exec answered by a per-source function of the request seq.

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "fakes/fake_command_runner.h"
#include "fakes/fake_probe_output.h"

namespace meshverify::testing {

inline std::string ReadTestFile(const std::string& rel) {
  std::ifstream f(std::string(MESHVERIFY_TEST_DATA) + "/" + rel, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Names in the captures.
inline constexpr char kSleep1[] = "sleep-98vj4rhb6k-bl94b";
inline constexpr char kSleep2[] = "sleep-98vj4rhb6k-dqw4d";
inline constexpr char kHelloV1[] = "helloworld-v1-l2kgbbhxgd-sv4mz";
inline constexpr char kHelloV2[] = "helloworld-v2-r2q2d2tg4b-5rsxd";

inline FakeAnswer HelloFrom(int version) {
  return {200, 0,
          std::string("Hello version: v") + std::to_string(version) +
              ", instance: " + (version == 1 ? kHelloV1 : kHelloV2) + "\n"};
}

// Registers pods and views. `views` maps context -> file under tests/data/check/.
inline void AddMeshDiscovery(FakeCommandRunner& runner,
                             std::map<std::string, std::string> views = {
                                 {"kind-cluster1", "view_healthy_cluster1.json"},
                                 {"kind-cluster2", "view_healthy_cluster2.json"}}) {
  using F = FakeCommandRunner;
  for (int c : {1, 2}) {
    std::string ctx = "kind-cluster" + std::to_string(c);
    std::string n = std::to_string(c);
    runner.On(F::Prefix({"kubectl", "get", "pods"}, {"app=sleep", ctx}),
              F::Ok(ReadTestFile("check/pods_sleep_cluster" + n + ".json")));
    runner.On(F::Prefix({"kubectl", "get", "pods"}, {"app=helloworld", ctx}),
              F::Ok(ReadTestFile("check/pods_helloworld_cluster" + n + ".json")));
    runner.On(F::Prefix({"istioctl"}, {ctx, "proxy-config", "endpoints"}),
              F::Ok(ReadTestFile("check/" + views[ctx])));
    // One network: no east-west gateway services.
    runner.On(F::Prefix({"kubectl", "get", "services", "-n", "istio-system"}, {ctx}),
              F::Ok(R"({"apiVersion":"v1","kind":"List","items":[]})"));
  }
}

// Registers `kubectl exec` for the source pod of `context`.
inline void AddMeshProbe(FakeCommandRunner& runner, const std::string& context,
                         std::function<FakeAnswer(uint64_t)> answer) {
  runner.On(FakeCommandRunner::Prefix({"kubectl", "exec"}, {context}),
            [answer](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
              if (auto pre = FakePreflightOutput(argv.back())) return FakeCommandRunner::Ok(*pre);
              auto p = ParseProbeScript(argv.back());
              if (!p) return FakeCommandRunner::Fail(1, "fake: not a probe script\n");
              return FakeCommandRunner::Ok(FramedProbeOutput(*p, answer));
            });
}

}  // namespace meshverify::testing
