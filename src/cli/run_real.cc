#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "cli/run.h"
#include "transport/subprocess_command_runner.h"
#include "transport/system_clock.h"

namespace meshverify::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnSigint(int) {
  // A second Ctrl-C while stopping kills the process at once.
  if (g_interrupted.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
  }
}

}  // namespace

int RunMain(std::span<char* const> argv) {
  std::ios::sync_with_stdio(false);
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGINT, OnSigint);
  SubprocessCommandRunner runner(&g_interrupted);  // children stop on Ctrl-C too
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
  std::cout.flush();
  return code;
}

}  // namespace meshverify::cli
