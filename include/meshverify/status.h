#pragma once
// Status and Result<T>: how every fallible meshverify function reports failure.
//
// A Status is either OK or carries a code and a one-line message that names the place
// ("<source>:<line>: <reason>"). Codes map onto the exit-code contract of DESIGN.md:
// kInvalidInput and kUsage -> 2, kUnavailable -> 3. A check that ran and failed is not a
// Status: it is a verdict in the Report. Status and Result are values; const methods may be
// called from several threads without synchronization.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "meshverify/exit_code.h"

namespace meshverify {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidInput,  // a file, a line, a record or a config value is not what it must be
    kUsage,         // the command line is wrong
    kUnavailable,   // a cluster, pod, tool or file could not be reached: "could not run"
    kInternal,      // a meshverify bug
  };

  // Creates an OK status.
  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string msg) { return Status(Code::kInvalidInput, std::move(msg)); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsInvalidInput() const { return code_ == Code::kInvalidInput; }
  bool IsUsage() const { return code_ == Code::kUsage; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }

  // Returns "OK", or "<CodeName>: <message>", e.g. "InvalidInput: in.txt:3: bad share".
  std::string ToString() const;

  // Returns the process exit code for this status per DESIGN.md: kPass for OK, kUsage for
  // input and usage errors, kCouldNotRun for "could not run" and internal errors.
  ::meshverify::ExitCode ExitCode() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  // REQUIRES: !status.ok()
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;  // OK iff value_ holds a value
};

}  // namespace meshverify
