// The meshverify.load/v1 JSON form (reports/meshverify.load.v1.schema.json).
#include <cmath>
#include <ostream>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

using nlohmann::json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(); }
json Opt(const std::optional<double>& v) { return v ? Num(*v) : json(); }

json SharesJson(const std::map<std::string, Share>& m) {
  json o = json::object();
  for (const auto& [k, s] : m) {
    o[k] = {{"count", s.count}, {"share", Num(s.share)}, {"ci", {Num(s.ci_lo), Num(s.ci_hi)}}};
  }
  return o;
}

json LatencyJson(const std::map<std::string, Latency>& m) {
  json o = json::object();
  for (const auto& [k, l] : m) {
    o[k] = {{"count", l.count},
            {"p50", Num(l.p50)},
            {"p90", Num(l.p90)},
            {"p99", Num(l.p99)},
            {"max", Num(l.max)}};
  }
  return o;
}

json CountsJson(const std::map<std::string, uint64_t>& m) {
  json o = json::object();
  for (const auto& [k, n] : m) o[k] = n;
  return o;
}

json EventJson(const Event& e) {
  return {{"step", e.step},
          {"at_s", Num(e.at_s)},
          {"command", e.command},
          {"ran", e.ran},
          {"start_s", e.ran ? Num(e.start_s) : json()},
          {"end_s", e.ran ? Num(e.end_s) : json()},
          {"exit_code", e.exit_code >= 0 ? json(e.exit_code) : json()},
          {"timed_out", e.timed_out},
          {"output", e.first_line},
          {"detect_s", Opt(e.detect_s)},
          {"recover_s", Opt(e.recover_s)},
          {"detail", e.detail}};
}

json SloJson(const SloResult& s) {
  json j = {{"expr", s.expr}, {"status", s.status}, {"value", Opt(s.value)}, {"detail", s.detail}};
  if (s.ci_lo && s.ci_hi) j["ci"] = {Num(*s.ci_lo), Num(*s.ci_hi)};
  return j;
}

}  // namespace

json WindowToJson(const Window& w) {
  json instances = json::object();
  for (const auto& [k, in] : w.by_instance) {
    instances[k] = {{"count", in.count}, {"cluster", in.cluster}, {"version", in.version}};
  }
  json hist = json::object();
  for (const auto& [k, h] : w.latency_hist) hist[k] = h.ToJson();
  json conns = json::object();
  for (const auto& [id, n] : w.by_connection) conns[std::to_string(id)] = n;
  json j = {{"step", w.step},
          {"index", w.index},
          {"start_s", Num(w.start_s)},
          {"end_s", Num(w.end_s)},
          {"source", w.source},
          {"cluster", w.cluster},
          {"warmup", w.warmup},
          {"requests", w.requests},
          {"ok", w.ok},
          {"errors", CountsJson(w.errors)},
          {"late", w.late},
          {"rate", Num(w.rate())},
          {"sent_end_s", w.sent_end_s >= 0 ? Num(w.sent_end_s) : json()},
          {"by_cluster", SharesJson(w.by_cluster)},
          {"by_version", SharesJson(w.by_version)},
          {"by_instance", std::move(instances)},
          {"latency_ms", LatencyJson(w.latency_ms)},
          {"send_latency_ms", LatencyJson(w.send_latency_ms)},
          {"latency_hist", std::move(hist)},
          {"by_connection", std::move(conns)}};
  if (w.start_unix_s >= 0) j["start_unix_s"] = Num(w.start_unix_s);
  return j;
}

json WindowLineToJson(const Window& pooled, const std::vector<Window>& sources) {
  json s = json::array();
  for (const Window& w : sources) s.push_back(WindowToJson(w));
  return {{"step", pooled.step},   {"index", pooled.index},          {"start_s", pooled.start_s},
          {"end_s", pooled.end_s}, {"pooled", WindowToJson(pooled)}, {"sources", std::move(s)}};
}

void WriteLoadReportJson(const LoadReport& r, std::ostream& out) {
  LoadReport head;  // everything but the windows (no copy of them), which go one by one
  head.verdict = r.verdict;
  head.tool_version = r.tool_version;
  head.started_at = r.started_at;
  head.duration_s = r.duration_s;
  head.mode = r.mode;
  head.interrupted = r.interrupted;
  head.latency_measured = r.latency_measured;
  head.config = r.config;
  head.expected = r.expected;
  head.tolerance = r.tolerance;
  head.requests = r.requests;
  head.ok = r.ok;
  head.late = r.late;
  head.not_issued = r.not_issued;
  head.errors = r.errors;
  head.summary = r.summary;
  head.events = r.events;
  head.slos = r.slos;
  head.steps = r.steps;
  head.notes = r.notes;
  head.shards = r.shards;
  head.not_reported = r.not_reported;
  json j = LoadReportToJson(head);
  j.erase("windows");
  j.erase("pooled");
  std::string text = j.dump(1, ' ', false, json::error_handler_t::replace);
  text.resize(text.size() - 2);  // drop "\n}"
  auto windows = [&](const char* key, const std::vector<Window>& ws) {
    out << ",\n \"" << key << "\": [";
    for (size_t i = 0; i < ws.size(); ++i) {
      out << (i == 0 ? "\n  " : ",\n  ")
          << WindowToJson(ws[i]).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    out << "\n ]";
  };
  out << text;
  windows("windows", r.windows);
  windows("pooled", r.pooled);
  out << "\n}\n";
}

json LoadReportToJson(const LoadReport& r) {
  json windows = json::array(), pooled = json::array(), events = json::array(),
       slos = json::array(), steps = json::array();
  for (const Window& w : r.windows) windows.push_back(WindowToJson(w));
  for (const Window& w : r.pooled) pooled.push_back(WindowToJson(w));
  for (const Event& e : r.events) events.push_back(EventJson(e));
  for (const SloResult& s : r.slos) slos.push_back(SloJson(s));
  for (const Step& s : r.steps) {
    steps.push_back({{"index", s.index},
                     {"axis", s.axis},
                     {"value", Num(s.value)},
                     {"rate", Num(s.rate)},
                     {"concurrency", s.concurrency},
                     {"duration_s", Num(s.duration_s)},
                     {"achieved_rate", Num(s.achieved_rate)},
                     {"start_unix_s", s.start_unix_s >= 0 ? Num(s.start_unix_s) : json()},
                     {"summary", WindowToJson(s.summary)}});
  }
  json expected = json::object();
  for (const auto& [k, v] : r.expected) expected[k] = v;
  json j = {{"schema", r.schema},
          {"verdict", VerdictName(r.verdict)},
          {"tool", {{"name", "meshverify"}, {"version", r.tool_version}}},
          {"started_at", r.started_at},
          {"duration_s", Num(r.duration_s)},
          {"mode", r.mode},
          {"interrupted", r.interrupted},
          {"latency_measured", r.latency_measured},
          {"config", r.config},
          {"expected", std::move(expected)},
          {"tolerance", Num(r.tolerance)},
          {"requests", r.requests},
          {"ok", r.ok},
          {"errors", CountsJson(r.errors)},
          {"late", r.late},
          {"not_issued", r.not_issued},
          {"summary", WindowToJson(r.summary)},
          {"windows", std::move(windows)},
          {"pooled", std::move(pooled)},
          {"events", std::move(events)},
          {"slos", std::move(slos)},
          {"steps", std::move(steps)},
          {"notes", r.notes}};
  if (!r.shards.empty()) {
    json shards = json::array();
    for (const ShardStatus& s : r.shards) {
      shards.push_back({{"name", s.name},
                        {"cluster", s.cluster},
                        {"status", s.status},
                        {"planned", s.planned},
                        {"requests", s.requests},
                        {"detail", s.detail}});
    }
    j["shards"] = std::move(shards);
    j["not_reported"] = r.not_reported;
  }
  return j;
}

}  // namespace meshverify::load
