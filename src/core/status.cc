#include "meshverify/status.h"

namespace meshverify {
namespace {

const char* CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidInput: return "InvalidInput";
    case Status::Code::kUsage: return "Usage";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kInternal: return "Internal";
  }
  return "Unknown";
}

}  // namespace

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

ExitCode Status::ExitCode() const {
  switch (code_) {
    case Code::kOk: return ExitCode::kPass;
    case Code::kInvalidInput:
    case Code::kUsage: return ExitCode::kUsage;
    case Code::kUnavailable:
    case Code::kInternal: return ExitCode::kCouldNotRun;
  }
  return ExitCode::kCouldNotRun;
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return *this;
  return Status(code_, std::string(prefix) + ": " + message_);
}

}  // namespace meshverify
