// The text report: what a person reads at a glance after an install. Plain ASCII layout (names
// may be UTF-8), aligned columns, no colour, lines of at most kWidth columns.
#include <algorithm>
#include <sstream>

#include "meshverify/render.h"
#include "report/render_util.h"

namespace meshverify {
namespace {

using render::DisplayWidth;
using render::Fixed;
using render::OneLine;
using render::PadLeft;
using render::PadRight;
using render::Truncate;

constexpr size_t kWidth = 100;
constexpr size_t kMaxNameWidth = 30;
constexpr size_t kMaxEndpointRows = 30;

size_t NameWidth(const std::vector<std::string>& names, size_t min) {
  size_t w = min;
  for (const std::string& n : names) w = std::max(w, DisplayWidth(OneLine(n)));
  return std::min(w, kMaxNameWidth);
}

// Lines of `text` wrapped to the page, every line after the first indented by `indent`.
void WriteWrapped(std::ostream& os, std::string_view first_prefix, size_t indent,
                  std::string_view text) {
  size_t margin = std::max(indent, DisplayWidth(first_prefix));
  size_t width = kWidth > margin + 20 ? kWidth - margin : 20;
  std::vector<std::string> lines = render::Wrap(OneLine(text), width);
  os << first_prefix << lines[0] << "\n";
  for (size_t i = 1; i < lines.size(); ++i) os << std::string(indent, ' ') << lines[i] << "\n";
}

void WriteShares(std::ostream& os, std::string_view title,
                 const std::map<std::string, ShareStat>& shares, size_t name_w) {
  if (shares.empty()) return;
  size_t count_w = 5;
  for (const auto& [k, s] : shares) count_w = std::max(count_w, std::to_string(s.count).size());
  os << "  " << PadRight(title, name_w) << "  " << PadLeft("count", count_w) << "   share"
     << "  interval (level)            expected  gate\n";
  for (const auto& [name, s] : shares) {
    std::string line = "  " + PadRight(Truncate(OneLine(name), name_w), name_w) + "  " +
                       PadLeft(std::to_string(s.count), count_w) + "  " +
                       PadLeft(render::Percent(s.share), 6) + "  " +
                       PadRight(render::IntervalWithLevel(s.ci_lo, s.ci_hi, s.ci_level), 26) +
                       "  " + PadLeft(s.expected ? render::Percent(*s.expected) : "-", 8) + "  " +
                       render::GateCell(s.gate);
    os << line << "\n";
  }
}

void WriteErrors(std::ostream& os, const SourceReport& s) {
  if (s.errors.empty()) return;
  // Largest class first: that is the one to look at.
  std::vector<std::pair<std::string, uint64_t>> errors(s.errors.begin(), s.errors.end());
  std::stable_sort(errors.begin(), errors.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string line;
  for (const auto& [cls, n] : errors) {
    if (!line.empty()) line += ", ";
    line += OneLine(cls) + " " + std::to_string(n);
    if (s.requests > 0) line += " (" + render::Percent(static_cast<double>(n) / s.requests) + ")";
  }
  WriteWrapped(os, "  errors: ", 10, line);
}

void WriteLatency(std::ostream& os, const SourceReport& s, size_t name_w) {
  if (s.latency_ms.empty()) return;
  os << "  " << PadRight("latency ms", name_w) << "  " << PadLeft("p50", 9) << PadLeft("p90", 9)
     << PadLeft("p99", 9) << PadLeft("max", 9) << "\n";
  for (const auto& [name, l] : s.latency_ms) {
    os << "  " << PadRight(Truncate(OneLine(name), name_w), name_w) << "  "
       << PadLeft(Fixed(l.p50, 2), 9) << PadLeft(Fixed(l.p90, 2), 9) << PadLeft(Fixed(l.p99, 2), 9)
       << PadLeft(Fixed(l.max, 2), 9) << "\n";
  }
}

void WriteTests(std::ostream& os, const SourceReport& s) {
  bool first = true;
  for (const auto& [name, t] : s.tests) {
    std::string line = OneLine(name) + " p=" + render::PValue(t.p_value) + " (" +
                       (t.method.empty() ? "" : OneLine(t.method) + ", ") + "statistic " +
                       Fixed(t.statistic, 2) + ", df " + Fixed(t.df, 0) +
                       (t.note.empty() ? "" : "; " + OneLine(t.note)) + ")";
    WriteWrapped(os, first ? "  tests: " : "         ", 9, line);
    first = false;
  }
}

void WriteSource(std::ostream& os, std::string_view label, const SourceReport& s) {
  std::string head = std::string(label) + ": " + std::to_string(s.requests) + " requests, " +
                     std::to_string(s.ok) + " ok, " + std::to_string(render::ErrorCount(s)) +
                     " errors";
  if (s.gate != GateVerdict::kNone) head += ", gate " + render::GateCell(s.gate);
  if (uint64_t more = render::MoreRequestsToDecide(s); more > 0) {
    head += " (about " + std::to_string(more) + " more requests would decide)";
  }
  WriteWrapped(os, "", 2, head);
  if (s.requests == 0) {
    os << "  no requests were made\n";
    return;
  }
  std::vector<std::string> names = {"latency ms"};
  for (const auto& [k, v] : s.by_cluster) names.push_back(k);
  for (const auto& [k, v] : s.by_version) names.push_back(k);
  for (const auto& [k, v] : s.latency_ms) names.push_back(k);
  size_t name_w = NameWidth(names, 7);
  if (s.ok == 0) os << "  no successful answers\n";
  WriteShares(os, "cluster", s.by_cluster, name_w);
  WriteShares(os, "version", s.by_version, name_w);
  WriteErrors(os, s);
  WriteLatency(os, s, name_w);
  WriteTests(os, s);
  if (std::string c = render::ConnectionSummary(s); !c.empty()) {
    WriteWrapped(os, "  connections: ", 15, c);
  }
  for (const std::string& sample : s.unparsed_samples) {
    WriteWrapped(os, "  unparsed: ", 12,
                 std::string("\"").append(Truncate(OneLine(sample), 80)).append("\""));
  }
}

void WriteChecks(std::ostream& os, const Report& r) {
  if (r.checks.empty()) return;
  std::vector<std::string> names;
  for (const CheckResult& c : r.checks) names.push_back(c.name);
  size_t name_w = std::min<size_t>(NameWidth(names, 5), 20);
  size_t indent = 2 + 12 + 2 + name_w + 2;
  os << "\nChecks\n";
  for (const CheckResult& c : r.checks) {
    std::string prefix = "  " + PadRight(render::StatusWord(c.status), 12) + "  " +
                         PadRight(Truncate(OneLine(c.name), name_w), name_w) + "  ";
    WriteWrapped(os, prefix, indent, c.detail.empty() ? "-" : c.detail);
    if (c.status != CheckStatus::kPass && !c.hint.empty()) {
      WriteWrapped(os, std::string(indent, ' ') + "hint: ", indent + 6, c.hint);
    }
  }
}

void WriteEndpoints(std::ostream& os, const Report& r) {
  if (r.endpoints.empty()) return;
  os << "\nEndpoints (sidecar views)\n";
  os << "  " << PadRight("source pod", 24) << "  " << PadRight("address", 26) << "  "
     << PadRight("cluster", 12) << "  " << PadRight("health", 9) << "  outlier  weight\n";
  size_t rows = std::min(r.endpoints.size(), kMaxEndpointRows);
  for (size_t i = 0; i < rows; ++i) {
    const Endpoint& e = r.endpoints[i];
    std::string addr = OneLine(e.address);
    if (e.port) addr.append(":").append(std::to_string(e.port));
    os << "  " << PadRight(Truncate(OneLine(e.source_pod), 24), 24) << "  "
       << PadRight(Truncate(addr, 26), 26) << "  "
       << PadRight(Truncate(e.cluster.empty() ? "?" : OneLine(e.cluster), 12), 12) << "  "
       << PadRight(HealthStatusName(e.health), 9) << "  "
       << PadRight(OutlierName(e.outlier_ejected), 7) << "  "
       << PadLeft(std::to_string(e.weight), 6) << (e.via.empty() ? "" : "  via " + OneLine(e.via))
       << "\n";
  }
  if (rows < r.endpoints.size()) {
    os << "  ... and " << r.endpoints.size() - rows << " more (see the JSON report)\n";
  }
}

}  // namespace

std::string RenderText(const Report& r) {
  std::ostringstream os;
  WriteWrapped(os, render::VerdictWord(r.verdict) + ": ", 2, render::VerdictReason(r));
  std::string about = OneLine(r.tool_name) + " " + OneLine(r.tool_version);
  if (!r.started_at.empty()) about += ", started " + OneLine(r.started_at);
  about += ", took " + Fixed(r.duration_s, 1) + " s";
  WriteWrapped(os, "", 2, about);
  for (const SourceReport& s : r.sources) {
    os << "\n";
    WriteSource(os, "Source " + OneLine(render::SourceLabel(s)), s);
  }
  if (r.sources.size() != 1) {
    os << "\n";
    WriteSource(os, "All sources (pooled)", r.total);
  }
  WriteChecks(os, r);
  WriteEndpoints(os, r);
  if (!r.notes.empty()) {
    os << "\nNotes\n";
    for (const std::string& n : r.notes) WriteWrapped(os, "  - ", 4, n);
  }
  return os.str();
}

}  // namespace meshverify
