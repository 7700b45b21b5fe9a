// JSON -> Report. Every error names the JSON pointer of the offending value, so a person can
// find it in a saved report: "<source>: /sources/0/requests: expected unsigned integer".
#include <cmath>
#include <limits>
#include <string>

#include "meshverify/json_parse.h"
#include "meshverify/report.h"

namespace meshverify {
namespace {

using nlohmann::json;

// RFC 6901 escaping of one reference token.
std::string Child(const std::string& ptr, std::string_view key) {
  return JsonPointerChild(ptr, key);
}

std::string Child(const std::string& ptr, size_t index) {
  return ptr + "/" + std::to_string(index);
}

// Reads typed values out of objects, keeping the first error and its pointer. After an error
// every call returns a default value, so the reading code stays a straight line.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  void Fail(const std::string& ptr, std::string_view why) {
    if (!ok()) return;
    status_ =
        Status::InvalidInput(source_ + ": " + (ptr.empty() ? "/" : ptr) + ": " + std::string(why));
  }

  // Returns the member `key` of `obj`, or nullptr (after recording an error when required).
  const json* Member(const json& obj, const std::string& ptr, std::string_view key, bool required) {
    if (!ok()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) Fail(Child(ptr, key), "missing required field");
      return nullptr;
    }
    return &*it;
  }

  const json* Object(const json& obj, const std::string& ptr, std::string_view key,
                     bool required = true) {
    const json* j = Member(obj, ptr, key, required);
    if (j != nullptr && !j->is_object()) {
      Fail(Child(ptr, key), "expected object");
      return nullptr;
    }
    return j;
  }

  const json* Array(const json& obj, const std::string& ptr, std::string_view key,
                    bool required = true) {
    const json* j = Member(obj, ptr, key, required);
    if (j != nullptr && !j->is_array()) {
      Fail(Child(ptr, key), "expected array");
      return nullptr;
    }
    return j;
  }

  std::string String(const json& obj, const std::string& ptr, std::string_view key,
                     bool required = true) {
    const json* j = Member(obj, ptr, key, required);
    if (j == nullptr) return "";
    return StringValue(*j, Child(ptr, key));
  }

  std::string StringValue(const json& j, const std::string& ptr) {
    if (!j.is_string()) {
      Fail(ptr, "expected string");
      return "";
    }
    return j.get<std::string>();
  }

  uint64_t Unsigned(const json& obj, const std::string& ptr, std::string_view key,
                    bool required = true, uint64_t max = std::numeric_limits<uint64_t>::max()) {
    const json* j = Member(obj, ptr, key, required);
    if (j == nullptr) return 0;
    return UnsignedValue(*j, Child(ptr, key), max);
  }

  uint64_t UnsignedValue(const json& j, const std::string& ptr,
                         uint64_t max = std::numeric_limits<uint64_t>::max()) {
    // Parsed text gives number_unsigned for 5; values built in C++ may be signed. 3.0 and -1
    // are not counts.
    if (!j.is_number_integer() || (!j.is_number_unsigned() && j.get<int64_t>() < 0)) {
      Fail(ptr, "expected unsigned integer");
      return 0;
    }
    uint64_t v = j.get<uint64_t>();
    if (v > max) {
      Fail(ptr, "value " + std::to_string(v) + " out of range (max " + std::to_string(max) + ")");
      return 0;
    }
    return v;
  }

  // A number; with `null_ok`, null reads as NaN (an undefined statistic).
  double Number(const json& obj, const std::string& ptr, std::string_view key, bool required,
                bool null_ok) {
    const json* j = Member(obj, ptr, key, required);
    if (j == nullptr) return 0;
    return NumberValue(*j, Child(ptr, key), null_ok);
  }

  double NumberValue(const json& j, const std::string& ptr, bool null_ok) {
    if (null_ok && j.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!j.is_number()) {
      Fail(ptr, null_ok ? "expected number or null" : "expected number");
      return 0;
    }
    double v = j.get<double>();
    if (!std::isfinite(v)) {  // 1e400 parses as infinity, which JSON cannot write back
      if (null_ok) return std::numeric_limits<double>::quiet_NaN();
      Fail(ptr, "number out of range");
    }
    return v;
  }

  // A number in [0, 1].
  double ShareValue(const json& j, const std::string& ptr) {
    double v = NumberValue(j, ptr, false);
    if (ok() && !(v >= 0 && v <= 1)) Fail(ptr, "expected a share in [0, 1]");
    return v;
  }

  bool Bool(const json& obj, const std::string& ptr, std::string_view key, bool required) {
    const json* j = Member(obj, ptr, key, required);
    if (j == nullptr) return false;
    if (!j->is_boolean()) {
      Fail(Child(ptr, key), "expected boolean");
      return false;
    }
    return j->get<bool>();
  }

  std::vector<std::string> Strings(const json& obj, const std::string& ptr, std::string_view key) {
    std::vector<std::string> out;
    const json* a = Array(obj, ptr, key, /*required=*/false);
    if (a == nullptr) return out;
    for (size_t i = 0; i < a->size() && ok(); ++i) {
      out.push_back(StringValue((*a)[i], Child(Child(ptr, key), i)));
    }
    return out;
  }

 private:
  std::string source_;
  Status status_;
};

GateVerdict Gate(Reader& rd, const json& obj, const std::string& ptr) {
  std::string g = rd.String(obj, ptr, "gate", /*required=*/false);
  Result<GateVerdict> parsed = ParseGateVerdict(g);
  if (parsed.ok()) return *parsed;
  rd.Fail(Child(ptr, "gate"), "expected balanced, skewed or inconclusive");
  return GateVerdict::kNone;
}

std::map<std::string, ShareStat> ReadShares(Reader& rd, const json& src, const std::string& sp,
                                            std::string_view key) {
  std::map<std::string, ShareStat> out;
  const json* m = rd.Object(src, sp, key);
  if (m == nullptr) return out;
  std::string mp = Child(sp, key);
  for (const auto& [name, v] : m->items()) {
    std::string p = Child(mp, name);
    if (!v.is_object()) {
      rd.Fail(p, "expected object");
      break;
    }
    ShareStat s;
    s.count = rd.Unsigned(v, p, "count");
    if (const json* share = rd.Member(v, p, "share", true); share != nullptr) {
      s.share = rd.ShareValue(*share, Child(p, "share"));
    }
    if (const json* ci = rd.Array(v, p, "ci"); ci != nullptr) {
      if (ci->size() != 2) {
        rd.Fail(Child(p, "ci"), "expected [lo, hi]");
      } else {
        s.ci_lo = rd.ShareValue((*ci)[0], Child(Child(p, "ci"), 0));
        s.ci_hi = rd.ShareValue((*ci)[1], Child(Child(p, "ci"), 1));
      }
    }
    if (const json* level = rd.Member(v, p, "ci_level", false);
        level != nullptr && !level->is_null()) {
      s.ci_level = rd.ShareValue(*level, Child(p, "ci_level"));
    }
    if (const json* e = rd.Member(v, p, "expected", false); e != nullptr && !e->is_null()) {
      s.expected = rd.ShareValue(*e, Child(p, "expected"));
    }
    s.gate = Gate(rd, v, p);
    if (!rd.ok()) break;
    out.emplace(name, std::move(s));
  }
  return out;
}

// Calls `f(name, value, pointer)` for each member of the object `obj[key]` until an error.
template <typename F>
void ForEachMember(Reader& rd, const json& obj, const std::string& ptr, std::string_view key,
                   bool must_be_object, F f) {
  const json* m = rd.Object(obj, ptr, key);
  if (m == nullptr) return;
  for (const auto& [name, v] : m->items()) {
    std::string p = Child(Child(ptr, key), name);
    if (must_be_object && !v.is_object()) {
      rd.Fail(p, "expected object");
      return;
    }
    f(name, v, p);
    if (!rd.ok()) return;
  }
}

// sources[].connections (optional): [{id, answers, by_instance: {instance: n}}].
void ReadConnections(Reader& rd, const json& j, const std::string& sp, SourceReport* s) {
  const json* conns = rd.Array(j, sp, "connections", false);
  if (conns == nullptr) return;
  const std::string cp = Child(sp, "connections");
  for (size_t i = 0; i < conns->size() && rd.ok(); ++i) {
    const std::string p = cp + "/" + std::to_string(i);
    const json& c = (*conns)[i];
    if (!c.is_object()) return rd.Fail(p, "expected object");
    uint64_t id = rd.Unsigned(c, p, "id", true);
    const json* by = rd.Object(c, p, "by_instance");
    if (by == nullptr) return;
    for (const auto& [inst, v] : by->items()) {
      s->by_connection[id][inst] = rd.UnsignedValue(v, Child(Child(p, "by_instance"), inst));
    }
  }
}

SourceReport ReadSource(Reader& rd, const json& j, const std::string& sp) {
  SourceReport s;
  if (!j.is_object()) {
    rd.Fail(sp, "expected object");
    return s;
  }
  s.cluster = rd.String(j, sp, "cluster");
  s.pod = rd.String(j, sp, "pod");
  s.requests = rd.Unsigned(j, sp, "requests");
  s.ok = rd.Unsigned(j, sp, "ok");
  ForEachMember(rd, j, sp, "errors", false,
                [&](const std::string& k, const json& v, const std::string& p) {
                  s.errors[k] = rd.UnsignedValue(v, p);
                });
  s.by_cluster = ReadShares(rd, j, sp, "by_cluster");
  s.by_version = ReadShares(rd, j, sp, "by_version");
  ForEachMember(rd, j, sp, "by_instance", true,
                [&](const std::string& k, const json& v, const std::string& p) {
                  InstanceStat& i = s.by_instance[k];
                  i.count = rd.Unsigned(v, p, "count");
                  i.cluster = rd.String(v, p, "cluster");
                  i.version = rd.String(v, p, "version");
                });
  ForEachMember(rd, j, sp, "latency_ms", true,
                [&](const std::string& k, const json& v, const std::string& p) {
                  LatencyStat& l = s.latency_ms[k];
                  l.count = rd.Unsigned(v, p, "count", false);
                  l.p50 = rd.Number(v, p, "p50", true, true);
                  l.p90 = rd.Number(v, p, "p90", true, true);
                  l.p99 = rd.Number(v, p, "p99", true, true);
                  l.max = rd.Number(v, p, "max", true, true);
                });
  if (j.contains("latency_hist")) {  // optional: older reports have none
    ForEachMember(rd, j, sp, "latency_hist", false,
                  [&](const std::string& k, const json& v, const std::string& p) {
                    Result<Histogram> h = Histogram::FromJson(v, "");
                    if (!h.ok()) {
                      rd.Fail(p, h.status().message().substr(2));  // drop FromJson's ": "
                      return;
                    }
                    s.latency_hist[k] = std::move(*h);
                  });
  }
  ForEachMember(rd, j, sp, "tests", true,
                [&](const std::string& k, const json& v, const std::string& p) {
                  TestStat& t = s.tests[k];
                  t.statistic = rd.Number(v, p, "statistic", true, true);
                  t.df = rd.Number(v, p, "df", true, true);
                  t.p_value = rd.Number(v, p, "p_value", true, true);
                  t.method = rd.String(v, p, "method", false);
                  t.note = rd.String(v, p, "note", false);
                });
  s.gate = Gate(rd, j, sp);
  s.requests_to_decide = rd.Unsigned(j, sp, "requests_to_decide", false);
  s.unparsed_samples = rd.Strings(j, sp, "unparsed_samples");
  ReadConnections(rd, j, sp, &s);
  if (!rd.ok()) return s;
  // DESIGN.md: every request issued is accounted for.
  uint64_t accounted = s.ok;
  for (const auto& [k, n] : s.errors) accounted += n;
  if (accounted != s.requests) {
    rd.Fail(Child(sp, "requests"), "requests " + std::to_string(s.requests) + " != ok + errors " +
                                       std::to_string(accounted));
  }
  return s;
}

Endpoint ReadEndpoint(Reader& rd, const json& j, const std::string& p) {
  Endpoint e;
  if (!j.is_object()) {
    rd.Fail(p, "expected object");
    return e;
  }
  constexpr uint64_t kMax32 = std::numeric_limits<uint32_t>::max();
  e.source_pod = rd.String(j, p, "source_pod");
  e.envoy_cluster = rd.String(j, p, "envoy_cluster", false);
  e.address = rd.String(j, p, "address");
  e.port = static_cast<uint32_t>(rd.Unsigned(j, p, "port", true, 65535));
  std::string health = rd.String(j, p, "health");
  std::optional<HealthStatus> status = ParseHealthStatus(health);
  if (!status && rd.ok()) {
    rd.Fail(Child(p, "health"),
            "expected UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT or DEGRADED");
  }
  e.health = status.value_or(HealthStatus::kUnknown);
  std::string outlier = rd.String(j, p, "outlier");
  if (outlier != OutlierName(false) && outlier != OutlierName(true) && rd.ok()) {
    rd.Fail(Child(p, "outlier"), "expected \"ok\" or \"ejected\"");
  }
  e.outlier_ejected = outlier == OutlierName(true);
  e.cluster = rd.String(j, p, "cluster");
  e.weight = static_cast<uint32_t>(rd.Unsigned(j, p, "weight", true, kMax32));
  e.locality = rd.String(j, p, "locality");
  e.priority = static_cast<uint32_t>(rd.Unsigned(j, p, "priority", false, kMax32));
  e.hostname = rd.String(j, p, "hostname", false);
  e.workload_cluster_id = rd.String(j, p, "workload_cluster_id", false);
  e.via = rd.String(j, p, "via", false);
  const json* counters = rd.Object(j, p, "counters", false);
  if (counters != nullptr) {
    for (const auto& [k, v] : counters->items()) {
      e.counters[k] = rd.UnsignedValue(v, Child(Child(p, "counters"), k));
    }
  }
  return e;
}

CheckResult ReadCheck(Reader& rd, const json& j, const std::string& p) {
  CheckResult c;
  if (!j.is_object()) {
    rd.Fail(p, "expected object");
    return c;
  }
  c.name = rd.String(j, p, "name");
  std::string status = rd.String(j, p, "status");
  if (rd.ok()) {
    Result<CheckStatus> st = ParseCheckStatus(status);
    if (st.ok()) {
      c.status = *st;
    } else {
      rd.Fail(Child(p, "status"), "expected pass, fail, inconclusive or skipped");
    }
  }
  c.detail = rd.String(j, p, "detail");
  c.hint = rd.String(j, p, "hint");
  return c;
}

}  // namespace

Result<Report> ReportFromJson(const nlohmann::json& j, std::string_view source) {
  Reader rd(source);
  Report r;
  if (!j.is_object()) {
    rd.Fail("", "expected object");
    return rd.status();
  }
  const std::string root;
  r.schema = rd.String(j, root, "schema");
  if (rd.ok() && r.schema != kReportSchema) {
    rd.Fail("/schema", "expected \"" + std::string(kReportSchema) + "\", got \"" + r.schema + "\"");
  }
  std::string verdict = rd.String(j, root, "verdict");
  if (rd.ok()) {
    Result<Verdict> v = ParseVerdict(verdict);
    if (v.ok()) {
      r.verdict = *v;
    } else {
      rd.Fail("/verdict", "expected pass, fail, inconclusive or error");
    }
  }
  if (const json* tool = rd.Object(j, root, "tool"); tool != nullptr) {
    r.tool_name = rd.String(*tool, "/tool", "name");
    r.tool_version = rd.String(*tool, "/tool", "version");
  }
  r.started_at = rd.String(j, root, "started_at");
  r.duration_s = rd.Number(j, root, "duration_s", true, false);
  if (rd.ok() && r.duration_s < 0) rd.Fail("/duration_s", "expected a number >= 0");
  r.interrupted = rd.Bool(j, root, "interrupted", false);
  if (const json* config = rd.Object(j, root, "config"); config != nullptr) r.config = *config;
  if (const json* sources = rd.Array(j, root, "sources"); sources != nullptr) {
    for (size_t i = 0; i < sources->size() && rd.ok(); ++i) {
      r.sources.push_back(ReadSource(rd, (*sources)[i], Child("/sources", i)));
    }
  }
  if (const json* total = rd.Member(j, root, "total", true); total != nullptr) {
    r.total = ReadSource(rd, *total, "/total");
  }
  if (const json* eps = rd.Array(j, root, "endpoints"); eps != nullptr) {
    for (size_t i = 0; i < eps->size() && rd.ok(); ++i) {
      r.endpoints.push_back(ReadEndpoint(rd, (*eps)[i], Child("/endpoints", i)));
    }
  }
  if (const json* checks = rd.Array(j, root, "checks"); checks != nullptr) {
    for (size_t i = 0; i < checks->size() && rd.ok(); ++i) {
      r.checks.push_back(ReadCheck(rd, (*checks)[i], Child("/checks", i)));
    }
  }
  r.notes = rd.Strings(j, root, "notes");
  if (!rd.ok()) return rd.status();
  return r;
}

Result<Report> ParseReport(std::string_view text, std::string_view source) {
  JsonParse parsed = ParseJsonText(text);
  if (!parsed.ok()) {
    const JsonError& e = *parsed.error;
    return Status::InvalidInput(std::string(source) + ": byte " + std::to_string(e.byte) +
                                ", line " + std::to_string(e.line) + ", column " +
                                std::to_string(e.column) + ": " + e.reason);
  }
  return ReportFromJson(parsed.value, source);
}

}  // namespace meshverify
