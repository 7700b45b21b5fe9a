// `meshverify analyze` run whole through cli::Run with string streams and a FakeClock: exit
// codes, error lines and key report fields.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_util.h"
#include "fakes/fake_file_system.h"

namespace meshverify::cli {
namespace {

using namespace cli_test;  // NOLINT: RunCli, Lines, kData

TEST(CmdAnalyzeTest, BalancedFilePasses) {
  Outcome o =
      RunCli({"analyze", kData + "balanced.txt", "--expect", "v1=0.5,v2=0.5", "-o", "json"});
  EXPECT_EQ(o.code, 0) << o.err;
  nlohmann::json j = o.json();
  ASSERT_FALSE(j.is_discarded()) << o.out;
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["total"]["requests"], 2000);
  EXPECT_EQ(j["total"]["by_version"]["v1"]["count"], 1000);
  EXPECT_EQ(j["started_at"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(j["config"]["expect_by"], "version");
  EXPECT_EQ(o.err, "");
}

TEST(CmdAnalyzeTest, SkewedFileFailsWithTheSkewedShareNamed) {
  Outcome o = RunCli({"analyze", kData + "skewed.txt", "--expect", "v1=0.5,v2=0.5", "-o", "json"});
  EXPECT_EQ(o.code, 1) << o.err;
  nlohmann::json j = o.json();
  ASSERT_FALSE(j.is_discarded());
  bool found = false;
  for (const auto& c : j["checks"]) {
    if (c["name"] != "balance") continue;
    found = true;
    EXPECT_EQ(c["status"], "fail");
    EXPECT_NE(c["detail"].get<std::string>().find("v1 0.700"), std::string::npos) << c.dump();
  }
  EXPECT_TRUE(found);
}

TEST(CmdAnalyzeTest, TinyInputIsInconclusiveWhateverTheFormat) {
  for (const char* fmt : {"text", "json"}) {
    Outcome o = RunCli({"analyze", kData + "tiny.txt", "--expect", "v1=0.5,v2=0.5", "-o", fmt});
    EXPECT_EQ(o.code, 4) << fmt << ": " << o.err;
  }
}

TEST(CmdAnalyzeTest, ReadsStdinWhenNoFileOrDash) {
  Outcome o = RunCli({"analyze", "--expect", "v1=0.5,v2=0.5", "-o", "json"}, Lines(800, 800));
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.json()["total"]["ok"], 1600);
  Outcome dash = RunCli({"analyze", "-", "-o", "json"}, Lines(3, 1));
  EXPECT_EQ(dash.code, 0) << dash.err;  // no --expect: not gated
  EXPECT_EQ(dash.json()["total"]["by_version"]["v1"]["count"], 3);
}

TEST(CmdAnalyzeTest, WithoutExpectBalanceIsSkipped) {
  Outcome o = RunCli({"analyze", kData + "skewed.txt", "-o", "json"});
  EXPECT_EQ(o.code, 0) << o.err;
  const nlohmann::json report = o.json();  // the loop must not iterate into a temporary
  bool seen = false;
  for (const auto& c : report["checks"]) {
    if (c["name"] == "balance") {
      EXPECT_EQ(c["status"], "skipped");
      EXPECT_NE(c["detail"].get<std::string>().find("--expect"), std::string::npos);
      seen = true;
    }
  }
  EXPECT_TRUE(seen) << "no balance check in the report";
}

TEST(CmdAnalyzeTest, RecordsWithTimeoutsFailErrorRate) {
  Outcome o =
      RunCli({"analyze", kData + "route_drop.jsonl", "--expect", "v1=0.5,v2=0.5", "-o", "json"});
  EXPECT_EQ(o.code, 1) << o.err;
  nlohmann::json j = o.json();
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][0]["cluster"], "cluster1");
  EXPECT_EQ(j["sources"][0]["errors"]["timeout"], 500);
  EXPECT_EQ(j["total"]["requests"], 2000);
  Outcome ok = RunCli({"analyze", kData + "records.jsonl", "--expect", "v1=0.5,v2=0.5"});
  EXPECT_EQ(ok.code, 0) << ok.err << ok.out;
}

// Issue 15 item 8: the same records twice count once, and the report says how many were dropped.
TEST(CmdAnalyzeTest, DuplicateRecordsCountOnceWithANote) {
  const std::string file = kData + "records.jsonl";
  Outcome o = RunCli({"analyze", file, file, "--expect", "v1=0.5,v2=0.5", "-o", "json"});
  EXPECT_EQ(o.code, 0) << o.err;
  nlohmann::json j = o.json();
  EXPECT_EQ(j["total"]["requests"], 2000);
  ASSERT_EQ(j["notes"].size(), 3u) << j["notes"];  // also: shares averaged, --expect keys
  EXPECT_EQ(j["notes"][1],
            "dropped 2000 duplicate records (same src_cluster, src_pod and seq as "
            "an earlier one; counted once): " +
                file + ":1, " + file + ":2, " + file + ":3, ...");
}

TEST(CmdAnalyzeTest, UnparsedLinesAreCountedAndSampled) {
  Outcome o =
      RunCli({"analyze", kData + "unparsed.txt", "--expect", "v1=0.5,v2=0.5", "-o", "json"});
  EXPECT_EQ(o.code, 1) << o.err;  // 20 errors with --max-error-rate 0
  nlohmann::json j = o.json();
  EXPECT_EQ(j["total"]["errors"]["unparsed"], 20);
  Outcome lenient = RunCli(
      {"analyze", kData + "unparsed.txt", "--expect", "v1=0.5,v2=0.5", "--max-error-rate", "0.02"});
  EXPECT_EQ(lenient.code, 0) << lenient.err << lenient.out;
}

// kubectl's deprecation warning in a captured session (tests/data/realworld): skipped,
// not a failed request, and said in the report's notes.
TEST(CmdAnalyzeTest, KubectlNoticeIsSkippedAndNoted) {
  const std::string file = std::string(MESHVERIFY_FIXTURES) +
                           "/realworld/helloworld_answers__kr_nhn_kt_interactive_with_warning.txt";
  Outcome o = RunCli({"analyze", file, "-o", "json"});
  EXPECT_EQ(o.code, 0) << o.err;
  nlohmann::json j = o.json();
  EXPECT_EQ(j["total"]["requests"], 4);
  EXPECT_EQ(j["total"]["ok"], 4);
  ASSERT_EQ(j["notes"].size(), 1u);
  EXPECT_EQ(j["notes"][0],
            "skipped 1 kubectl notice line (not answers, not counted as requests): " + file +
                ":1: kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future "
                "version. Use kubectl exec [POD] -- [COMMAND] instead.");
}

TEST(CmdAnalyzeTest, ExpectKeysMayBeClusters) {
  std::string pattern = R"(^(?P<cluster>c\d) (?P<version>v\d) (?P<instance>\S+)$)";
  std::string in;
  for (int i = 0; i < 1000; ++i) in += i % 2 ? "c1 v1 pod-a\n" : "c2 v2 pod-b\n";
  Outcome o =
      RunCli({"analyze", "--pattern", pattern, "--expect", "c1=0.5,c2=0.5", "-o", "json"}, in);
  EXPECT_EQ(o.code, 0) << o.err;
  nlohmann::json j = o.json();
  EXPECT_EQ(j["config"]["expect_by"], "cluster");
  EXPECT_EQ(j["total"]["by_cluster"]["c1"]["expected"], 0.5);
}

TEST(CmdAnalyzeTest, BadInputIsOneLineAndExit2) {
  struct Case {
    std::vector<std::string> args;
    std::string stdin_text;
    std::string err_starts;
  };
  const std::vector<Case> cases = {
      {{"analyze", kData + "empty.txt"},
       "",
       "meshverify analyze: " + kData + "empty.txt: no input"},
      {{"analyze"}, "", "meshverify analyze: -: no input"},
      {{"analyze", kData + "binary.bin"}, "", "meshverify analyze: " + kData + "binary.bin: byte"},
      {{"analyze", kData + "bad_record.jsonl"},
       "",
       "meshverify analyze: " + kData + "bad_record.jsonl:1:"},
      {{"analyze", kData + "missing.txt"},
       "",
       "meshverify analyze: " + kData + "missing.txt: No such file"},
      {{"analyze", "--bogus"}, "x", "meshverify analyze: "},
      {{"analyze", "--expect", "v1=0.5,v2=0.6"}, kV1, "meshverify analyze: --expect"},
      {{"analyze", "--expect", "v1=-1,v2=2"}, kV1, "meshverify analyze: --expect"},
      {{"analyze", "--format", "xml"}, kV1, "meshverify analyze: --format"},
      {{"analyze", "--pattern", "(?P<version>v)"}, kV1, "meshverify analyze: --pattern"},
      {{"analyze", "--tolerance", "0.9"}, kV1, "meshverify analyze: --tolerance"},
      {{"analyze", "--max-error-rate", "2"}, kV1, "meshverify analyze: --max-error-rate"},
      {{"analyze", "-o", "yaml"}, kV1, "meshverify analyze: -o yaml"},
  };
  for (const Case& c : cases) {
    Outcome o = RunCli(c.args, c.stdin_text);
    EXPECT_EQ(o.code, 2) << c.args.back() << ": " << o.err;
    EXPECT_EQ(o.err.rfind(c.err_starts, 0), 0u) << "got: " << o.err << "want: " << c.err_starts;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_EQ(o.out, "");
  }
}

TEST(CmdAnalyzeTest, HelpListsOptionsAndExitsZero) {
  Outcome o = RunCli({"analyze", "--help"});
  EXPECT_EQ(o.code, 0);
  for (const char* word : {"--format", "--pattern", "--expect", "--tolerance", "--alpha",
                           "--max-error-rate", "--json", "Exit codes"}) {
    EXPECT_NE(o.out.find(word), std::string::npos) << word;
  }
}

// Files go through env.fs: no temp file.
TEST(CmdAnalyzeTest, WritesJsonFileAndTextToStdout) {
  testing::FakeFileSystem fs;
  fs.Add("in/balanced.txt", Lines(1000, 1000));
  Outcome o = RunCli(
      {"analyze", "in/balanced.txt", "--expect", "v1=0.5,v2=0.5", "--json", "out/r.json"}, "", &fs);
  EXPECT_EQ(o.code, 0) << o.err;
  ASSERT_TRUE(fs.Contents("out/r.json").has_value());
  nlohmann::json j = nlohmann::json::parse(*fs.Contents("out/r.json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["schema"], "meshverify.report/v1");
  EXPECT_EQ(j["total"]["requests"], 2000);
  EXPECT_FALSE(o.out.empty());
  EXPECT_NE(o.out.front(), '{');
}

// Every file format of the registry has its flag; -o is what goes to stdout.
TEST(CmdAnalyzeTest, EveryFileFlagWritesItsFormatAndOPicksStdout) {
  testing::FakeFileSystem fs;
  Outcome o = RunCli({"analyze", "--expect", "v1=0.5,v2=0.5", "-o", "markdown", "--junit", "r.xml",
                      "--html", "r.html", "--markdown", "r.md", "--json", "r.json"},
                     Lines(1000, 1000), &fs);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.out.rfind("## ", 0), 0u) << o.out;
  EXPECT_EQ(fs.Contents("r.md"), o.out);
  EXPECT_EQ(fs.Contents("r.xml")->rfind("<?xml", 0), 0u);
  EXPECT_EQ(fs.Contents("r.html")->rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(fs.Contents("r.json")->front(), '{');
}

TEST(CmdAnalyzeTest, AFileThatCannotBeWrittenIsExit3AfterTheRest) {
  testing::FakeFileSystem fs;
  fs.Fail("r.json");
  Outcome o =
      RunCli({"analyze", "--expect", "v1=0.5,v2=0.5", "--json", "r.json", "--markdown", "r.md"},
             Lines(1000, 1000), &fs);
  EXPECT_EQ(o.code, 3);
  EXPECT_EQ(o.err, "meshverify analyze: r.json: Permission denied\n");
  EXPECT_TRUE(fs.Contents("r.md").has_value());  // the other file and stdout are still written
  EXPECT_NE(o.out.find("PASS"), std::string::npos) << o.out;
}

}  // namespace
}  // namespace meshverify::cli
