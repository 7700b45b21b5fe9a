// `meshverify report`: -o is the stdout format (it used to be a file name), file flags write
// files, the exit code is the saved verdict.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cli/cli_test_util.h"
#include "fakes/fake_file_system.h"

namespace meshverify::cli {
namespace {

using namespace cli_test;  // NOLINT: RunCli

const std::string kSamples = std::string(MESHVERIFY_SOURCE_DIR) + "/reports/samples/";

std::string Gold(const std::string& name) {
  std::ifstream f(std::string(MESHVERIFY_TEST_DATA) + "/report/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(CmdReportTest, DashOHtmlPrintsHtmlAndExitsWithTheVerdict) {
  testing::FakeFileSystem fs;  // nothing may be written
  std::ifstream f(kSamples + "fail.json", std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  fs.Add("fail.json", text.str());
  Outcome o = RunCli({"report", "fail.json", "-o", "html"}, "", &fs);
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_EQ(o.out.rfind("<!DOCTYPE html>", 0), 0u) << o.out.substr(0, 80);
  EXPECT_EQ(o.err, "");
  EXPECT_FALSE(fs.Contents("html").has_value());
}

// An edited verdict (fail -> pass) would re-gate a failed run as passed: exit 2, one line.
TEST(CmdReportTest, AnEditedVerdictIsRefusedWithExit2) {
  testing::FakeFileSystem fs;
  std::ifstream f(kSamples + "fail.json", std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  std::string edited = text.str();
  const std::string from = "\"verdict\": \"fail\"";
  ASSERT_NE(edited.find(from), std::string::npos);
  edited.replace(edited.find(from), from.size(), "\"verdict\": \"pass\"");
  fs.Add("edited.json", edited);
  Outcome o = RunCli({"report", "edited.json"}, "", &fs);
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "meshverify report: edited.json: /verdict: pass, but the checks give fail\n");
}

// The same for a load report: its verdict must be what its SLOs give.
TEST(CmdReportTest, AnEditedLoadVerdictIsRefusedWithExit2) {
  testing::FakeFileSystem fs;
  std::ifstream f(kSamples + "load/direct.json", std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  std::string edited = text.str();
  const std::string from = "\"verdict\": \"pass\"";
  ASSERT_NE(edited.rfind(from), std::string::npos);
  edited.replace(edited.rfind(from), from.size(), "\"verdict\": \"fail\"");
  fs.Add("load.json", edited);
  Outcome o = RunCli({"report", "load.json"}, "", &fs);
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "meshverify report: load.json: /verdict: fail, but its SLOs give pass\n");
  fs.Add("load.json", text.str());
  EXPECT_EQ(RunCli({"report", "load.json"}, "", &fs).code, 0);
}

TEST(CmdReportTest, FileFlagsWriteTheGoldenBytesAndStdoutKeepsText) {
  testing::FakeFileSystem fs;
  fs.Add("in.json", Gold("two_sources_fail.json"));
  Outcome o = RunCli({"report", "in.json", "--junit", "r.xml", "--markdown", "r.md"}, "", &fs);
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_EQ(fs.Contents("r.xml"), Gold("two_sources_fail.xml.gold"));
  EXPECT_EQ(fs.Contents("r.md"), Gold("two_sources_fail.md.gold"));
  EXPECT_EQ(o.out, Gold("two_sources_fail.txt.gold"));
  // The old spelling of -o still works; a disagreement is a usage error.
  EXPECT_EQ(RunCli({"report", "in.json", "-f", "json"}, "", &fs).out,
            Gold("two_sources_fail.json.gold"));
  Outcome both = RunCli({"report", "in.json", "-f", "json", "-o", "html"}, "", &fs);
  EXPECT_EQ(both.code, 2);
  EXPECT_EQ(both.err, "meshverify report: --format json and -o html disagree\n");
}

TEST(CmdReportTest, ListFormatsReadsTheRegistry) {
  Outcome o = RunCli({"report", "--list-formats"});
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.out, "text txt\njson json\nmarkdown md\njunit xml\nhtml html\n");
}

TEST(CmdReportTest, ADashOThatIsNotAFormatIsAUsageError) {
  Outcome o = RunCli({"report", "x.json", "-o", "out/report.html"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err,
            "meshverify report: -o out/report.html: expected text, json, markdown, junit or "
            "html\n");
}

}  // namespace
}  // namespace meshverify::cli
