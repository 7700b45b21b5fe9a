#pragma once
// What a command may touch: streams, files and the real (or fake) transports. Commands take an
// Environment& so that tests in tests/cli/ run whole commands against fakes.

#include <atomic>
#include <iosfwd>
#include <string>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/file_system.h"
#include "meshverify/status.h"
#include "transport/real_file_system.h"

namespace meshverify::cli {

struct Environment {
  std::istream* in = nullptr;   // stdin ("-")
  std::ostream* out = nullptr;  // stdout: the report
  std::ostream* err = nullptr;  // stderr: errors and progress
  bool err_is_tty = false;      // progress on stderr only when it is a terminal
  CommandRunner* runner = nullptr;
  Clock* clock = nullptr;
  // Files read and written (configs, inputs, reports); tests put a FakeFileSystem here.
  FileSystem* fs = &RealFileSystem::Instance();
  // Set by the SIGINT handler; long commands stop early and mark their report interrupted.
  const std::atomic<bool>* interrupted = nullptr;
};

// Reads a whole file through env.fs, or env.in for "-". Fails with InvalidInput
// "<path>: <reason>".
Result<std::string> ReadFileOrStdin(Environment& env, const std::string& path);

}  // namespace meshverify::cli
