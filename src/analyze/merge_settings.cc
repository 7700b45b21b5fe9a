// The rules shared by every merge: same settings, looks, clocks.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <sstream>

#include "meshverify/merge.h"

namespace meshverify {
namespace {

using nlohmann::json;

json Comparable(const json& config) {
  if (!config.is_object()) return config;
  json c = config;
  for (const char* k : kPerRunConfigKeys) c.erase(k);
  return c;
}

std::string Show(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

std::string NameOf(std::span<const std::string> names, size_t i) {
  return i < names.size() ? names[i] : "report " + std::to_string(i + 1);
}

}  // namespace

Status CheckSameSettings(std::span<const json> configs, std::span<const std::string> names) {
  if (configs.empty()) return Status::Ok();
  const json first = Comparable(configs[0]);
  for (size_t i = 1; i < configs.size(); ++i) {
    const json other = Comparable(configs[i]);
    if (other == first) continue;
    const json patch = json::diff(first, other);
    std::string where = "/", a = "(none)", b = "(none)";
    if (!patch.empty()) {
      const json& op = patch[0];
      where = op.value("path", std::string("/"));
      const json::json_pointer ptr(where.empty() ? "" : where);
      if (first.contains(ptr)) a = Show(first.at(ptr));
      if (other.contains(ptr)) b = Show(other.at(ptr));
    }
    return Status::InvalidInput("merge: " + NameOf(names, i) +
                                " was run with other settings than " + NameOf(names, 0) +
                                ": config" + where + ": " + a + " vs " + b);
  }
  return Status::Ok();
}

int LooksOf(const json& config) {
  if (!config.is_object()) return 1;
  auto run = config.find("run");
  if (run == config.end() || !run->is_object()) return 1;
  auto looks = run->find("looks");
  if (looks == run->end() || !looks->is_number_integer()) return 1;
  return std::max(1, looks->get<int>());
}

double ParseRfc3339(std::string_view text) {
  const std::string t(text);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, n = 0;
  double sec = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
      static_cast<size_t>(n) + 1 != t.size() || t.back() != 'Z') {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  const double whole = std::floor(sec);
  tm.tm_sec = static_cast<int>(whole);
  return static_cast<double>(timegm(&tm)) + (sec - whole);
}

ClockSpread DescribeClocks(std::span<const double> start_unix_s,
                           std::span<const ClockOffset> offsets) {
  ClockSpread c;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double s : start_unix_s) {
    if (std::isnan(s)) continue;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  if (hi >= lo) c.start_spread_s = hi - lo;
  c.skew_known = !offsets.empty();
  double mlo = std::numeric_limits<double>::infinity(), mhi = -mlo;
  for (const ClockOffset& o : offsets) {
    if (!o.known) {
      c.skew_known = false;
      break;
    }
    const double mid = (o.lo_ms + o.hi_ms) / 2;
    mlo = std::min(mlo, mid);
    mhi = std::max(mhi, mid);
    c.skew_error_ms = std::max(c.skew_error_ms, (o.hi_ms - o.lo_ms) / 2);
  }
  std::ostringstream os;
  os.precision(3);
  os << std::fixed;
  os << "clocks: the runs started " << c.start_spread_s << " s apart (wall clock)";
  if (c.skew_known) {
    c.skew_ms = mhi - mlo;
    os << "; skew between their clocks " << c.skew_ms << " ms (+- " << c.skew_error_ms
       << " ms), measured against the destinations' HTTP Date headers";
  } else {
    os << "; skew between their clocks not measured (windows are merged by each run's own "
          "wall-clock time)";
  }
  c.note = os.str();
  return c;
}

}  // namespace meshverify
