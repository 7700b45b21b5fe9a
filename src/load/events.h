#pragma once
// Runs a step's --at commands on their own thread, each at its offset from the step's start,
// through `/bin/sh -c` with a timeout, while the load goes on.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/load.h"

namespace meshverify::load::internal {

class EventRunner {
 public:
  EventRunner(const std::vector<EventSpec>& events, int step, CommandRunner* runner, Clock& clock,
              std::chrono::steady_clock::time_point origin, std::chrono::milliseconds timeout,
              const std::atomic<bool>* cancel);
  ~EventRunner();  // joins
  // Stops waiting for events not started yet; returns every event (run or not). Joins.
  std::vector<Event> Finish();

 private:
  void Loop();

  std::vector<EventSpec> specs_;
  int step_;
  CommandRunner* runner_;
  Clock& clock_;
  std::chrono::steady_clock::time_point origin_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* cancel_;
  std::atomic<bool> stop_{false};
  std::vector<Event> done_;
  std::thread thread_;
};

}  // namespace meshverify::load::internal
