#pragma once
// Parsing JSON text (reports, endpoint views, pod lists, request records) in one place: no
// exception leaves it, and every failure says where parsing stopped, syntax errors and number
// overflows ("1e999") alike. Callers phrase the message for their input. Pure; thread-safe.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "meshverify/status.h"

namespace meshverify {

// Where and why a JSON text did not parse.
struct JsonError {
  uint64_t byte = 0;    // nlohmann's offset of the byte it stopped at (1-based; size + 1 at EOF)
  uint64_t line = 0;    // 1-based line of that byte
  uint64_t column = 0;  // 1-based column of that byte within its line
  // One line of valid UTF-8: "syntax error while parsing value - unexpected end of input;
  // expected '[', '{', or a literal", "number overflow parsing '1e999'".
  std::string reason;
};

// A parsed document, or where it broke.
struct JsonParse {
  nlohmann::json value;  // the document when ok()
  std::optional<JsonError> error;
  bool ok() const { return !error.has_value(); }
};

// Parses `text` as one JSON document (RFC 8259, as nlohmann reads it). Never throws.
JsonParse ParseJsonText(std::string_view text);

// The JSON pointer (RFC 6901) of member `key` under `ptr`: "~" and "/" escaped as "~0", "~1".
std::string JsonPointerChild(const std::string& ptr, std::string_view key);

// Keeps the first disagreement found in a document `source`, as InvalidInput
// "<source>: <JSON pointer>: <why>" (the saved reports' cross-checks).
class JsonPointerChecker {
 public:
  explicit JsonPointerChecker(std::string_view source) : source_(source) {}
  void Fail(const std::string& ptr, const std::string& why) {
    if (status_.ok()) status_ = Status::InvalidInput(source_ + ": " + ptr + ": " + why);
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  std::string source_;
  Status status_;
};

}  // namespace meshverify
