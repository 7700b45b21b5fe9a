#pragma once
// One step of a load experiment: probe every source at once, count records into windows on
// the probing threads, pool windows as every source closes them, stream them to the hooks.

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "load/windows.h"
#include "meshverify/load.h"

namespace meshverify::load::internal {

struct StepSettings {
  int index = 0;
  double rate = 0;
  int concurrency = 1;
};

struct StepResult {
  std::vector<std::vector<WindowCounts>> per_source;  // closed windows, per source in order
  std::vector<WindowCounts> pooled;
  std::vector<ProbeOutcome> outcomes;
  std::vector<Event> events;
  double elapsed_s = 0;
  double origin_unix_s = -1;  // wall-clock time of the step's origin (window 0's start)
};

StepResult RunStep(const LoadSettings& settings, const StepSettings& step,
                   const ReplyParser& parser, Prober& prober, Clock& clock, CommandRunner* runner,
                   const std::atomic<bool>* cancel, const LoadHooks& hooks);

// True when the window lies (even partly) before the warmup's end.
bool InWarmup(const WindowCounts& w, const LoadSettings& s);

}  // namespace meshverify::load::internal
