#pragma once
// The load pipeline: load and balance experiments over time. From every source at once,
// through any Prober (exec or direct), requests in closed or open loop, cut into windows as
// they complete; faults run on a timeline (`--at`), sweeps run one step per value, SLO gates
// decide the verdict. Uses only Prober, Clock and CommandRunner (for --at commands): wiring
// exec mode is giving it another Prober.
//
// Accounting: every request started ends as exactly one record, counted in the window of
// its intended send time (the actual send in closed loop, the arrival when the prober gives
// neither), so requests == ok + sum(errors) in every window, per source and pooled.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/load_report.h"
#include "meshverify/prober.h"
#include "meshverify/status.h"

namespace meshverify::load {

struct EventSpec {
  std::chrono::milliseconds at{0};  // offset from the step's start
  std::string command;              // run through /bin/sh -c
};

struct Sweep {
  std::string axis;  // "concurrency" | "rate"
  std::vector<double> values;
};

// Parses "concurrency=1,4,16" or "rate=100,500". Fails with Usage "--sweep '<text>': ...".
Result<Sweep> ParseSweep(std::string_view text);
// Parses "10s=COMMAND" (any duration ParseDuration reads). Fails with Usage "--at ...".
Result<EventSpec> ParseEvent(std::string_view text);

struct LoadSettings {
  std::string url;
  std::vector<ProbeSource> sources;
  double rate = 0;      // per source, requests/s; 0 = closed loop
  int concurrency = 4;  // closed loop: connections per source; open loop: in-flight cap
  std::chrono::milliseconds duration{0};  // per step; 0 = until `requests`
  uint64_t requests = 0;                  // per source per step; 0 = until `duration`
  std::chrono::milliseconds window{1000};
  std::chrono::milliseconds warmup{0};
  std::chrono::milliseconds timeout{5000};         // per request
  std::chrono::milliseconds event_timeout{60000};  // per --at command
  size_t max_body_bytes = 64 * 1024;
  std::vector<EventSpec> events;  // run in every step
  std::optional<Sweep> sweep;
  std::vector<Slo> slos;
  std::string pattern;                                     // ReplyParser pattern; "" = helloworld
  std::map<std::string, std::string> cluster_of_instance;  // destination pod -> cluster
  std::map<std::string, double> expected;                  // expected shares, if any
  bool expected_clusters = false;  // the expected names are clusters (else versions)
  double tolerance = 0.05;
  double alpha = 0.01;
  nlohmann::json config = nlohmann::json::object();  // copied into the report
  // Shard `shard_index` of `shard_count` (0-based; `--shard i/N`): one of N processes that
  // share the experiment. It sends its part of every step: requests split so that the parts
  // sum to `requests`, the rate divided by N, closed-loop connections divided by N (at least
  // one), and its schedule shifted by a phase of i / rate (open loop: the N schedules
  // interleave into one at the full rate; closed loop i ms) so shards never send in
  // lockstep. Each step then starts at a multiple of `window` in wall-clock time (waiting
  // up to one window for it), so windows of shards in other processes or pods start at the
  // same wall-clock times and merge (MergeLoadReports).
  int shard_index = 0;
  int shard_count = 1;
  bool align_to_wall_clock = false;  // also without shards; implied by shard_count > 1
};

// The part of `total` that shard `index` of `count` takes: total * (index + 1) / count -
// total * index / count, so that the parts sum to `total`. REQUIRES: 0 <= index < count.
uint64_t ShardPart(uint64_t total, int index, int count);

// A refreshing progress line's content, once per pooled window.
struct Progress {
  int step = 0;
  double elapsed_s = 0;                         // end of the window, in the step
  double rate = 0;                              // requests/s in the window, all sources
  uint64_t requests = 0, errors = 0, late = 0;  // in the window
  std::map<std::string, double> share;          // destination cluster -> share
  std::map<std::string, double> p99_ms;         // destination cluster -> p99 (intended send)
};

struct LoadHooks {
  // Called once per window as it closes (pooled and every source), in window order, from a
  // probing thread (one at a time).
  std::function<void(const Window& pooled, const std::vector<Window>& sources)> on_window;
  std::function<void(const Progress&)> on_progress;
};

// Runs the experiment. Fails (Usage) only on settings that cannot run (no source, no URL,
// zero concurrency, neither duration nor requests); what goes wrong while probing is in the
// report. `runner` may be null when there are no events. Returns a partial report marked
// interrupted when `*cancel` becomes true.
Result<LoadReport> RunLoadExperiment(const LoadSettings& settings, Prober& prober, Clock& clock,
                                     CommandRunner* runner, const std::atomic<bool>* cancel,
                                     const LoadHooks& hooks);

}  // namespace meshverify::load
