#pragma once

#include "meshverify/clock.h"

namespace meshverify {

// The real clock. Thread-safe.
class SystemClock : public Clock {
 public:
  std::chrono::system_clock::time_point Now() override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Monotonic() override {
    return std::chrono::steady_clock::now();
  }
  void SleepFor(std::chrono::milliseconds d) override;
};

}  // namespace meshverify
