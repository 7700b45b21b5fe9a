// Report -> canonical JSON ("meshverify.report/v1"), names of enums, exit codes, RenderJson.
// The reader (JSON -> Report) is in report_from_json.cc.
#include <cmath>

#include "meshverify/render.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

using nlohmann::json;

// JSON has no NaN or infinity; null says "not a number" and the schema allows it where a
// statistic can be undefined.
json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json ShareToJson(const ShareStat& s) {
  json j = {{"count", s.count},
            {"share", Num(s.share)},
            {"ci", json::array({Num(s.ci_lo), Num(s.ci_hi)})},
            {"expected", s.expected ? Num(*s.expected) : json(nullptr)}};
  if (s.gate != GateVerdict::kNone) j["gate"] = GateVerdictName(s.gate);
  if (s.ci_level > 0) j["ci_level"] = Num(s.ci_level);  // absent when unknown (older reports)
  return j;
}

json SharesToJson(const std::map<std::string, ShareStat>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = ShareToJson(v);
  return j;
}

json SourceToJson(const SourceReport& s) {
  json errors = json::object();
  for (const auto& [k, v] : s.errors) errors[k] = v;
  json instances = json::object();
  for (const auto& [k, v] : s.by_instance) {
    instances[k] = {{"count", v.count}, {"cluster", v.cluster}, {"version", v.version}};
  }
  json latency = json::object();
  for (const auto& [k, v] : s.latency_ms) {
    latency[k] = {{"count", v.count},
                  {"p50", Num(v.p50)},
                  {"p90", Num(v.p90)},
                  {"p99", Num(v.p99)},
                  {"max", Num(v.max)}};
  }
  json tests = json::object();
  for (const auto& [k, v] : s.tests) {
    tests[k] = {{"statistic", Num(v.statistic)},
                {"df", Num(v.df)},
                {"p_value", Num(v.p_value)},
                {"method", v.method}};
    if (!v.note.empty()) tests[k]["note"] = v.note;
  }
  json j = {{"cluster", s.cluster},
            {"pod", s.pod},
            {"requests", s.requests},
            {"ok", s.ok},
            {"errors", std::move(errors)},
            {"by_cluster", SharesToJson(s.by_cluster)},
            {"by_version", SharesToJson(s.by_version)},
            {"by_instance", std::move(instances)},
            {"latency_ms", std::move(latency)},
            {"tests", std::move(tests)},
            {"requests_to_decide", s.requests_to_decide}};
  if (s.gate != GateVerdict::kNone) j["gate"] = GateVerdictName(s.gate);
  if (!s.latency_hist.empty()) {
    json hist = json::object();
    for (const auto& [k, h] : s.latency_hist) hist[k] = h.ToJson();
    j["latency_hist"] = std::move(hist);
  }
  if (!s.unparsed_samples.empty()) j["unparsed_samples"] = s.unparsed_samples;
  if (!s.by_connection.empty()) {
    json conns = json::array();
    for (const auto& [id, by] : s.by_connection) {
      uint64_t n = 0;
      for (const auto& [inst, k] : by) n += k;
      conns.push_back({{"id", id}, {"answers", n}, {"by_instance", by}});
    }
    j["connections"] = std::move(conns);
  }
  return j;
}

}  // namespace

json EndpointToJson(const Endpoint& e) {
  json counters = json::object();
  for (const auto& [k, v] : e.counters) counters[k] = v;
  json j = {{"source_pod", e.source_pod},
            {"envoy_cluster", e.envoy_cluster},
            {"address", e.address},
            {"port", e.port},
            {"health", HealthStatusName(e.health)},
            {"outlier", OutlierName(e.outlier_ejected)},
            {"cluster", e.cluster},
            {"weight", e.weight},
            {"locality", e.locality},
            {"priority", e.priority},
            {"hostname", e.hostname},
            {"workload_cluster_id", e.workload_cluster_id},
            {"counters", std::move(counters)}};
  if (!e.via.empty()) j["via"] = e.via;  // multi-network: "gateway"
  return j;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kInconclusive:
      return "inconclusive";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

Result<Verdict> ParseVerdict(std::string_view s) {
  for (Verdict v : {Verdict::kPass, Verdict::kFail, Verdict::kInconclusive, Verdict::kError}) {
    if (VerdictName(v) == s) return v;
  }
  return Status::InvalidInput("verdict \"" + std::string(s) +
                              "\": expected pass, fail, inconclusive or error");
}

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kInconclusive:
      return "inconclusive";
    case CheckStatus::kSkipped:
      return "skipped";
  }
  return "skipped";
}

Result<CheckStatus> ParseCheckStatus(std::string_view s) {
  for (CheckStatus c : {CheckStatus::kPass, CheckStatus::kFail, CheckStatus::kInconclusive,
                        CheckStatus::kSkipped}) {
    if (CheckStatusName(c) == s) return c;
  }
  return Status::InvalidInput("status \"" + std::string(s) +
                              "\": expected pass, fail, inconclusive or skipped");
}

std::string_view GateVerdictName(GateVerdict g) {
  switch (g) {
    case GateVerdict::kNone:
      return "";
    case GateVerdict::kBalanced:
      return "balanced";
    case GateVerdict::kSkewed:
      return "skewed";
    case GateVerdict::kInconclusive:
      return "inconclusive";
  }
  return "";
}

Result<GateVerdict> ParseGateVerdict(std::string_view s) {
  for (GateVerdict g : {GateVerdict::kNone, GateVerdict::kBalanced, GateVerdict::kSkewed,
                        GateVerdict::kInconclusive}) {
    if (GateVerdictName(g) == s) return g;
  }
  return Status::InvalidInput("gate \"" + std::string(s) +
                              "\": expected balanced, skewed or inconclusive");
}

ExitCode ExitCodeFor(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return ExitCode::kPass;
    case Verdict::kFail:
      return ExitCode::kFail;
    case Verdict::kInconclusive:
      return ExitCode::kInconclusive;
    case Verdict::kError:
      return ExitCode::kCouldNotRun;
  }
  return ExitCode::kCouldNotRun;
}

nlohmann::json ReportToJson(const Report& r) {
  json sources = json::array();
  for (const SourceReport& s : r.sources) sources.push_back(SourceToJson(s));
  json endpoints = json::array();
  for (const Endpoint& e : r.endpoints) endpoints.push_back(EndpointToJson(e));
  json checks = json::array();
  for (const CheckResult& c : r.checks) {
    checks.push_back({{"name", c.name},
                      {"status", CheckStatusName(c.status)},
                      {"detail", c.detail},
                      {"hint", c.hint}});
  }
  json j = {{"schema", r.schema},
            {"verdict", VerdictName(r.verdict)},
            {"tool", {{"name", r.tool_name}, {"version", r.tool_version}}},
            {"started_at", r.started_at},
            {"duration_s", Num(r.duration_s)},
            {"interrupted", r.interrupted},
            {"config", r.config},
            {"sources", std::move(sources)},
            {"total", SourceToJson(r.total)},
            {"endpoints", std::move(endpoints)},
            {"checks", std::move(checks)}};
  if (!r.notes.empty()) j["notes"] = r.notes;
  return j;
}

std::string RenderJson(const Report& report) {
  // Strings from pods and files may hold invalid UTF-8; dump() would throw on them.
  return ReportToJson(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace meshverify
