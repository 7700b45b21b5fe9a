#pragma once
// FakeClock: a Clock that only moves when told to (SleepFor and Advance), so reports carry
// fixed times and deadlines are reached without waiting. Not thread-safe.

#include <chrono>

#include "meshverify/clock.h"

namespace meshverify::testing {

class FakeClock : public Clock {
 public:
  // Starts at `wall` (default 2026-01-01T00:00:00Z) and monotonic time 0.
  explicit FakeClock(std::chrono::system_clock::time_point wall =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)))
      : wall_(wall) {}

  std::chrono::system_clock::time_point Now() override { return wall_; }
  std::chrono::steady_clock::time_point Monotonic() override { return mono_; }
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }

  void Advance(std::chrono::milliseconds d) {
    wall_ += d;
    mono_ += d;
  }

 private:
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point mono_{};
};

}  // namespace meshverify::testing
