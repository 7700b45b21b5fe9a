#pragma once

#include <span>

#include "cli/environment.h"

namespace meshverify::cli {

// Dispatches `meshverify <command> ...` and returns the exit code. Never throws.
int Run(std::span<char* const> argv, Environment& env);

// Builds the real environment (stdin/stdout/stderr, subprocesses, system clock, SIGINT
// handler) and calls Run.
int RunMain(std::span<char* const> argv);

}  // namespace meshverify::cli
