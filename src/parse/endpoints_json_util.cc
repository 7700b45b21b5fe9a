// JSON helpers of the endpoint-view parsers.
#include "parse/endpoints_json_util.h"

#include "meshverify/json_parse.h"
#include "parse/endpoints_internal.h"

namespace meshverify::endpoints_internal {

using nlohmann::json;

Result<json> ParseJson(std::string_view text, std::string_view source) {
  JsonParse parsed = ParseJsonText(text);
  if (parsed.ok()) return std::move(parsed.value);
  const JsonError& e = *parsed.error;
  std::string where = "byte " + std::to_string(e.byte) + ", line " + std::to_string(e.line) +
                      ", column " + std::to_string(e.column) + ": " + e.reason;
  // People annotate pasted JSON with comments ("// 1st Replica"); say so plainly.
  size_t i = e.byte > 0 ? e.byte - 1 : 0;
  if (i + 1 < text.size() && text[i] == '/' && (text[i + 1] == '/' || text[i + 1] == '*')) {
    where += " (a comment: JSON has none; remove it)";
  }
  return Status::InvalidInput(std::string(source) + ": " + where);
}

const json* Field(const json& obj, std::string_view camel, std::string_view snake) {
  auto it = obj.find(camel);
  if (it != obj.end()) return &*it;
  if (snake != camel) {
    it = obj.find(snake);
    if (it != obj.end()) return &*it;
  }
  return nullptr;
}

std::optional<uint64_t> JsonUint(const json& v, uint64_t max) {
  if (v.is_object() && v.size() == 1 && v.contains("value")) {  // a wrapper: {"value": 3}
    const json& inner = v["value"];
    return inner.is_object() ? std::nullopt : JsonUint(inner, max);
  }
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    return u <= max ? std::optional<uint64_t>(u) : std::nullopt;
  }
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i < 0 || static_cast<uint64_t>(i) > max) return std::nullopt;
    return static_cast<uint64_t>(i);
  }
  if (v.is_string()) return ParseUint(v.get_ref<const std::string&>(), max);
  return std::nullopt;
}

bool JsonTrue(const json& obj, std::string_view camel, std::string_view snake) {
  const json* v = Field(obj, camel, snake);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

std::string JsonLocality(const json& loc) {
  if (!loc.is_object()) return "";
  auto str = [&](std::string_view camel, std::string_view snake) -> std::string {
    const json* v = Field(loc, camel, snake);
    return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
  };
  return LocalityString(str("region", "region"), str("zone", "zone"), str("subZone", "sub_zone"));
}

JsonPath JsonPath::Index(std::string_view key, size_t i) const {
  std::string p = path;
  if (!key.empty()) {
    if (!p.empty()) p += ".";
    p += key;
  }
  p += '[';
  p += std::to_string(i);
  p += ']';
  return JsonPath{source, std::move(p)};
}

std::string JsonPath::Where(std::string_view sub) const {
  std::string where = path;
  if (!sub.empty()) {
    if (!where.empty()) where += ".";
    where += sub;
  }
  if (where.empty()) where = "(top level)";
  return where;
}

Status JsonPath::Error(std::string_view sub, std::string_view reason) const {
  return Status::InvalidInput(std::string(source) + ": " + Where(sub) + ": " + std::string(reason));
}

}  // namespace meshverify::endpoints_internal
