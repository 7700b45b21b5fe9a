#pragma once

#include <atomic>

#include "meshverify/command_runner.h"

namespace meshverify {

// Runs programs with posix_spawnp (argv, PATH lookup, never a shell), stdin from /dev/null,
// stdout and stderr through pipes read with poll. Each child leads its own process group, so a
// timeout or a cancel kills everything it started (SIGTERM, then SIGKILL after a grace period).
// Thread-safe: calls from several threads run independent children.
class SubprocessCommandRunner : public CommandRunner {
 public:
  // `cancel`, when not null, is polled about every 100 ms; once it is true, running children
  // are stopped as on a timeout (their CommandResult has timed_out false and exit 128+signal).
  // It must outlive the runner.
  explicit SubprocessCommandRunner(const std::atomic<bool>* cancel = nullptr) : cancel_(cancel) {}

  // Fails with Unavailable "<argv0>: cannot start: <strerror>" when the program is not found
  // or cannot be executed, and Internal on an empty argv.
  Result<CommandResult> Run(const std::vector<std::string>& argv,
                            std::chrono::milliseconds timeout) override;
  Result<CommandResult> Stream(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout,
                               const std::function<void(std::string_view)>& on_chunk) override;

  // stderr beyond this many bytes is dropped (a runaway child must not exhaust memory).
  static constexpr size_t kMaxStderrBytes = 1 << 20;
  // Time between SIGTERM and SIGKILL when stopping a child.
  static constexpr std::chrono::milliseconds kKillGrace{500};

 private:
  const std::atomic<bool>* const cancel_;
};

}  // namespace meshverify
