#pragma once
// FakeClock: a Clock that only moves when told to (SleepFor and Advance), so reports carry
// fixed times and deadlines are reached without waiting. Thread-safe: probe threads read and
// advance it while the test's thread does too (every call takes one lock).

#include <chrono>
#include <mutex>

#include "meshverify/clock.h"

namespace meshverify::testing {

class FakeClock : public Clock {
 public:
  // Starts at `wall` (default 2026-01-01T00:00:00Z) and monotonic time 0.
  explicit FakeClock(std::chrono::system_clock::time_point wall =
                         std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)))
      : wall_(wall) {}

  std::chrono::system_clock::time_point Now() override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  std::chrono::steady_clock::time_point Monotonic() override {
    std::lock_guard<std::mutex> lock(mu_);
    return mono_;
  }
  // Advances both times by `d` and returns at once.
  void SleepFor(std::chrono::milliseconds d) override { Advance(d); }

  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ += d;
    mono_ += d;
  }

 private:
  std::mutex mu_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point mono_{};
};

}  // namespace meshverify::testing
