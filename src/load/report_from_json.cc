// meshverify.load/v1 JSON -> LoadReport, for `meshverify merge` of load reports. Every error
// names the JSON pointer of the offending value: "<source>: /windows/3/requests: expected an
// integer >= 0".
#include <cmath>
#include <limits>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}
  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }

  void Fail(const std::string& ptr, std::string_view why) {
    if (ok()) status_ = Status::InvalidInput(source_ + ": " + ptr + ": " + std::string(why));
  }
  const json* Get(const json& o, const std::string& ptr, const char* key, bool required) {
    if (!ok()) return nullptr;
    if (!o.is_object()) {
      Fail(ptr, "expected an object");
      return nullptr;
    }
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) Fail(ptr + "/" + key, "missing required field");
      return nullptr;
    }
    return &*it;
  }
  uint64_t Count(const json& o, const std::string& ptr, const char* key, bool required = true) {
    const json* v = Get(o, ptr, key, required);
    if (v == nullptr) return 0;
    return CountValue(*v, ptr + "/" + key);
  }
  uint64_t CountValue(const json& v, const std::string& ptr) {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (v.is_number_integer() && v.get<int64_t>() >= 0)
      return static_cast<uint64_t>(v.get<int64_t>());
    Fail(ptr, "expected an integer >= 0");
    return 0;
  }
  // A number; null gives `if_null` (the writers' form of "not a number" or "unknown").
  double Number(const json& o, const std::string& ptr, const char* key, bool required = true,
                double if_null = std::numeric_limits<double>::quiet_NaN()) {
    const json* v = Get(o, ptr, key, required);
    if (v == nullptr) return if_null;
    if (v->is_null()) return if_null;
    if (!v->is_number()) Fail(ptr + "/" + key, "expected a number");
    return ok() ? v->get<double>() : 0;
  }
  std::optional<double> Optional(const json& o, const std::string& ptr, const char* key) {
    const json* v = Get(o, ptr, key, false);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_number()) Fail(ptr + "/" + key, "expected a number or null");
    return ok() ? std::optional<double>(v->get<double>()) : std::nullopt;
  }
  std::string String(const json& o, const std::string& ptr, const char* key, bool required = true) {
    const json* v = Get(o, ptr, key, required);
    if (v == nullptr) return "";
    if (!v->is_string()) Fail(ptr + "/" + key, "expected a string");
    return ok() ? v->get<std::string>() : "";
  }
  bool Bool(const json& o, const std::string& ptr, const char* key, bool required = true) {
    const json* v = Get(o, ptr, key, required);
    if (v == nullptr) return false;
    if (!v->is_boolean()) Fail(ptr + "/" + key, "expected true or false");
    return ok() && v->get<bool>();
  }
  // Calls f(name, value, pointer) for each member of the object o[key].
  template <typename F>
  void Members(const json& o, const std::string& ptr, const char* key, bool required, F f) {
    const json* m = Get(o, ptr, key, required);
    if (m == nullptr) return;
    if (!m->is_object()) return Fail(ptr + "/" + key, "expected an object");
    for (const auto& [k, v] : m->items()) {
      f(k, v, ptr + "/" + key + "/" + k);
      if (!ok()) return;
    }
  }
  template <typename F>
  void Items(const json& o, const std::string& ptr, const char* key, F f) {
    const json* a = Get(o, ptr, key, true);
    if (a == nullptr) return;
    if (!a->is_array()) return Fail(ptr + "/" + key, "expected an array");
    for (size_t i = 0; i < a->size(); ++i) {
      f((*a)[i], ptr + "/" + key + "/" + std::to_string(i));
      if (!ok()) return;
    }
  }

 private:
  std::string source_;
  Status status_;
};

std::map<std::string, Share> ReadShares(Reader& rd, const json& o, const std::string& p,
                                        const char* key) {
  std::map<std::string, Share> out;
  rd.Members(o, p, key, true, [&](const std::string& k, const json& v, const std::string& q) {
    Share& s = out[k];
    s.count = rd.Count(v, q, "count");
    s.share = rd.Number(v, q, "share", true, 0);
    const json* ci = rd.Get(v, q, "ci", false);
    if (ci != nullptr && ci->is_array() && ci->size() == 2 && (*ci)[0].is_number() &&
        (*ci)[1].is_number()) {
      s.ci_lo = (*ci)[0].get<double>();
      s.ci_hi = (*ci)[1].get<double>();
    }
  });
  return out;
}

std::map<std::string, Latency> ReadLatency(Reader& rd, const json& o, const std::string& p,
                                           const char* key) {
  std::map<std::string, Latency> out;
  rd.Members(o, p, key, true, [&](const std::string& k, const json& v, const std::string& q) {
    Latency& l = out[k];
    l.count = rd.Count(v, q, "count");
    l.p50 = rd.Number(v, q, "p50", true, 0);
    l.p90 = rd.Number(v, q, "p90", true, 0);
    l.p99 = rd.Number(v, q, "p99", true, 0);
    l.max = rd.Number(v, q, "max", true, 0);
  });
  return out;
}

Window ReadWindow(Reader& rd, const json& j, const std::string& p) {
  Window w;
  w.step = static_cast<int>(rd.Count(j, p, "step"));
  w.index = rd.Count(j, p, "index");
  w.start_s = rd.Number(j, p, "start_s");
  w.end_s = rd.Number(j, p, "end_s");
  w.start_unix_s = rd.Number(j, p, "start_unix_s", false, -1);
  w.source = rd.String(j, p, "source");
  w.cluster = rd.String(j, p, "cluster");
  w.warmup = rd.Bool(j, p, "warmup");
  w.requests = rd.Count(j, p, "requests");
  w.ok = rd.Count(j, p, "ok");
  w.late = rd.Count(j, p, "late");
  w.sent_end_s = rd.Number(j, p, "sent_end_s", false, -1);
  rd.Members(j, p, "errors", true, [&](const std::string& k, const json& v, const std::string& q) {
    w.errors[k] = rd.CountValue(v, q);
  });
  w.by_cluster = ReadShares(rd, j, p, "by_cluster");
  w.by_version = ReadShares(rd, j, p, "by_version");
  rd.Members(j, p, "by_instance", true,
             [&](const std::string& k, const json& v, const std::string& q) {
               InstanceStat& in = w.by_instance[k];
               in.count = rd.Count(v, q, "count");
               in.cluster = rd.String(v, q, "cluster");
               in.version = rd.String(v, q, "version");
             });
  w.latency_ms = ReadLatency(rd, j, p, "latency_ms");
  w.send_latency_ms = ReadLatency(rd, j, p, "send_latency_ms");
  rd.Members(j, p, "latency_hist", true,
             [&](const std::string& k, const json& v, const std::string& q) {
               Result<Histogram> h = Histogram::FromJson(v, q);
               if (!h.ok()) return rd.Fail(q, h.status().message().substr(q.size() + 2));
               w.latency_hist[k] = std::move(*h);
             });
  rd.Members(j, p, "by_connection", true,
             [&](const std::string& k, const json& v, const std::string& q) {
               char* end = nullptr;
               const unsigned long long id = std::strtoull(k.c_str(), &end, 10);
               if (k.empty() || *end != '\0') return rd.Fail(q, "expected a connection number");
               w.by_connection[id] = rd.CountValue(v, q);
             });
  if (!rd.ok()) return w;
  uint64_t accounted = w.ok;
  for (const auto& [k, n] : w.errors) accounted += n;
  if (accounted != w.requests) rd.Fail(p + "/requests", "requests != ok + sum(errors)");
  return w;
}

Event ReadEvent(Reader& rd, const json& j, const std::string& p) {
  Event e;
  e.step = static_cast<int>(rd.Count(j, p, "step"));
  e.at_s = rd.Number(j, p, "at_s");
  e.command = rd.String(j, p, "command");
  e.ran = rd.Bool(j, p, "ran");
  e.start_s = rd.Number(j, p, "start_s", false, 0);
  e.end_s = rd.Number(j, p, "end_s", false, 0);
  e.exit_code = static_cast<int>(rd.Number(j, p, "exit_code", false, -1));
  e.timed_out = rd.Bool(j, p, "timed_out", false);
  e.first_line = rd.String(j, p, "output", false);
  e.detect_s = rd.Optional(j, p, "detect_s");
  e.recover_s = rd.Optional(j, p, "recover_s");
  e.detail = rd.String(j, p, "detail", false);
  return e;
}

SloResult ReadSlo(Reader& rd, const json& j, const std::string& p) {
  SloResult s;
  s.expr = rd.String(j, p, "expr");
  s.status = rd.String(j, p, "status");
  s.value = rd.Optional(j, p, "value");
  s.detail = rd.String(j, p, "detail", false);
  return s;
}

Step ReadStep(Reader& rd, const json& j, const std::string& p) {
  Step s;
  s.index = static_cast<int>(rd.Count(j, p, "index"));
  s.axis = rd.String(j, p, "axis");
  s.value = rd.Number(j, p, "value", true, 0);
  s.rate = rd.Number(j, p, "rate", true, 0);
  s.concurrency = static_cast<int>(rd.Count(j, p, "concurrency"));
  s.duration_s = rd.Number(j, p, "duration_s", true, 0);
  s.achieved_rate = rd.Number(j, p, "achieved_rate", true, 0);
  s.start_unix_s = rd.Number(j, p, "start_unix_s", false, -1);
  if (const json* w = rd.Get(j, p, "summary", true)) s.summary = ReadWindow(rd, *w, p + "/summary");
  return s;
}

}  // namespace

Result<LoadReport> LoadReportFromJson(const json& j, std::string_view source) {
  Reader rd(source);
  LoadReport r;
  const std::string p;
  if (!j.is_object()) return Status::InvalidInput(std::string(source) + ": expected an object");
  r.schema = rd.String(j, p, "schema");
  if (rd.ok() && r.schema != kLoadSchema) {
    rd.Fail("/schema", "expected \"" + std::string(kLoadSchema) + "\"");
  }
  Result<Verdict> v = ParseVerdict(rd.String(j, p, "verdict"));
  if (rd.ok() && !v.ok()) rd.Fail("/verdict", v.status().message());
  if (rd.ok()) r.verdict = *v;
  if (const json* t = rd.Get(j, p, "tool", true))
    r.tool_version = rd.String(*t, "/tool", "version");
  r.started_at = rd.String(j, p, "started_at");
  r.duration_s = rd.Number(j, p, "duration_s", true, 0);
  r.mode = rd.String(j, p, "mode");
  r.interrupted = rd.Bool(j, p, "interrupted");
  r.latency_measured = rd.String(j, p, "latency_measured", false);
  if (const json* c = rd.Get(j, p, "config", true)) r.config = *c;
  rd.Members(j, p, "expected", true,
             [&](const std::string& k, const json& e, const std::string& q) {
               if (!e.is_number()) return rd.Fail(q, "expected a number");
               r.expected[k] = e.get<double>();
             });
  r.tolerance = rd.Number(j, p, "tolerance", true, 0.05);
  r.requests = rd.Count(j, p, "requests");
  r.ok = rd.Count(j, p, "ok");
  r.late = rd.Count(j, p, "late");
  r.not_issued = rd.Count(j, p, "not_issued");
  rd.Members(j, p, "errors", true, [&](const std::string& k, const json& e, const std::string& q) {
    r.errors[k] = rd.CountValue(e, q);
  });
  if (const json* s = rd.Get(j, p, "summary", true)) r.summary = ReadWindow(rd, *s, "/summary");
  rd.Items(j, p, "windows",
           [&](const json& w, const std::string& q) { r.windows.push_back(ReadWindow(rd, w, q)); });
  rd.Items(j, p, "pooled",
           [&](const json& w, const std::string& q) { r.pooled.push_back(ReadWindow(rd, w, q)); });
  rd.Items(j, p, "events",
           [&](const json& e, const std::string& q) { r.events.push_back(ReadEvent(rd, e, q)); });
  rd.Items(j, p, "slos",
           [&](const json& s, const std::string& q) { r.slos.push_back(ReadSlo(rd, s, q)); });
  rd.Items(j, p, "steps",
           [&](const json& s, const std::string& q) { r.steps.push_back(ReadStep(rd, s, q)); });
  rd.Items(j, p, "notes", [&](const json& n, const std::string& q) {
    if (!n.is_string()) return rd.Fail(q, "expected a string");
    r.notes.push_back(n.get<std::string>());
  });
  if (j.contains("shards")) {
    rd.Items(j, p, "shards", [&](const json& s, const std::string& q) {
      ShardStatus st;
      st.name = rd.String(s, q, "name");
      st.cluster = rd.String(s, q, "cluster", false);
      st.status = rd.String(s, q, "status");
      st.planned = rd.Count(s, q, "planned", false);
      st.requests = rd.Count(s, q, "requests", false);
      st.detail = rd.String(s, q, "detail", false);
      r.shards.push_back(std::move(st));
    });
    r.not_reported = rd.Count(j, p, "not_reported", false);
  }
  if (!rd.ok()) return rd.status();
  uint64_t accounted = r.ok;
  for (const auto& [k, n] : r.errors) accounted += n;
  if (accounted != r.requests) {
    return Status::InvalidInput(std::string(source) + ": /requests: requests != ok + sum(errors)");
  }
  return r;
}

Result<LoadReport> ParseLoadReport(std::string_view text, std::string_view source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Status::InvalidInput(std::string(source) + ": byte " + std::to_string(e.byte) +
                                ": invalid JSON");
  }
  return LoadReportFromJson(j, source);
}

}  // namespace meshverify::load
