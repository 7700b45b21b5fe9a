#pragma once
// What a command may touch: streams, the process's files and the real (or fake) transports.
// Commands take an Environment& so tests in tests/cli/ run whole commands against fakes.

#include <atomic>
#include <iosfwd>
#include <string>
#include <string_view>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/status.h"

namespace meshverify::cli {

struct Environment {
  std::istream* in = nullptr;   // stdin ("-")
  std::ostream* out = nullptr;  // stdout: the report
  std::ostream* err = nullptr;  // stderr: errors and progress
  bool err_is_tty = false;      // progress on stderr only when it is a terminal
  CommandRunner* runner = nullptr;
  Clock* clock = nullptr;
  // Set by the SIGINT handler; long commands stop early and mark their report interrupted.
  const std::atomic<bool>* interrupted = nullptr;
};

// Reads a whole file ("-" = env.in). Fails with Unavailable "<path>: <strerror>".
Result<std::string> ReadFileOrStdin(Environment& env, const std::string& path);
// Writes `text` to `path` atomically (temp file + rename). Fails with Unavailable "<path>: ...".
Status WriteFile(const std::string& path, std::string_view text);

}  // namespace meshverify::cli
