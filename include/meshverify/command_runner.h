#pragma once
// CommandRunner: runs a program (kubectl, istioctl, ...) with an argv, never through a shell.
// The real one is SubprocessCommandRunner (src/transport); tests use FakeCommandRunner
// (tests/fakes). Implementations must be safe to call from several threads at once.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/status.h"

namespace meshverify {

struct CommandResult {
  int exit_code = 0;       // the program's exit code; 128+N when killed by signal N
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;

  // Runs argv[0] (looked up in PATH) with argv, waits at most `timeout`, and returns what it
  // printed. A program that ran and exited non-zero is an OK Result with that exit_code; a
  // program that could not be started is Unavailable.
  virtual Result<CommandResult> Run(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout) = 0;

  // Like Run, but hands stdout to `on_chunk` as it arrives (any chunk size), so callers can
  // parse long streams without holding them. Returns the result with stdout_text empty.
  // `on_chunk` is called from the calling thread.
  virtual Result<CommandResult> Stream(const std::vector<std::string>& argv,
                                       std::chrono::milliseconds timeout,
                                       const std::function<void(std::string_view)>& on_chunk) = 0;
};

}  // namespace meshverify
