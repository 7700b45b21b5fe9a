// --expect share lists and durations (include/meshverify/config.h).

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "meshverify/config.h"

namespace meshverify {
namespace {

constexpr double kShareSumTolerance = 1e-6;
// 100 days in milliseconds: far beyond any timeout or deadline, small enough that
// milliseconds::rep never overflows.
constexpr double kMaxDurationMs = 100.0 * 24 * 3600 * 1000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Names are versions or cluster names (Kubernetes label values / DNS labels), so a conservative
// character set keeps typos such as "v1:0.5" from becoming a name.
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Parses the whole of `s` as a finite decimal number; std::from_chars does not accept a
// leading '+', nor does it read "nan"/"inf" as finite.
bool ParseNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out, std::chars_format::fixed);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

std::string FormatNumber(double v) {
  std::ostringstream os;
  os.precision(10);  // hides binary rounding noise (0.3 + 0.6 prints as 0.9)
  os << v;
  return os.str();
}

Status Fail(std::string_view source, const std::string& reason) {
  return Status::InvalidInput(std::string(source) + ": " + reason);
}

}  // namespace

Result<std::map<std::string, double>> ParseShares(std::string_view text, std::string_view source) {
  std::map<std::string, double> shares;
  if (Trim(text).empty()) return Fail(source, "empty share list (expected e.g. v1=0.5,v2=0.5)");
  double sum = 0;
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    if (item.empty()) return Fail(source, "empty entry (expected e.g. v1=0.5,v2=0.5)");
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Fail(source, std::string("'").append(item).append("': expected name=share"));
    }
    std::string_view name = Trim(item.substr(0, eq));
    std::string_view number = Trim(item.substr(eq + 1));
    if (!IsValidName(name)) {
      return Fail(source, std::string("'").append(name).append(
                              "': bad name (letters, digits, '-', '_', '.')"));
    }
    double share = 0;
    if (!ParseNumber(number, &share)) {
      return Fail(source, std::string(name) + ": bad share '" + std::string(number) + "'");
    }
    if (share < 0) {
      return Fail(source, std::string(name) + ": negative share " + std::string(number));
    }
    if (!shares.emplace(std::string(name), share).second) {
      return Fail(source, "duplicate name " + std::string(name));
    }
    sum += share;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (std::fabs(sum - 1.0) > kShareSumTolerance) {
    return Fail(source, "shares sum to " + FormatNumber(sum) + ", not 1");
  }
  return shares;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text, std::string_view source) {
  std::string_view t = Trim(text);
  size_t unit_at = t.size();
  while (unit_at > 0 && std::isalpha(static_cast<unsigned char>(t[unit_at - 1]))) --unit_at;
  std::string_view number = t.substr(0, unit_at);
  std::string_view unit = t.substr(unit_at);
  double scale_ms = 0;
  if (unit.empty() || unit == "s") {
    scale_ms = 1000;
  } else if (unit == "ms") {
    scale_ms = 1;
  } else if (unit == "m") {
    scale_ms = 60.0 * 1000;
  } else if (unit == "h") {
    scale_ms = 3600.0 * 1000;
  } else {
    return Fail(source, "bad duration '" + std::string(t) + "': unit must be ms, s, m or h");
  }
  double value = 0;
  if (!ParseNumber(number, &value)) {
    return Fail(source, "bad duration '" + std::string(t) + "' (expected e.g. 5s, 250ms, 2m)");
  }
  if (value < 0) return Fail(source, "negative duration '" + std::string(t) + "'");
  double ms = value * scale_ms;
  if (ms > kMaxDurationMs) return Fail(source, "duration '" + std::string(t) + "' is too long");
  return std::chrono::milliseconds(std::llround(ms));
}

}  // namespace meshverify
