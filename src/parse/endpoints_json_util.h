#pragma once
// JSON helpers of the endpoint-view parsers: both-spelling lookups, proto3 JSON numbers, and
// errors that name the place ("<source>: byte N: <reason>", "<source>: <path>: <reason>").

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meshverify/status.h"

namespace meshverify::endpoints_internal {

// Parses `text` (ParseJsonText); any error becomes InvalidInput "<source>: byte N, line L,
// column C: <reason>", with " (a comment: JSON has none; remove it)" when it is at a // or /*
// comment.
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view source);

// The member `camel` or, failing that, `snake` of object `obj`; nullptr when neither exists.
// REQUIRES: obj.is_object()
const nlohmann::json* Field(const nlohmann::json& obj, std::string_view camel,
                            std::string_view snake);

// A proto3 JSON integer: a number or a string of digits (uint64 is written as a string), bare
// or in a wrapper object {"value": N} (google.protobuf.UInt32Value as some printers write it).
std::optional<uint64_t> JsonUint(const nlohmann::json& v, uint64_t max = UINT64_MAX);

// True iff `obj` has `camel` or `snake` set to true.
bool JsonTrue(const nlohmann::json& obj, std::string_view camel, std::string_view snake);

// "region/zone/sub_zone" from an Envoy Locality object ("" for {} or a non-object).
std::string JsonLocality(const nlohmann::json& loc);

// Where we are in a document, for error messages: "[0].hostStatuses[2]".
struct JsonPath {
  std::string_view source;
  std::string path;

  JsonPath Index(std::string_view key, size_t i) const;
  // "<path>.<sub>", or "(top level)".
  std::string Where(std::string_view sub) const;
  // InvalidInput "<source>: <path>.<sub>: <reason>".
  Status Error(std::string_view sub, std::string_view reason) const;
};

}  // namespace meshverify::endpoints_internal
