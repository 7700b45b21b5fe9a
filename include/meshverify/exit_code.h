#pragma once
// ExitCode: the process exit codes of every meshverify command (DESIGN.md "Exit codes"), the
// same whatever the output format. Commands return an ExitCode; only main turns it into an int.

namespace meshverify {

enum class ExitCode : int {
  kPass = 0,           // verified and passed, or the command did what was asked
  kFail = 1,           // verification failed: a check failed (endpoints: problems found)
  kUsage = 2,          // usage, config or input error
  kCouldNotRun = 3,    // a cluster, pod, tool or file could not be reached, or output written
  kInconclusive = 4,   // not enough evidence to pass or fail
  kInterrupted = 130,  // SIGINT, SIGTERM or SIGHUP; a partial report is marked interrupted
};

// The number the process exits with.
constexpr int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace meshverify
