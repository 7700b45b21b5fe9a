#pragma once
// The report of `meshverify load` ("meshverify.load/v1", schema in
// reports/meshverify.load.v1.schema.json), its SLO gates and fault-event statistics, and its
// renderings (text, Markdown, a self-contained HTML page with SVG charts, fortio's result
// JSON). Pure values and functions: no I/O, thread-safe.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/histogram.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify::load {

inline constexpr std::string_view kLoadSchema = "meshverify.load/v1";
inline constexpr std::string_view kPooledSource = "all";  // `source` of pooled windows

struct Share {
  uint64_t count = 0;
  double share = 0;  // count / ok
  double ci_lo = 0,
         ci_hi = 1;  // exact Clopper–Pearson bounds, Bonferroni over the shares (stats.h)
};

struct Latency {
  uint64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // ms
};

// What one source (or all of them, `source` == kPooledSource) did in one window of one step.
// Requests belong to the window of their intended send time (actual send in closed loop).
struct Window {
  int step = 0;
  uint64_t index = 0;             // window number within the step
  double start_s = 0, end_s = 0;  // since the step's start
  // Wall-clock time of start_s (Unix seconds; -1 unknown): windows of shards merge by it.
  double start_unix_s = -1;
  std::string source;   // pod, "direct", or "all"
  std::string cluster;  // the source's cluster ("" pooled or unknown)
  bool warmup = false;  // before --warmup: shown, never gated
  uint64_t requests = 0, ok = 0, late = 0;
  double sent_end_s = -1;  // the latest actual send of its requests (-1 unknown): when the
                           // client falls behind an open loop, it is past end_s
  std::map<std::string, uint64_t> errors;  // class -> n; requests == ok + sum(errors)
  std::map<std::string, Share> by_cluster, by_version;
  std::map<std::string, InstanceStat> by_instance;
  std::map<std::string, Latency> latency_ms;       // per destination cluster, from intended send
  std::map<std::string, Latency> send_latency_ms;  // per destination cluster, from actual send
  std::map<std::string, Histogram> latency_hist;   // the histograms behind latency_ms
  std::map<uint64_t, uint64_t> by_connection;      // connection id -> requests (direct mode)

  double rate() const { return end_s > start_s ? requests / (end_s - start_s) : 0; }
};

// One `--at T=COMMAND` fault, and how fast the traffic reacted.
struct Event {
  int step = 0;
  double at_s = 0;  // planned offset in the step
  std::string command;
  bool ran = false;  // false when the step ended (or was interrupted) before `at`
  double start_s = 0, end_s = 0;
  int exit_code = -1;  // -1 when it did not run or could not be started
  bool timed_out = false;
  std::string first_line;  // first line of its output (stdout, else stderr), cut to 200 bytes
  std::optional<double> detect_s;   // first departing window's start - start_s (>= 0)
  std::optional<double> recover_s;  // start of the lasting return to the baseline - start_s
  std::string detail;               // which series departed, the test, or why none was done
};

// One parsed `--slo` expression.
struct Slo {
  enum class Metric { kErrors, kLate, kRate, kShare, kLatency };
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kIn };
  std::string expr;  // as written
  Metric metric = Metric::kErrors;
  std::string name;        // share(NAME) / pNN(NAME): a cluster, version or instance; "" = all
  double quantile = 0.99;  // kLatency: 0.5, 0.99, 1 (max)
  Op op = Op::kLess;
  double lo = 0, hi = 0;  // kIn: [lo, hi]; other ops compare with `hi`. Fractions, ms, req/s
};

struct SloResult {
  std::string expr;
  std::string status;           // "pass" | "fail" | "inconclusive"
  std::optional<double> value;  // the measured value (fraction, ms or req/s), nullopt: no data
  std::optional<double> ci_lo, ci_hi;  // share gates: the interval that decided
  std::string detail;
};

struct Step {
  int index = 0;
  std::string axis;  // "concurrency" | "rate" | "" (no sweep)
  double value = 0;
  double rate = 0;  // settings of the step: per source, 0 = closed loop
  int concurrency = 0;
  double duration_s = 0;
  double start_unix_s = -1;  // wall-clock time of the step's origin (Unix seconds; -1 unknown)
  // Steady requests per second of actual sending, all sources: requests / (the latest
  // actual send - the steady part's start). Below the target when the client fell behind.
  double achieved_rate = 0;
  Window summary;  // pooled over the step's steady windows
};

// One shard of a sharded run (`jobs run`, `merge` of shard reports): who it was and what
// became of it. A shard whose report is missing still counts its planned requests.
struct ShardStatus {
  std::string name;       // the pod (or report file) it ran as
  std::string cluster;    // its source cluster
  std::string status;     // "complete" | "interrupted" | "failed" | "missing"
  uint64_t planned = 0;   // requests it was to send (0 unknown)
  uint64_t requests = 0;  // requests its report accounts for
  std::string detail;     // why it failed or is missing, one line
};

struct LoadReport {
  std::string schema = std::string(kLoadSchema);
  Verdict verdict = Verdict::kError;
  std::string tool_version;
  std::string started_at;
  double duration_s = 0;
  std::string mode;  // "exec" | "direct"
  bool interrupted = false;
  std::string latency_measured;  // what latency_ms means in this mode, one sentence
  nlohmann::json config = nlohmann::json::object();
  std::map<std::string, double> expected;  // expected shares (cluster or version), if any
  double tolerance = 0.05;
  uint64_t requests = 0, ok = 0, late = 0, not_issued = 0;
  std::map<std::string, uint64_t> errors;
  Window summary;               // pooled over every steady window of every step
  std::vector<Window> windows;  // per source, in (step, index, source) order
  std::vector<Window> pooled;   // one per (step, index)
  std::vector<Event> events;
  std::vector<SloResult> slos;
  std::vector<Step> steps;
  std::vector<std::string> notes;
  // Set by merges of shard reports: every shard, and the planned requests of those whose report
  // is missing (never sent, or sent and not reported: not in `requests`).
  std::vector<ShardStatus> shards;
  uint64_t not_reported = 0;
};

// Merges load reports of the shards of one run (or of several runs of one experiment) into
// the report one process would have written: counts, errors and histograms summed; windows
// merged by wall-clock start (start_unix_s; by step and index for reports without it), per
// source and pooled, shares and intervals recomputed at the runs' alpha; step summaries and
// totals summed (rates of concurrent shards add); events taken once and detection re-run on
// the merged windows; SLOs evaluated again on the merged summary; one `shards` entry per
// input (name from `names`). send_latency_ms has no histogram in reports: its merged
// percentiles are count-weighted means (noted). Fails with InvalidInput when `reports` is
// empty, a report is not a load report, or their settings differ (CheckSameSettings).
Result<LoadReport> MergeLoadReports(std::span<const LoadReport> reports,
                                    std::span<const std::string> names);

// Parses one --slo expression:
//   errors < 0.1%        late <= 1%          rate >= 950 (requests/s, all sources)
//   share(cluster2) in [0.4, 0.6]            share(v1) > 40%
//   p99(cluster2) < 50ms   p50 < 2ms (every destination)   p99.9(v2) <= 1s   max(c) < 2s
// Latency units ms, s, us (bare number: ms); fractions with or without %. Fails with Usage
// "--slo '<expr>': col N: <reason>" (N 1-based).
Result<Slo> ParseSlo(std::string_view text);

// Evaluates `slo` on `steady` (windows pooled over the gated part of the run). Shares are
// gated on their interval at `alpha` (pass when it lies inside the bound, fail when it lies
// outside, else inconclusive); errors, late, rate and latency compare the measured value.
// `seconds` is the steady time (for rate).
SloResult EvaluateSlo(const Slo& slo, const Window& steady, double seconds, double alpha);

// Fills detect_s / recover_s / detail of every event that ran, from the windows of its step:
// for the pooled series and each source, a window departs when a chi-square test of
// homogeneity of its outcome counts (one category per destination cluster, plus errors)
// against the steady windows before the event rejects at alpha / (windows tested x series)
// (Bonferroni). detect = the first departing window before the next event; recover = the
// first later window that starts three windows in a row without a departure (fewer at the
// end of the step).
void DetectAndRecover(LoadReport& report, double alpha);

// Chi-square test of homogeneity of two count vectors over the same categories (categories
// empty in both are dropped); p-value from Boost.Math's chi-squared distribution. Returns 1
// when fewer than two categories are left or either side is empty.
double HomogeneityPValue(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

nlohmann::json WindowToJson(const Window& w);
nlohmann::json LoadReportToJson(const LoadReport& r);
// Writes the same document as LoadReportToJson(r).dump(), one window at a time, so that a long
// run's report never exists as one JSON tree (600 windows of histograms would need ~10x their
// text in memory).
void WriteLoadReportJson(const LoadReport& r, std::ostream& out);
// One --jsonl line: {"step", "index", "start_s", "end_s", "pooled": <window>,
// "sources": [<window>...]}.
nlohmann::json WindowLineToJson(const Window& pooled, const std::vector<Window>& sources);

// Reads LoadReportToJson's form back (what merge needs: counts, histograms, windows, steps,
// events, SLO results, notes). Fails with InvalidInput "<source>: <json pointer>: <reason>"
// when the document is not a meshverify.load/v1 report or a count does not add up.
Result<LoadReport> LoadReportFromJson(const nlohmann::json& j, std::string_view source);
// Parses text then calls LoadReportFromJson; a parse error names the byte offset.
Result<LoadReport> ParseLoadReport(std::string_view text, std::string_view source);

// Checks a saved load report's numbers against each other (`meshverify report`): in the
// summary and every window, by_cluster, by_version and by_instance counts sum to ok and each
// share is count / ok; the verdict is what its SLO results give (error without requests, else
// fail if one failed, inconclusive if one was, else pass). Fails with InvalidInput
// "<source>: <JSON pointer>: <what disagrees>" at the first disagreement.
Status CrossCheckLoadReport(const LoadReport& r, std::string_view source);

// ParseLoadReport, then CrossCheckLoadReport: how a saved load report is read to be used again
// (`report`, `merge`, `jobs run`).
Result<LoadReport> ParseCheckedLoadReport(std::string_view text, std::string_view source);

std::string RenderLoadText(const LoadReport& r);
std::string RenderLoadMarkdown(const LoadReport& r);
// JUnit XML: one test case per SLO and per shard (inconclusive SLOs are skipped cases).
std::string RenderLoadJUnit(const LoadReport& r);
// A self-contained page (no network access): summary tables and SVG charts per step: share
// per destination cluster over time with its interval band and the expected +- tolerance
// band, error rate, p50 and p99 per destination, event markers on every chart; sweep curves.
// Every chart's series hold one <circle> per window (data-window="<index>").
std::string RenderLoadHtml(const LoadReport& r);
// fortio's result JSON (RunType, ActualQPS, DurationHistogram{...}, RetCodes, ...), from
// the summary (all steady windows). Latency is the intended-time histogram, in seconds.
nlohmann::json RenderFortioJson(const LoadReport& r);

}  // namespace meshverify::load
