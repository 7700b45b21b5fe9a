// --sweep and --at values.
#include <cmath>
#include <cstdlib>
#include <string>

#include "meshverify/config.h"
#include "meshverify/load.h"

namespace meshverify::load {

Result<Sweep> ParseSweep(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Status::Usage("--sweep '" + std::string(text) + "': " + why);
  };
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) return bad("expected concurrency=1,4,16 or rate=100,500");
  Sweep s;
  s.axis = std::string(text.substr(0, eq));
  if (s.axis != "concurrency" && s.axis != "rate") {
    return bad("unknown axis '" + s.axis + "' (concurrency or rate)");
  }
  std::string_view rest = text.substr(eq + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(v) || v <= 0) {
      return bad("'" + item + "': expected a positive number");
    }
    if (s.axis == "concurrency" && (v != std::floor(v) || v > 10000)) {
      return bad("'" + item + "': a concurrency is a whole number in [1, 10000]");
    }
    s.values.push_back(v);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  if (s.values.size() > 100) return bad("at most 100 steps");
  return s;
}

Result<EventSpec> ParseEvent(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 >= text.size()) {
    return Status::Usage("--at '" + std::string(text) + "': expected T=COMMAND, e.g. 4s='...'");
  }
  Result<std::chrono::milliseconds> at = ParseDuration(text.substr(0, eq), "--at");
  if (!at.ok()) return Status::Usage(at.status().message());
  if (at->count() < 0) return Status::Usage("--at: the time must not be negative");
  return EventSpec{*at, std::string(text.substr(eq + 1))};
}

uint64_t ShardPart(uint64_t total, int index, int count) {
  const auto part = [&](int i) {
    // total * i / count without overflow for any uint64 total: (q * count + r) * i / count.
    const uint64_t n = static_cast<uint64_t>(count), q = total / n, r = total % n;
    return q * static_cast<uint64_t>(i) + r * static_cast<uint64_t>(i) / n;
  };
  return part(index + 1) - part(index);
}

}  // namespace meshverify::load
