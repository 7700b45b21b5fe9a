#pragma once
// The report: the value every command ends with, and its canonical JSON form
// ("meshverify.report/v1", schema in reports/meshverify.report.v1.schema.json). Renderers
// (render.h) turn a Report into text, Markdown, JUnit or HTML; the CLI writes the files and
// turns the verdict into an exit code. Pure values; no I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "meshverify/histogram.h"
#include "meshverify/exit_code.h"
#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

inline constexpr std::string_view kReportSchema = "meshverify.report/v1";

enum class Verdict { kPass, kFail, kInconclusive, kError };
enum class CheckStatus { kPass, kFail, kInconclusive, kSkipped };
// The equivalence gate's decision for one share or one source (the report's `gate`); kNone
// when nothing was expected, so nothing was gated (the JSON field is left out).
enum class GateVerdict { kNone, kBalanced, kSkewed, kInconclusive };

// "pass" | "fail" | "inconclusive" | "error", and back. Parse fails on anything else.
std::string_view VerdictName(Verdict v);
Result<Verdict> ParseVerdict(std::string_view s);
std::string_view CheckStatusName(CheckStatus s);
Result<CheckStatus> ParseCheckStatus(std::string_view s);
// "" | "balanced" | "skewed" | "inconclusive", and back.
std::string_view GateVerdictName(GateVerdict g);
Result<GateVerdict> ParseGateVerdict(std::string_view s);

// Exit code of the contract: pass kPass (0), fail kFail (1), inconclusive kInconclusive (4),
// error kCouldNotRun (3).
ExitCode ExitCodeFor(Verdict v);

// A share of one category (a destination cluster or a version) among a source's answers.
struct ShareStat {
  uint64_t count = 0;
  double share = 0;                 // count / ok
  double ci_lo = 0, ci_hi = 1;      // the interval that decided the gate (stats::ShareGate)
  std::optional<double> expected;   // expected share, when one is known
  GateVerdict gate = GateVerdict::kNone;
  double ci_level = 0;              // the two-sided level of [ci_lo, ci_hi] (0.98); 0 = unknown

  friend bool operator==(const ShareStat&, const ShareStat&) = default;
};

struct LatencyStat {
  uint64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;

  friend bool operator==(const LatencyStat&, const LatencyStat&) = default;
};

// A goodness-of-fit test. `method` says what was run ("pearson", "g", "exact-multinomial", ...).
struct TestStat {
  double statistic = 0;
  double df = 0;
  double p_value = 1;
  std::string method;
  std::string note = "";  // what was left out, e.g. answers in categories of expected share 0

  friend bool operator==(const TestStat&, const TestStat&) = default;
};

// One source pod (or, for `analyze`, one input), or the pooled total.
struct SourceReport {
  std::string cluster;
  std::string pod;
  uint64_t requests = 0;
  uint64_t ok = 0;
  std::map<std::string, uint64_t> errors;  // error class -> count; requests == ok + sum(errors)
  std::map<std::string, ShareStat> by_cluster;
  std::map<std::string, ShareStat> by_version;
  std::map<std::string, InstanceStat> by_instance;
  std::map<std::string, LatencyStat> latency_ms;  // per destination cluster
  // The histograms behind latency_ms (same keys), so that `merge` is exact; empty in reports
  // written before they were kept (merge then falls back to an approximation, and says so).
  std::map<std::string, Histogram> latency_hist;
  std::map<std::string, TestStat> tests;          // "chi_square", "g_test", ...
  GateVerdict gate = GateVerdict::kNone;  // kNone when nothing is expected
  uint64_t requests_to_decide = 0;  // requests per source that would decide an inconclusive gate
  std::vector<std::string> unparsed_samples;  // a few lines that matched nothing
  // Which client connection carried which answers: connection id -> instance -> answers
  // (SourceCounts::by_connection); empty when the prober did not say.
  std::map<uint64_t, std::map<std::string, uint64_t>> by_connection;

  friend bool operator==(const SourceReport&, const SourceReport&) = default;
};

struct CheckResult {
  std::string name;    // "reachability", "balance", "error_rate", "endpoints_reached", ...
  CheckStatus status = CheckStatus::kSkipped;
  std::string detail;  // what was seen, one or two sentences
  std::string hint;    // the likely cause and what to look at; "" when passed

  friend bool operator==(const CheckResult&, const CheckResult&) = default;
};

struct Report {
  std::string schema = std::string(kReportSchema);
  Verdict verdict = Verdict::kError;
  std::string tool_name = "meshverify";
  std::string tool_version;
  std::string started_at;   // RFC 3339 UTC, "" when unknown
  double duration_s = 0;
  bool interrupted = false;
  nlohmann::json config = nlohmann::json::object();  // effective settings
  std::vector<SourceReport> sources;
  SourceReport total;
  std::vector<Endpoint> endpoints;
  std::vector<CheckResult> checks;
  std::vector<std::string> notes;  // free-form remarks (convergence waits, retries, ...)

  friend bool operator==(const Report&, const Report&) = default;
};

// "cluster1/sleep-abc", or whichever part is known, or "(unnamed source)": how every check
// detail and renderer names a source.
std::string SourceLabel(const SourceReport& s);
// Sum of s.errors (so s.requests == s.ok + ErrorCount(s)).
uint64_t ErrorCount(const SourceReport& s);
// How many more requests would decide an inconclusive gate: requests_to_decide (counted in
// answers, as the gate counts) less the answers so far; 0 when the gate is not inconclusive.
// For a report, the largest over its sources (the total's when there are none).
uint64_t MoreRequestsToDecide(const SourceReport& s);
uint64_t MoreRequestsToDecide(const Report& r);

// Returns the canonical JSON of `report` (field names of DESIGN.md). Non-finite numbers are
// written as null. ReportFromJson(ReportToJson(r)) == r for every finite report.
nlohmann::json ReportToJson(const Report& report);
// Returns one endpoints[] entry of the report: the fields of DESIGN.md plus envoy_cluster,
// priority, hostname, workload_cluster_id and counters; `outlier` is "ok" or "ejected".
nlohmann::json EndpointToJson(const Endpoint& e);
// Reads a report back. Fails with InvalidInput "<source>: <json pointer>: <reason>" when the
// document is not a meshverify.report/v1.
Result<Report> ReportFromJson(const nlohmann::json& json, std::string_view source = "<report>");
// Parses text then calls ReportFromJson; parse errors name the byte offset.
Result<Report> ParseReport(std::string_view text, std::string_view source = "<report>");

}  // namespace meshverify
