#pragma once

#include "meshverify/command_runner.h"

namespace meshverify {

// Runs programs with fork/exec (no shell), capturing stdout and stderr. Thread-safe.
class SubprocessCommandRunner : public CommandRunner {
 public:
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) override;
  Result<CommandResult> Stream(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout,
                               const std::function<void(std::string_view)>& on_chunk) override;
};

}  // namespace meshverify
