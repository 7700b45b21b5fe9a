// --expect share lists and durations (include/meshverify/config.h).

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "meshverify/config.h"
#include "endpoints_internal.h"

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

// One entry's value: a decimal ("0.5", ".5", "2") or a fraction of two ("1/3").
struct Value {
  double v = 0;
  bool whole = false;  // written as a whole number ("2")
  int decimals = 0;    // digits after the point of a decimal; 0 for whole numbers and fractions
};

bool ParseValue(std::string_view text, Value* out) {
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    double num = 0, den = 0;
    if (!ParseNumber(Trim(text.substr(0, slash)), &num) ||
        !ParseNumber(Trim(text.substr(slash + 1)), &den) || !(den > 0)) {
      return false;
    }
    *out = Value{num / den, false, 0};
    return std::isfinite(out->v);
  }
  if (!ParseNumber(text, &out->v)) return false;
  size_t dot = text.find('.');
  out->whole = dot == std::string_view::npos;
  out->decimals = out->whole ? 0 : static_cast<int>(text.size() - dot - 1);
  return true;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

Result<ShareList> ParseShareList(std::string_view text, std::string_view source) {
  ShareList out;
  if (Trim(text).empty()) return Fail(source, "empty share list (expected e.g. v1=0.5,v2=0.5)");
  double sum = 0;
  bool all_whole = true;
  int max_decimals = 0;
  std::vector<std::string> written;
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
    Value value;
    if (!ParseValue(number, &value)) {
      return Fail(source, std::string(name) + ": bad share '" + std::string(number) + "'");
    }
    if (value.v < 0) {
      return Fail(source, std::string(name) + ": negative share " + std::string(number));
    }
    if (!out.shares.emplace(std::string(name), value.v).second) {
      return Fail(source, "duplicate name " + std::string(name));
    }
    sum += value.v;
    all_whole = all_whole && value.whole;
    max_decimals = std::max(max_decimals, value.decimals);
    written.push_back(std::string(number));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (!std::isfinite(sum)) return Fail(source, "shares sum to more than a double holds");
  const double k = static_cast<double>(out.shares.size());
  const double off = std::fabs(sum - 1.0);
  if (all_whole && sum > 0 && off > 0) {
    out.note = std::string(source) + ": weights " + Join(written, "/") + " normalised to shares";
  } else if (off > kShareSumTolerance) {
    // Shares rounded to d decimals are each off by at most half a unit of the last place.
    const double rounding = k * 0.5 * std::pow(10.0, -max_decimals);
    if (max_decimals == 0 || !(off < rounding * (1 - 1e-9))) {
      return Fail(source, "shares sum to " + FormatNumber(sum) + ", not 1");
    }
    out.note = std::string(source) + ": shares sum to " + FormatNumber(sum) +
               " (rounded decimals), normalised to sum 1";
  } else if (sum == 0) {
    return Fail(source, "shares sum to 0, not 1");
  }
  if (off > 1e-12) {
    for (auto& [name, share] : out.shares) share /= sum;
  }
  if (!out.note.empty()) {
    std::vector<std::string> parts;
    for (const auto& [name, share] : out.shares) parts.push_back(name + "=" + FormatNumber(share));
    out.note += ": " + Join(parts, ", ");
  }
  return out;
}

Result<std::map<std::string, double>> ParseShares(std::string_view text, std::string_view source) {
  Result<ShareList> list = ParseShareList(text, source);
  if (!list.ok()) return list.status();
  return std::move(list->shares);
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
    return Fail(source, "bad duration '" + endpoints_internal::Printable(t) + "': unit must be ms, s, m or h");
  }
  double value = 0;
  if (!ParseNumber(number, &value)) {
    return Fail(source, "bad duration '" + endpoints_internal::Printable(t) + "' (expected e.g. 5s, 250ms, 2m)");
  }
  if (value < 0) return Fail(source, "negative duration '" + endpoints_internal::Printable(t) + "'");
  double ms = value * scale_ms;
  if (ms > kMaxDurationMs) return Fail(source, "duration '" + endpoints_internal::Printable(t) + "' is too long");
  return std::chrono::milliseconds(std::llround(ms));
}

}  // namespace meshverify
