// Placeholder until the subprocess runner lands (issue #5).
#include "transport/subprocess_command_runner.h"

namespace meshverify {

Result<CommandResult> SubprocessCommandRunner::Run(const std::vector<std::string>&,
                                                   std::chrono::milliseconds) {
  return Status::Unavailable("subprocess runner not implemented yet");
}

Result<CommandResult> SubprocessCommandRunner::Stream(
    const std::vector<std::string>&, std::chrono::milliseconds,
    const std::function<void(std::string_view)>&) {
  return Status::Unavailable("subprocess runner not implemented yet");
}

}  // namespace meshverify
