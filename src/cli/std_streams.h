#pragma once
// The process's standard streams at the edges of a run: made safe to use at the start, and
// stdout's last bytes checked at the end (issue 15 item 9: output that cannot be written is
// exit 3, never a silent 0).

#include <ostream>

#include "meshverify/exit_code.h"

namespace meshverify::cli {

// Puts a descriptor on each of 0, 1 and 2 that is closed (`>&-`), one that fails every read
// or write with EBADF, so that no file the run opens lands on them and output to a closed
// stdout fails as it should. Call first thing in main.
void GuardStandardDescriptors();

// Flushes `out` (stdout) and returns `code`, or kCouldNotRun with one line on `err` when what
// was written to it could not all be written (a full disk, a closed stream). Interrupted,
// usage and could-not-run codes are kept.
ExitCode FinishStdout(ExitCode code, std::ostream& out, std::ostream& err);

}  // namespace meshverify::cli
