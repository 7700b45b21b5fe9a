// `meshverify merge` run whole through cli::Run, with the reports it merges in a
// FakeFileSystem.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "fakes/fake_file_system.h"

namespace meshverify::cli {
namespace {

using namespace cli_test;  // NOLINT: RunCli, Lines, kData

// Runs `args` with --json NAME into `fs`; returns NAME.
std::string SaveReport(testing::FakeFileSystem& fs, const std::string& name,
                       const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> all = args;
  all.insert(all.end(), {"--json", name});
  Outcome o = RunCli(all, stdin_text, &fs);
  EXPECT_NE(o.code, 2) << o.err;
  return name;
}

TEST(CmdMergeTest, TwoInconclusiveRunsOfOneSourceMergeToAPass) {
  // The same source (stdin, "-") twice: 500 + 500 answers decide where 500 alone do not.
  testing::FakeFileSystem fs;
  std::string a =
      SaveReport(fs, "merge_a.json", {"analyze", "--expect", "v1=0.5,v2=0.5"}, Lines(250, 250));
  std::string b =
      SaveReport(fs, "merge_b.json", {"analyze", "--expect", "v1=0.5,v2=0.5"}, Lines(250, 250));
  Outcome single = RunCli({"report", a}, "", &fs);
  EXPECT_EQ(single.code, 4) << single.err;
  Outcome m = RunCli({"merge", a, b, "-o", "json"}, "", &fs);
  EXPECT_EQ(m.code, 0) << m.err;
  nlohmann::json j = m.json();
  ASSERT_FALSE(j.is_discarded()) << m.out;
  ASSERT_EQ(j["sources"].size(), 1u);
  EXPECT_EQ(j["sources"][0]["ok"], 1000);
  EXPECT_EQ(j["config"]["merged_from"].size(), 2u);
  // A tighter tolerance from the command line overrides the reports' config.
  EXPECT_EQ(RunCli({"merge", a, b, "--tolerance", "0.01"}, "", &fs).code, 4);
}

TEST(CmdMergeTest, AnEditedReportIsRefusedWithItsPlace) {
  testing::FakeFileSystem fs;
  std::string a =
      SaveReport(fs, "merge_a.json", {"analyze", "--expect", "v1=0.5,v2=0.5"}, Lines(250, 250));
  std::string b =
      SaveReport(fs, "merge_b.json", {"analyze", "--expect", "v1=0.5,v2=0.5"}, Lines(250, 250));
  nlohmann::json j = nlohmann::json::parse(*fs.Contents(b));
  j["sources"][0]["by_version"]["v1"]["count"] = 400;  // 400 + 250 of 500 ok
  fs.Add(b, j.dump());
  Outcome m = RunCli({"merge", a, b}, "", &fs);
  EXPECT_EQ(m.code, 2) << m.err;
  EXPECT_EQ(m.err.rfind("meshverify merge: merge_b.json: /sources/0/by_version", 0), 0u) << m.err;
  EXPECT_EQ(std::count(m.err.begin(), m.err.end(), '\n'), 1) << m.err;
}

TEST(CmdMergeTest, BadInputsExit2) {
  EXPECT_EQ(RunCli({"merge"}).code, 2);
  Outcome missing = RunCli({"merge", kData + "missing.json"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err.rfind("meshverify merge: " + kData + "missing.json", 0), 0u) << missing.err;
  Outcome garbage = RunCli({"merge", kData + "balanced.txt"});
  EXPECT_EQ(garbage.code, 2);
  EXPECT_EQ(std::count(garbage.err.begin(), garbage.err.end(), '\n'), 1) << garbage.err;
}

}  // namespace
}  // namespace meshverify::cli
