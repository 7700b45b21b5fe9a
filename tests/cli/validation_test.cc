// Flag and config values that used to be accepted wrongly (issue 15 item 8): each is refused
// with one line naming the flag or key, exit 2.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli/cli_test_util.h"
#include "fakes/fake_file_system.h"

namespace meshverify::cli {
namespace {

using namespace cli_test;  // NOLINT: RunCli

std::string LabMesh() {
  std::ifstream f(std::string(MESHVERIFY_SOURCE_DIR) + "/scripts/lab/mesh.yaml");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(ValidationTest, NegativeCountsAreRefusedNotWrapped) {
  testing::FakeFileSystem fs;
  fs.Add("mesh.yaml", LabMesh());
  for (const char* flag : {"--requests", "--seed", "--exec-requests"}) {
    Outcome o = RunCli({"check", "-c", "mesh.yaml", "--dry-run", flag, "-1"}, "", &fs);
    EXPECT_EQ(o.code, 2) << flag;
    EXPECT_EQ(o.err, "meshverify check: " + std::string(flag) + " -1: must not be negative\n");
  }
  Outcome load = RunCli({"load", "--direct", "--url", "http://127.0.0.1:9/", "--requests=-5"});
  EXPECT_EQ(load.code, 2);
  EXPECT_EQ(load.err, "meshverify load: --requests -5: must not be negative\n");
  // A positive value still parses.
  EXPECT_EQ(RunCli({"check", "-c", "mesh.yaml", "--dry-run", "--seed", "7"}, "", &fs).code, 0);
}

TEST(ValidationTest, TimeoutLongerThanDeadlineIsRefusedFromFlagsAsFromTheConfig) {
  testing::FakeFileSystem fs;
  fs.Add("mesh.yaml", LabMesh());
  Outcome o = RunCli(
      {"check", "-c", "mesh.yaml", "--dry-run", "--timeout", "10m", "--deadline", "1s"}, "", &fs);
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "meshverify check: --timeout 600s: longer than --deadline 1s\n");
  Outcome flag_only =
      RunCli({"check", "-c", "mesh.yaml", "--dry-run", "--timeout", "10m"}, "", &fs);
  EXPECT_EQ(flag_only.code, 2);
  EXPECT_EQ(flag_only.err, "meshverify check: --timeout 600s: longer than run.deadline 300s\n");
}

TEST(ValidationTest, ControlCharactersInTheTargetUrlFailAtConfigTime) {
  testing::FakeFileSystem fs;
  const std::string mesh = LabMesh();
  fs.Add("tab.yaml", Replace(mesh, "url: http://helloworld.sample:5000/hello",
                             "url: \"http://helloworld.sample:5000/he\\tllo\""));
  fs.Add("nul.yaml", Replace(mesh, "url: http://helloworld.sample:5000/hello",
                             "url: \"http://helloworld.sample:5000/\\0\""));
  Outcome tab = RunCli({"check", "-c", "tab.yaml", "--dry-run"}, "", &fs);
  EXPECT_EQ(tab.code, 2);
  EXPECT_EQ(tab.err, "meshverify check: tab.yaml:16: target.url: control character at byte 33\n");
  Outcome nul = RunCli({"check", "-c", "nul.yaml", "--dry-run"}, "", &fs);
  EXPECT_EQ(nul.code, 2);
  EXPECT_EQ(nul.err, "meshverify check: nul.yaml:16: target.url: control character at byte 31\n");
  Outcome load = RunCli({"load", "--direct", "--url", "http://h/\r\nX: y", "--requests", "1"});
  EXPECT_EQ(load.code, 2);
  EXPECT_EQ(load.err, "meshverify load: --url: control character at byte 10\n");
}

TEST(ValidationTest, KindConfigNeedsKindCluster) {
  testing::FakeFileSystem fs;
  fs.Add("any.yaml", "networking:\n  podSubnet: 10.1.0.0/16\n");
  fs.Add("pod.yaml", "kind: Pod\n");
  const std::string view =
      std::string(MESHVERIFY_TEST_DATA) + "/endpoints/helloworld_two_clusters.txt";
  std::ifstream f(view);
  std::stringstream ss;
  ss << f.rdbuf();
  fs.Add("view.txt", ss.str());
  Outcome any = RunCli({"endpoints", "--kind-config", "cluster1=any.yaml", "view.txt"}, "", &fs);
  EXPECT_EQ(any.code, 2);
  EXPECT_EQ(any.err, "meshverify endpoints: any.yaml: missing 'kind: Cluster'\n");
  Outcome pod = RunCli({"endpoints", "--kind-config", "cluster1=pod.yaml", "view.txt"}, "", &fs);
  EXPECT_EQ(pod.code, 2);
  EXPECT_EQ(pod.err, "meshverify endpoints: pod.yaml:1: kind: expected 'Cluster'\n");
}

}  // namespace
}  // namespace meshverify::cli
