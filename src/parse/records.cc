#include "meshverify/records.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "meshverify/json_parse.h"
#include "meshverify/utf8.h"

namespace meshverify {
namespace {

using nlohmann::json;

constexpr size_t kMaxDetailBytes = 120;

std::string Where(std::string_view source, uint64_t line_no) {
  std::ostringstream os;
  os << source << ":" << line_no << ": ";
  return os.str();
}

// Reads an optional integer key into *out, within [lo, hi].
Status ReadInt(const json& j, const char* key, int64_t lo, uint64_t hi, uint64_t* out,
               const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  bool fits = false;
  if (it->is_number_unsigned()) {
    const auto v = it->get<uint64_t>();
    fits = v <= hi;
    *out = v;
  } else if (it->is_number_integer()) {
    const auto v = it->get<int64_t>();
    fits = v >= lo && v >= 0 && static_cast<uint64_t>(v) <= hi;
    *out = static_cast<uint64_t>(v);
  }
  if (!fits) {
    std::ostringstream os;
    os << where << "key '" << key << "': expected an integer in [" << lo << ", " << hi << "]";
    return Status::InvalidInput(os.str());
  }
  return Status::Ok();
}

Status ReadMs(const json& j, const char* key, double* out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) {
    return Status::InvalidInput(where + "key '" + key + "': expected a number or null");
  }
  *out = it->get<double>();
  return Status::Ok();
}

Status ReadString(const json& j, const char* key, std::string* out, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_string()) return Status::InvalidInput(where + "key '" + key + "': expected a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status FillRecord(const json& j, const std::string& where, ProbeRecord* r) {
  std::string schema(kRecordSchema);
  if (Status s = ReadString(j, "schema", &schema, where); !s.ok()) return s;
  if (schema != kRecordSchema) {
    return Status::InvalidInput(where + "key 'schema': expected \"" + std::string(kRecordSchema) +
                                "\"");
  }
  uint64_t code = 0, curl_exit = 0;
  Status s = ReadString(j, "src_cluster", &r->source_cluster, where);
  if (s.ok()) s = ReadString(j, "src_pod", &r->source_pod, where);
  if (s.ok()) s = ReadInt(j, "seq", 0, std::numeric_limits<uint64_t>::max(), &r->seq, where);
  if (s.ok()) s = ReadInt(j, "code", 0, 999, &code, where);
  if (s.ok()) s = ReadInt(j, "curl_exit", 0, 255, &curl_exit, where);
  if (s.ok()) s = ReadMs(j, "connect_ms", &r->connect_ms, where);
  if (s.ok()) s = ReadMs(j, "total_ms", &r->total_ms, where);
  if (s.ok()) s = ReadString(j, "body", &r->body, where);
  if (s.ok()) s = ReadString(j, "error", &r->error, where);
  if (s.ok()) s = ReadMs(j, "intended_ms", &r->intended_ms, where);
  if (s.ok()) s = ReadMs(j, "sent_ms", &r->sent_ms, where);
  if (s.ok()) {
    s = ReadInt(j, "conn", 0, std::numeric_limits<uint64_t>::max(), &r->connection, where);
  }
  if (s.ok()) s = ReadString(j, "peer", &r->peer, where);
  if (!s.ok()) return s;
  if (auto it = j.find("late"); it != j.end()) {
    if (!it->is_boolean()) return Status::InvalidInput(where + "key 'late': expected a bool");
    r->late = it->get<bool>();
  }
  if (auto it = j.find("new_conn"); it != j.end()) {
    if (!it->is_boolean()) return Status::InvalidInput(where + "key 'new_conn': expected a bool");
    r->new_connection = it->get<bool>();
  }
  r->http_code = static_cast<int>(code);
  r->curl_exit = static_cast<int>(curl_exit);
  return Status::Ok();
}

// The DOM parser: nlohmann's, then the schema's checks key by key.
Result<ProbeRecord> ParseDom(std::string_view line, std::string_view source, uint64_t line_no,
                             bool* has_seq) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  JsonParse parsed = ParseJsonText(line);
  const std::string where = Where(source, line_no);
  if (!parsed.ok()) {
    return Status::InvalidInput(
        where + "byte " + std::to_string(parsed.error->byte) +
        ": invalid JSON: " + SanitizeUtf8(parsed.error->reason, kMaxDetailBytes));
  }
  const json& j = parsed.value;
  if (!j.is_object()) return Status::InvalidInput(where + "expected a JSON object");
  ProbeRecord r;
  if (Status s = FillRecord(j, where, &r); !s.ok()) return s;
  if (has_seq != nullptr) *has_seq = j.contains("seq");
  return r;
}

}  // namespace

Result<ProbeRecord> ParseRecordLineDom(std::string_view line, std::string_view source,
                                       uint64_t line_no) {
  return ParseDom(line, source, line_no, nullptr);
}

Status ParseRecordLineInto(std::string_view line, std::string_view source, uint64_t line_no,
                           ProbeRecord* r, bool* has_seq) {
  if (ParseRecordLineFast(line, r, has_seq)) return Status::Ok();
  Result<ProbeRecord> dom = ParseDom(line, source, line_no, has_seq);
  if (!dom.ok()) return dom.status();
  *r = std::move(dom).value();
  return Status::Ok();
}

Result<ProbeRecord> ParseRecordLine(std::string_view line, std::string_view source,
                                    uint64_t line_no) {
  ProbeRecord r;
  if (ParseRecordLineFast(line, &r)) return r;
  return ParseRecordLineDom(line, source, line_no);
}

std::string RecordToJsonLine(const ProbeRecord& r) {
  nlohmann::ordered_json j;
  j["src_cluster"] = r.source_cluster;
  j["src_pod"] = r.source_pod;
  j["seq"] = r.seq;
  j["code"] = r.http_code;
  j["curl_exit"] = r.curl_exit;
  j["connect_ms"] =
      r.connect_ms < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(r.connect_ms);
  j["total_ms"] = r.total_ms < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(r.total_ms);
  j["new_conn"] = r.new_connection;
  j["body"] = r.body;
  if (!r.error.empty()) j["error"] = r.error;
  if (r.intended_ms >= 0) j["intended_ms"] = r.intended_ms;
  if (r.sent_ms >= 0) j["sent_ms"] = r.sent_ms;
  if (r.late) j["late"] = true;
  if (r.connection > 0) j["conn"] = r.connection;
  if (!r.peer.empty()) j["peer"] = r.peer;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace meshverify
