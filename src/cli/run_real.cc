#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/run.h"
#include "cli/std_streams.h"
#include "meshverify/exit_code.h"
#include "transport/child_groups.h"
#include "transport/subprocess_command_runner.h"
#include "transport/system_clock.h"

namespace meshverify::cli {
namespace {

std::atomic<bool> g_interrupted{false};

// SIGINT, SIGTERM (how CI systems and Kubernetes stop a job) and SIGHUP alike: the first asks
// the run to stop and write its partial report; a second kills every child's process group
// and exits at once (130), without a report.
extern "C" void OnStopSignal(int) {
  if (g_interrupted.exchange(true)) {
    KillChildGroups();
    _exit(ToInt(ExitCode::kInterrupted));
  }
}

void InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  action.sa_flags = SA_RESTART;  // as std::signal: reads and writes resume
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

}  // namespace

int RunMain(std::span<char* const> argv) {
  GuardStandardDescriptors();
  std::ios::sync_with_stdio(false);
  std::signal(SIGPIPE, SIG_IGN);
  InstallStopHandlers();
  SubprocessCommandRunner runner(&g_interrupted);  // children stop on the first signal too
  SystemClock clock;
  Environment env;
  env.in = &std::cin;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.err_is_tty = isatty(STDERR_FILENO) == 1;
  env.runner = &runner;
  env.clock = &clock;
  env.interrupted = &g_interrupted;
  int code = Run(argv, env);
  return ToInt(FinishStdout(static_cast<ExitCode>(code), std::cout, std::cerr));
}

}  // namespace meshverify::cli
