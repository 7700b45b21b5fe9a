// `meshverify check` end to end through cli::Run, against a fake kubectl/istioctl that answers
// with the lab's captures (tests/data/check/) and synthesized probe streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_file_system.h"
#include "fakes/fake_mesh.h"

namespace meshverify::cli {
namespace {

using meshverify::testing::AddMeshDiscovery;
using meshverify::testing::AddMeshProbe;
using meshverify::testing::FakeAnswer;
using meshverify::testing::FakeClock;
using meshverify::testing::FakeCommandRunner;
using meshverify::testing::FramedProbeOutput;
using meshverify::testing::HelloFrom;

class CheckTest : public ::testing::Test {
 protected:
  int Check(std::vector<std::string> extra) {
    std::vector<std::string> words = {"meshverify", "check", "-c",
                                      std::string(MESHVERIFY_TEST_DATA) + "/check/mesh.yaml"};
    words.insert(words.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& w : words) argv.push_back(w.data());
    Environment env;
    env.in = &in_;
    env.out = &out_;
    env.err = &err_;
    env.runner = &runner_;
    env.clock = &clock_;
    env.interrupted = &interrupted_;
    if (fs_ != nullptr) env.fs = fs_;
    return meshverify::cli::Run(std::span<char* const>(argv.data(), argv.size()), env);
  }
  nlohmann::json Report() { return nlohmann::json::parse(out_.str()); }
  static const nlohmann::json* FindCheck(const nlohmann::json& r, const std::string& name) {
    for (const nlohmann::json& c : r["checks"]) {
      if (c["name"] == name) return &c;
    }
    return nullptr;
  }
  // The fake mesh's discovery, and the source pods of both clusters answering with `answer`.
  void AddMesh(const std::function<FakeAnswer(uint64_t)>& answer) {
    AddMeshDiscovery(runner_);
    AddMeshProbe(runner_, "kind-cluster1", answer);
    AddMeshProbe(runner_, "kind-cluster2", answer);
  }
  static bool HasNote(const nlohmann::json& r, const std::string& text) {
    for (const nlohmann::json& n : r["notes"]) {
      if (n.get<std::string>().find(text) != std::string::npos) return true;
    }
    return false;
  }
  static void ExpectAccounted(const nlohmann::json& s) {
    uint64_t errors = 0;
    for (auto& [k, v] : s["errors"].items()) errors += v.get<uint64_t>();
    EXPECT_EQ(s["requests"].get<uint64_t>(), s["ok"].get<uint64_t>() + errors) << s.dump();
  }

  std::istringstream in_;
  std::ostringstream out_, err_;
  FakeCommandRunner runner_;
  FakeClock clock_;
  std::atomic<bool> interrupted_{false};
  FileSystem* fs_ = nullptr;  // the real one unless a test sets it
};

// The fixture's mesh.yaml in a FakeFileSystem, for tests that write files.
void AddMeshYaml(meshverify::testing::FakeFileSystem& fs) {
  fs.Add(std::string(MESHVERIFY_TEST_DATA) + "/check/mesh.yaml",
         meshverify::testing::ReadTestFile("check/mesh.yaml"));
}

FakeAnswer Alternate(uint64_t seq) { return HelloFrom(seq % 2 == 0 ? 1 : 2); }

TEST_F(CheckTest, DryRunPrintsThePlanAndRunsNothing) {
  EXPECT_EQ(Check({"--dry-run", "--requests", "300"}), 0) << err_.str();
  EXPECT_TRUE(runner_.calls().empty());
  std::string plan = out_.str();
  EXPECT_NE(plan.find("cluster1: context kind-cluster1"), std::string::npos) << plan;
  EXPECT_NE(plan.find("300 requests per source at most, in 4 looks, concurrency 4"),
            std::string::npos)
      << plan;
  EXPECT_NE(plan.find("pods -n sample -l app=sleep"), std::string::npos) << plan;
  EXPECT_NE(plan.find("outbound|5000||helloworld.sample.svc.cluster.local"), std::string::npos);
}

TEST_F(CheckTest, HealthyMeshPasses) {
  AddMesh(Alternate);
  EXPECT_EQ(Check({"-o", "json", "--looks", "1"}), 0) << err_.str() << out_.str();
  nlohmann::json r = Report();
  EXPECT_EQ(r["verdict"], "pass");
  ASSERT_EQ(r["sources"].size(), 2u);
  for (const nlohmann::json& s : r["sources"]) {
    EXPECT_EQ(s["requests"], 2000);
    EXPECT_EQ(s["by_cluster"]["cluster1"]["count"], 1000);
    EXPECT_EQ(s["by_cluster"]["cluster2"]["count"], 1000);
    EXPECT_DOUBLE_EQ(s["by_cluster"]["cluster2"]["expected"].get<double>(), 0.5);
    ExpectAccounted(s);
  }
  ExpectAccounted(r["total"]);
  EXPECT_EQ(r["config"]["run"]["requests"], 2000);
  EXPECT_EQ(r["endpoints"].size(), 4u);
  for (const char* name : {"sources_found", "endpoint_views", "converged", "probe"}) {
    const nlohmann::json* c = FindCheck(r, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ((*c)["status"], "pass") << name;
  }
  // One exec per source for the whole run, never one per request.
  EXPECT_EQ(runner_.CountCalls(FakeCommandRunner::Prefix({"kubectl", "exec"})), 2u);
}

// An even split, up to 2000 requests per source in 4 looks at alpha / 4 each: the intervals
// are still too wide at 500 and 1000 requests, and inside 0.5 +- 0.05 at 1500.
TEST_F(CheckTest, SequentialGateStopsAtTheFirstLookThatDecides) {
  AddMesh(Alternate);
  EXPECT_EQ(Check({"-o", "json", "--looks", "4"}), 0) << err_.str() << out_.str();
  nlohmann::json r = Report();
  EXPECT_EQ(r["verdict"], "pass");
  // An exact 50/50 split is decided at 1000 requests (look 2 of 4; the exact gate at alpha
  // 0.0025 per look needs between 800 and 850), not at the last look.
  for (const nlohmann::json& s : r["sources"]) {
    EXPECT_EQ(s["requests"], 1000);
    EXPECT_EQ(s["gate"], "balanced");
    ExpectAccounted(s);
  }
  // One exec per source per look: 2 looks.
  EXPECT_EQ(runner_.CountCalls(FakeCommandRunner::Prefix({"kubectl", "exec"})), 4u);
  EXPECT_TRUE(HasNote(r, "looked 2 of 4 times, 1000 of at most 2000")) << r["notes"];
  EXPECT_EQ(r["config"]["run"]["looks"], 4);
}

// A 46/54 split never gets inside 0.5 ± 0.05 nor clearly outside it: every look is used.
TEST_F(CheckTest, SequentialGateUsesEveryLookWhileUndecided) {
  AddMesh([](uint64_t seq) { return HelloFrom(seq % 50 < 23 ? 1 : 2); });
  EXPECT_EQ(Check({"-o", "json", "--looks", "4"}), 4) << err_.str() << out_.str();
  nlohmann::json r = Report();
  EXPECT_EQ(r["verdict"], "inconclusive");
  for (const nlohmann::json& s : r["sources"]) {
    EXPECT_EQ(s["requests"], 2000);
    EXPECT_EQ(s["gate"], "inconclusive");
  }
  EXPECT_EQ(runner_.CountCalls(FakeCommandRunner::Prefix({"kubectl", "exec"})), 8u);
}

// What the view parser warns about reaches the report as a note naming the source.
TEST_F(CheckTest, ViewWarningsAreReportNotes) {
  runner_.On(FakeCommandRunner::Prefix({"istioctl"}, {"kind-cluster1"}),
             FakeCommandRunner::Ok(R"([{"name":"outbound|5000||helloworld.sample.svc.cluster.local",
               "hostStatuses":[
               {"address":{"socketAddress":{"address":"10.241.0.8","portValue":5000}}},
               {"address":{"socketAddress":{"address":"10.244.0.8","portValue":5000}}},
               {"address":{"socketAddress":{"address":"X.X.X.X","portValue":5000}}}]}])"));
  AddMesh(Alternate);
  Check({"-o", "json", "--looks", "1"});
  nlohmann::json r = Report();
  EXPECT_TRUE(HasNote(r, "view of cluster1/sleep-98vj4rhb6k-bl94b: istioctl -n sample"))
      << r["notes"].dump();
  EXPECT_TRUE(HasNote(r, "'X.X.X.X' is not an IP address (redacted?)")) << r["notes"].dump();
}

TEST_F(CheckTest, RouteDropFailsReachabilityWithTheRoutesHint) {
  AddMeshDiscovery(runner_, {{"kind-cluster1", "view_routedrop_cluster1.json"},
                             {"kind-cluster2", "view_healthy_cluster2.json"}});
  // cluster1's source: cluster2's endpoint is listed HEALTHY but only v1 ever answers.
  AddMeshProbe(runner_, "kind-cluster1", [](uint64_t) { return HelloFrom(1); });
  AddMeshProbe(runner_, "kind-cluster2", Alternate);
  meshverify::testing::FakeFileSystem fs;
  AddMeshYaml(fs);
  fs_ = &fs;
  EXPECT_EQ(Check({"--json", "out/check.json"}), 1) << err_.str();
  std::string text = out_.str();
  EXPECT_NE(text.find("FAIL"), std::string::npos) << text;
  ASSERT_TRUE(fs.Contents("out/check.json").has_value());
  nlohmann::json r = nlohmann::json::parse(*fs.Contents("out/check.json"));
  EXPECT_EQ(r["verdict"], "fail");
  const nlohmann::json* reach = FindCheck(r, "reachability");
  ASSERT_NE(reach, nullptr);
  EXPECT_EQ((*reach)["status"], "fail");
  EXPECT_NE((*reach)["detail"].get<std::string>().find("never cluster2"), std::string::npos)
      << (*reach)["detail"];
  EXPECT_NE((*reach)["hint"].get<std::string>().find("route"), std::string::npos)
      << (*reach)["hint"];
  for (const nlohmann::json& e : r["endpoints"]) {
    if (e["source_pod"] == meshverify::testing::kSleep1 && e["cluster"] == "cluster2") {
      EXPECT_EQ(e["health"], "HEALTHY");
    }
  }
}

TEST_F(CheckTest, PodDyingMidRunLosesNothingFromTheAccounting) {
  AddMeshDiscovery(runner_);
  AddMeshProbe(runner_, "kind-cluster2", Alternate);
  auto calls = std::make_shared<int>(0);
  runner_.On(FakeCommandRunner::Prefix({"kubectl", "exec"}, {"kind-cluster1"}),
             [calls](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
               auto p = meshverify::testing::ParseProbeScript(argv.back());
               CommandResult r;
               if ((*calls)++ == 0) r.stdout_text = FramedProbeOutput(*p, Alternate, 1000);
               r.exit_code = 1;
               r.stderr_text = "Error from server (NotFound): pods \"" +
                               std::string(meshverify::testing::kSleep1) + "\" not found\n";
               return r;
             });
  EXPECT_EQ(Check({"-o", "json", "--looks", "1"}), 1) << err_.str();
  nlohmann::json r = Report();
  for (const nlohmann::json& s : r["sources"]) {
    EXPECT_EQ(s["requests"], 2000);
    ExpectAccounted(s);
  }
  EXPECT_EQ(r["sources"][0]["errors"]["transport"], 1000);  // 1000 results arrived
  ExpectAccounted(r["total"]);
  const nlohmann::json* probe = FindCheck(r, "probe");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ((*probe)["status"], "fail");
  EXPECT_NE((*probe)["detail"].get<std::string>().find("not found"), std::string::npos)
      << (*probe)["detail"];
}

// Ctrl-C during the first look: the report is still written, marked interrupted; what came
// back counts, nothing else is sent. One source (--context), so no other probe thread races
// the interrupt.
TEST_F(CheckTest, InterruptKeepsWhatCameBackAndStopsProbing) {
  AddMeshDiscovery(runner_);
  std::atomic<bool>* interrupted = &interrupted_;
  runner_.On(FakeCommandRunner::Prefix({"kubectl", "exec"}),
             [interrupted](const FakeCommandRunner::Argv& argv) -> Result<CommandResult> {
               auto p = meshverify::testing::ParseProbeScript(argv.back());
               *interrupted = true;  // Ctrl-C after 300 results
               CommandResult r;
               r.stdout_text = FramedProbeOutput(*p, Alternate, 300);
               r.exit_code = 130;
               return r;
             });
  Check({"-o", "json", "--context", "kind-cluster1"});
  nlohmann::json r = Report();
  EXPECT_TRUE(r["interrupted"].get<bool>());
  ASSERT_EQ(r["sources"].size(), 1u);
  EXPECT_EQ(r["sources"][0]["requests"], 300);
  ExpectAccounted(r["sources"][0]);
  EXPECT_EQ(runner_.CountCalls(FakeCommandRunner::Prefix({"kubectl", "exec"})), 1u);
  EXPECT_TRUE(HasNote(r, "interrupted; 200 of 500 requests not sent")) << r["notes"];
}

TEST_F(CheckTest, RecordsGoToTheirFileOneLinePerRequest) {
  AddMesh(Alternate);
  meshverify::testing::FakeFileSystem fs;
  AddMeshYaml(fs);
  fs_ = &fs;
  // 10 requests decide nothing (exit 4); the records are the point.
  EXPECT_EQ(Check({"--looks", "1", "--requests", "10", "--records", "r.jsonl"}), 4) << err_.str();
  ASSERT_TRUE(fs.Contents("r.jsonl").has_value());
  const std::string records = *fs.Contents("r.jsonl");
  EXPECT_EQ(std::count(records.begin(), records.end(), '\n'), 20);
  EXPECT_NE(records.find("\"src_pod\":\"" + std::string(meshverify::testing::kSleep2) + "\""),
            std::string::npos);
  fs.Fail("r.jsonl");
  EXPECT_EQ(Check({"--looks", "1", "--requests", "10", "--records", "r.jsonl"}), 3);
  EXPECT_NE(err_.str().find("meshverify check: could not run: r.jsonl: Permission denied"),
            std::string::npos)
      << err_.str();
}

// --seed makes the exec scripts the same from run to run (the markers are derived from it).
TEST_F(CheckTest, SeedMakesTheExecScriptsReproducible) {
  AddMesh(Alternate);
  auto scripts = [&] {
    std::vector<std::string> out;
    for (const FakeCommandRunner::Argv& a : runner_.calls()) {
      if (a.size() > 1 && a[1] == "exec") out.push_back(a.back());
    }
    return out;
  };
  EXPECT_EQ(Check({"--looks", "1", "--requests", "10", "--seed", "7"}), 4) << err_.str();
  std::vector<std::string> first = scripts();
  EXPECT_EQ(Check({"--looks", "1", "--requests", "10", "--seed", "7"}), 4) << err_.str();
  std::vector<std::string> both = scripts();
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(both.size(), 4u);
  std::sort(first.begin(), first.end());
  std::vector<std::string> second(both.begin() + 2, both.end());
  std::sort(second.begin(), second.end());
  EXPECT_EQ(first, second);
  EXPECT_EQ(Check({"--looks", "1", "--requests", "10"}), 4) << err_.str();
  std::vector<std::string> all = scripts();
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::string> unseeded(all.begin() + 4, all.end());
  std::sort(unseeded.begin(), unseeded.end());
  EXPECT_NE(unseeded, first);
}

TEST_F(CheckTest, KubectlErrorIsCouldNotRun) {
  runner_.On(FakeCommandRunner::Prefix({"kubectl"}),
             FakeCommandRunner::Fail(1, "The connection to the server was refused\n"));
  EXPECT_EQ(Check({}), 3);
  EXPECT_NE(err_.str().find("could not run: kubectl get pods -n sample -l app=sleep --context "
                            "kind-cluster1 -o json: The connection to the server was refused"),
            std::string::npos)
      << err_.str();
}

TEST_F(CheckTest, APodListWithANumberNoDoubleHoldsIsALocatedInputError) {
  runner_.On(FakeCommandRunner::Prefix({"kubectl", "get", "pods"}),
             FakeCommandRunner::Ok(R"({"kind":"List","items":[{"spec":{"priority":1e999}}]})"));
  EXPECT_EQ(Check({}), 2);
  EXPECT_NE(err_.str().find("kubectl get pods -n sample -l app=sleep --context kind-cluster1 -o "
                            "json: byte 49: not JSON"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(err_.str().find("internal error"), std::string::npos) << err_.str();
}

TEST_F(CheckTest, UsageAndConfigErrorsExitTwo) {
  EXPECT_EQ(Check({"--requests", "0"}), 2);
  EXPECT_EQ(Check({"--no-such-flag"}), 2);
  EXPECT_EQ(Check({"--context", "kind-cluster9"}), 2);
  EXPECT_TRUE(runner_.calls().empty());
}

}  // namespace
}  // namespace meshverify::cli
