// GuardStandardDescriptors, FinishStdout (std_streams.h).
#include "cli/std_streams.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace meshverify::cli {

void GuardStandardDescriptors() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    // /dev/null opened the wrong way round: stdin write-only, stdout and stderr read-only.
    int opened = ::open("/dev/null", (fd == STDIN_FILENO ? O_WRONLY : O_RDONLY));
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

ExitCode FinishStdout(ExitCode code, std::ostream& out, std::ostream& err) {
  errno = 0;
  out.flush();
  if (out.good()) return code;
  const int error = errno;
  err << "meshverify: could not write stdout: "
      << (error != 0 ? std::strerror(error) : "write error") << "\n";
  if (code == ExitCode::kPass || code == ExitCode::kFail || code == ExitCode::kInconclusive) {
    return ExitCode::kCouldNotRun;
  }
  return code;
}

}  // namespace meshverify::cli
