#pragma once
// The check pipeline, what `meshverify check` runs (DESIGN.md "Data flow"): discovery (source
// and destination pods, each source sidecar's endpoint view, the bounded wait for convergence)
// -> probing from every source at once, in looks -> counting -> analysis -> the report.
//
// It takes its transports as interfaces and constructs none: discovery goes through a
// CommandRunner (kubectl, istioctl), requests through a Prober (exec or direct), time through
// a Clock. So the CLI wires the real ones, and tests/check/ runs the whole pipeline against
// FakeCommandRunner, FakeProber and FakeClock.
//
// Sequential gate: run.requests per source is the most sent, analysed at run.looks evenly
// spaced totals; probing stops at the first look where every source's gate is decided. Each
// look's gate runs at alpha / looks (stats::SequentialAlpha), so the gate's error rates hold
// however early it stops.

#include <atomic>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/config.h"
#include "meshverify/file_system.h"
#include "meshverify/prober.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify {

// The most bytes of records lines a source holds before they go to CheckSettings::records.
inline constexpr size_t kRecordsChunkBytes = size_t{256} << 10;  // 256 KiB

struct CheckSettings {
  // The mesh, with the command line's overrides applied. mesh.gate is the gate; mesh.run the
  // requests, looks, concurrency, timeout, deadline and convergence wait.
  MeshConfig mesh;
  // Report::config: the effective settings as the caller describes them (no credentials).
  nlohmann::json config = nlohmann::json::object();
  // When set, every request is written to it as a meshverify.record/v1 JSONL line soon after
  // it is counted (memory stays at about kRecordsChunkBytes per source, whatever the run's
  // size): one source's lines in seq order, the sources' lines interleaved in chunks of whole
  // lines. RunCheck writes everything before it returns (also when interrupted) and never
  // calls Commit: that is the caller's. The first write error stops the writing and is
  // CheckRun::records_status.
  FileWriter* records = nullptr;
  // Direct mode (`check --direct`, a Job's pod): requests come from this one source (a
  // DirectProber in this process), not from discovered source pods. Discovery is skipped: the
  // destinations are `direct_destinations` (pod -> its cluster; answers of other pods count as
  // cluster "unknown"). Shares are expected from mesh.yaml (expect: {NAME: SHARE}), or, with
  // `expect: endpoints`, from `direct_view`: this process's own sidecar's view, read by the
  // caller (Envoy's admin API), its endpoints mapped to clusters here by the clusters' pod
  // CIDRs and gateways. Without a view nothing is gated (noted, with `direct_view_from`).
  std::optional<ProbeSource> direct_source;
  std::map<std::string, std::string> direct_destinations;
  std::map<std::string, std::string> direct_destination_ips;  // pod -> its IP, when known
  std::optional<std::vector<Endpoint>> direct_view;
  // Where direct_view came from ("http://127.0.0.1:15000/clusters"), or why there is none.
  std::string direct_view_from;
};

// Where the pipeline says how far it got, for a person watching (the CLI draws it on a
// terminal). Calls come from the thread that called RunCheck, never from probe threads.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // A phase starts: "discovering pods and endpoint views".
  virtual void Phase(std::string_view what) = 0;
  // While probing, about every 200 ms: records so far and the most this look can bring.
  virtual void Probing(uint64_t done, uint64_t of) = 0;
  // The look's probing ended.
  virtual void ProbingDone() = 0;
};

// What a check run produced.
struct CheckRun {
  // The report (verdict, sources, checks, notes); interrupted when `cancel` was set.
  Report report;
  // The first error writing CheckSettings::records (OK when none, or no records were asked).
  Status records_status;
};

// Runs the check. Fails with Unavailable when a kubectl or istioctl call of discovery fails
// (could not run), InvalidInput for a bad target.pattern or unusable pod CIDRs, Usage when the
// prober refuses the run's spec (Prober::CheckSpec). A failed, lost or interrupted probe is not
// a failure here: it is a check of the report. `cancel` (may be nullptr) stops discovery's wait
// and the probing; the report then keeps what came back and is marked interrupted. A discovery
// call that fails once `cancel` is set (the runner stopped it) is no failure either: the
// report is then an interrupted one with verdict error and no sources. `progress` may be nullptr.
// `runner`, `prober` and `clock` are used from several threads at once.
[[nodiscard]] Result<CheckRun> RunCheck(const CheckSettings& settings, CommandRunner& runner,
                                        Prober& prober, Clock& clock,
                                        const std::atomic<bool>* cancel = nullptr,
                                        ProgressSink* progress = nullptr);

}  // namespace meshverify
