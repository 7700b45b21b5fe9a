#pragma once
// Clock: the time source, injected so tests never read the real clock. SystemClock is the
// real one (src/transport); FakeClock lives in tests/fakes.

#include <chrono>
#include <string>

namespace meshverify {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time, for started_at; not monotonic.
  virtual std::chrono::system_clock::time_point Now() = 0;
  // Monotonic time, for durations and deadlines.
  virtual std::chrono::steady_clock::time_point Monotonic() = 0;
  virtual void SleepFor(std::chrono::milliseconds d) = 0;
};

// Formats a wall time as RFC 3339 UTC with seconds, "2026-11-26T17:02:03Z".
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

}  // namespace meshverify
