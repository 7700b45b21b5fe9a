// FinishStdout: output that could not be written is exit 3 with one line (std_streams.cc).
#include "cli/std_streams.h"

#include <gtest/gtest.h>

#include <sstream>
#include <streambuf>

namespace meshverify::cli {
namespace {

// A stream buffer that fails every write, as stdout on a full disk.
class FullBuf : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
};

TEST(FinishStdoutTest, AFailedStdoutTurnsSuccessAndVerdictsIntoCouldNotRun) {
  for (ExitCode code : {ExitCode::kPass, ExitCode::kFail, ExitCode::kInconclusive}) {
    FullBuf buf;
    std::ostream out(&buf);
    out << "report";
    std::ostringstream err;
    EXPECT_EQ(FinishStdout(code, out, err), ExitCode::kCouldNotRun);
    EXPECT_EQ(err.str().rfind("meshverify: could not write stdout: ", 0), 0u) << err.str();
    EXPECT_EQ(err.str().find('\n'), err.str().size() - 1) << "one line";
  }
  for (ExitCode code : {ExitCode::kUsage, ExitCode::kCouldNotRun, ExitCode::kInterrupted}) {
    FullBuf buf;
    std::ostream out(&buf);
    out << "x";
    std::ostringstream err;
    EXPECT_EQ(FinishStdout(code, out, err), code);
  }
}

TEST(FinishStdoutTest, AGoodStdoutKeepsTheCodeAndSaysNothing) {
  std::ostringstream out, err;
  out << "report";
  EXPECT_EQ(FinishStdout(ExitCode::kFail, out, err), ExitCode::kFail);
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(), "report");
}

}  // namespace
}  // namespace meshverify::cli
