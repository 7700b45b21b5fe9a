// The command table and the one error reporter (run.cc).
#include "cli/run.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli_test_util.h"
#include "cli/commands.h"

namespace meshverify::cli {
namespace {

using namespace cli_test;  // NOLINT: RunCli

TEST(RunTest, UnknownCommandAndNoCommandAreUsageErrors) {
  Outcome o = RunCli({"frobnicate"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "meshverify 'frobnicate' is not a command (see meshverify --help)\n");
  Outcome none = RunCli({});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("usage: meshverify <command>"), std::string::npos);
}

TEST(RunTest, HelpListsEveryCommandOfTheTable) {
  Outcome o = RunCli({"--help"});
  EXPECT_EQ(o.code, 0);
  for (const char* c : {"check", "analyze", "endpoints", "plan", "report", "merge"}) {
    EXPECT_NE(o.out.find("  " + std::string(c) + " "), std::string::npos) << c;
  }
}

// Every command prints its help on stdout, runs nothing and exits 0.
TEST(RunTest, EveryCommandHasHelp) {
  for (const char* c : {"check", "analyze", "endpoints", "plan", "report", "merge"}) {
    Outcome o = RunCli({c, "--help"});
    EXPECT_EQ(o.code, 0) << c;
    EXPECT_NE(o.out.find("--help"), std::string::npos) << c;
    EXPECT_EQ(o.err, "") << c;
  }
}

TEST(ReportErrorTest, NamesTheCommandAndMapsTheCode) {
  std::ostringstream out, err;
  Environment env;
  env.out = &out;
  env.err = &err;
  EXPECT_EQ(ReportError(env, "merge", Status::InvalidInput("a.json: /x: bad")), ExitCode::kUsage);
  EXPECT_EQ(ReportError(env, "check", Status::Unavailable("kubectl: refused")),
            ExitCode::kCouldNotRun);
  EXPECT_EQ(ReportError(env, "", Status::Usage("plan: too many")), ExitCode::kUsage);
  EXPECT_EQ(err.str(),
            "meshverify merge: a.json: /x: bad\n"
            "meshverify check: kubectl: refused\n"
            "meshverify plan: too many\n");
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace meshverify::cli
