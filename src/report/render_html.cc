// One self-contained HTML page (inline CSS and SVG; no scripts, fonts or other resources), for
// experiments: per source, share bars with the interval that decided as whiskers, the
// expected share as a dashed line and, when the config has a tolerance, the balanced band.
#include <cmath>
#include <optional>
#include <sstream>

#include "meshverify/render.h"
#include "report/render_util.h"

namespace meshverify {
namespace {

using render::Fixed;
using render::Percent;

std::string H(std::string_view s) { return render::XmlEscape(s, /*attribute=*/true); }

constexpr char kStyle[] =
    R"(body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
header{padding:.5em 1em;border-radius:6px;margin-bottom:1em}
header h1{margin:.2em 0}
.pass{background:#e3f6e5}.fail{background:#fde4e1}.inconclusive{background:#fff4d6}
.error{background:#eee}.skipped{background:#f4f4f4}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.hint{color:#555;font-style:italic}
pre{background:#f6f6f6;padding:.6em;overflow:auto}
svg text{font:12px system-ui,sans-serif}
)";

// Geometry of the share chart.
constexpr double kLabelW = 150, kPlotW = 420, kRowH = 26, kTop = 6;

double X(double share) { return kLabelW + kPlotW * std::clamp(share, 0.0, 1.0); }

std::string N1(double v) { return Fixed(v, 1); }

// The balanced band half-width, if the effective config says (config.gate.tolerance or
// config.tolerance).
std::optional<double> Tolerance(const Report& r) {
  const nlohmann::json& c = r.config;
  if (c.contains("gate") && c["gate"].is_object() && c["gate"].contains("tolerance") &&
      c["gate"]["tolerance"].is_number()) {
    return c["gate"]["tolerance"].get<double>();
  }
  if (c.contains("tolerance") && c["tolerance"].is_number()) return c["tolerance"].get<double>();
  return std::nullopt;
}

void WriteChart(std::ostream& os, const std::map<std::string, ShareStat>& shares,
                std::optional<double> tolerance) {
  double height = kTop + kRowH * static_cast<double>(shares.size()) + 22;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << N1(kLabelW + kPlotW + 70)
     << "\" height=\"" << N1(height) << "\" role=\"img\">\n";
  double y = kTop;
  for (const auto& [name, s] : shares) {
    double mid = y + kRowH / 2;
    os << "<rect x=\"" << N1(kLabelW) << "\" y=\"" << N1(y + 3) << "\" width=\"" << N1(kPlotW)
       << "\" height=\"" << N1(kRowH - 6) << "\" fill=\"#f2f2f2\"/>\n";
    if (s.expected && tolerance) {
      double lo = X(*s.expected - *tolerance), hi = X(*s.expected + *tolerance);
      os << "<rect x=\"" << N1(lo) << "\" y=\"" << N1(y + 3) << "\" width=\"" << N1(hi - lo)
         << "\" height=\"" << N1(kRowH - 6) << "\" fill=\"#cdebd0\"/>\n";
    }
    os << "<rect x=\"" << N1(kLabelW) << "\" y=\"" << N1(mid - 6) << "\" width=\""
       << N1(X(s.share) - kLabelW) << "\" height=\"12\" fill=\"#4a78b5\"><title>" << H(name) << ": "
       << s.count << " (" << Percent(s.share) << ")</title></rect>\n";
    double lo = X(s.ci_lo), hi = X(s.ci_hi);
    os << "<path d=\"M" << N1(lo) << " " << N1(mid) << "H" << N1(hi) << "M" << N1(lo) << " "
       << N1(mid - 5) << "V" << N1(mid + 5) << "M" << N1(hi) << " " << N1(mid - 5) << "V"
       << N1(mid + 5) << "\" stroke=\"#111\" stroke-width=\"1.5\" fill=\"none\"/>\n";
    if (s.expected) {
      os << "<line x1=\"" << N1(X(*s.expected)) << "\" y1=\"" << N1(y + 1) << "\" x2=\""
         << N1(X(*s.expected)) << "\" y2=\"" << N1(y + kRowH - 1)
         << "\" stroke=\"#c0392b\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>\n";
    }
    os << "<text x=\"" << N1(kLabelW - 6) << "\" y=\"" << N1(mid + 4) << "\" text-anchor=\"end\">"
       << H(render::Truncate(render::OneLine(name), 22)) << "</text>\n<text x=\""
       << N1(kLabelW + kPlotW + 6) << "\" y=\"" << N1(mid + 4) << "\">" << Percent(s.share)
       << "</text>\n";
    y += kRowH;
  }
  for (int tick = 0; tick <= 4; ++tick) {
    double x = X(tick / 4.0);
    os << "<line x1=\"" << N1(x) << "\" y1=\"" << N1(y) << "\" x2=\"" << N1(x) << "\" y2=\""
       << N1(y + 4) << "\" stroke=\"#888\"/><text x=\"" << N1(x) << "\" y=\"" << N1(y + 16)
       << "\" text-anchor=\"middle\">" << tick * 25 << "%</text>\n";
  }
  os << "</svg>\n";
}

void WriteShareTable(std::ostream& os, std::string_view title,
                     const std::map<std::string, ShareStat>& shares) {
  os << "<table><tr><th>" << title
     << "</th><th>count</th><th>share</th><th>interval (level)</th><th>expected</th>"
        "<th>gate</th></tr>\n";
  for (const auto& [name, s] : shares) {
    os << "<tr><td>" << H(name) << "</td><td class=\"n\">" << s.count << "</td><td class=\"n\">"
       << Percent(s.share) << "</td><td class=\"n\">"
       << render::IntervalWithLevel(s.ci_lo, s.ci_hi, s.ci_level) << "</td><td class=\"n\">"
       << (s.expected ? Percent(*s.expected) : "-") << "</td><td>"
       << render::GateCell(s.gate) << "</td></tr>\n";
  }
  os << "</table>\n";
}

void WriteSource(std::ostream& os, const std::string& label, const SourceReport& s,
                 std::optional<double> tolerance) {
  os << "<section class=\"source\">\n<h2>" << H(label) << "</h2>\n<p>" << s.requests
     << " requests, " << s.ok << " ok, " << render::ErrorCount(s) << " errors";
  if (s.gate != GateVerdict::kNone) os << "; gate <b>" << render::GateCell(s.gate) << "</b>";
  if (uint64_t more = render::MoreRequestsToDecide(s); more > 0) {
    os << " (about " << more << " more requests would decide)";
  }
  os << "</p>\n";
  const std::pair<const char*, const std::map<std::string, ShareStat>*> groups[] = {
      {"cluster", &s.by_cluster}, {"version", &s.by_version}};
  for (const auto& [title, shares] : groups) {
    if (shares->empty()) continue;
    os << "<h3>By " << title << "</h3>\n";
    WriteChart(os, *shares, tolerance);
    WriteShareTable(os, title, *shares);
  }
  if (!s.by_instance.empty()) {
    os << "<h3>Instances</h3>\n<table><tr><th>instance</th><th>count</th><th>cluster</th>"
          "<th>version</th></tr>\n";
    for (const auto& [name, i] : s.by_instance) {
      os << "<tr><td>" << H(name) << "</td><td class=\"n\">" << i.count << "</td><td>"
         << H(i.cluster) << "</td><td>" << H(i.version) << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  if (!s.errors.empty()) {
    os << "<h3>Errors</h3>\n<table><tr><th>class</th><th>count</th></tr>\n";
    for (const auto& [cls, n] : s.errors) {
      os << "<tr><td>" << H(cls) << "</td><td class=\"n\">" << n << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  if (!s.latency_ms.empty()) {
    os << "<h3>Latency (ms)</h3>\n<table><tr><th>cluster</th><th>count</th><th>p50</th>"
          "<th>p90</th><th>p99</th><th>max</th></tr>\n";
    for (const auto& [name, l] : s.latency_ms) {
      os << "<tr><td>" << H(name) << "</td><td class=\"n\">" << l.count << "</td><td class=\"n\">"
         << Fixed(l.p50, 2) << "</td><td class=\"n\">" << Fixed(l.p90, 2) << "</td><td class=\"n\">"
         << Fixed(l.p99, 2) << "</td><td class=\"n\">" << Fixed(l.max, 2) << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  if (!s.tests.empty()) {
    os << "<h3>Tests</h3>\n<ul>\n";
    for (const auto& [name, t] : s.tests) {
      os << "<li>" << H(name) << ": p = " << render::PValue(t.p_value) << " (statistic "
         << Fixed(t.statistic, 2) << ", df " << Fixed(t.df, 0)
         << (t.method.empty() ? "" : ", " + H(t.method)) << ")</li>\n";
    }
    os << "</ul>\n";
  }
  if (std::string c = render::ConnectionSummary(s); !c.empty()) {
    os << "<p>connections: " << H(c) << "</p>\n";
  }
  for (const std::string& u : s.unparsed_samples) {
    os << "<p>unparsed: <code>" << H(u) << "</code></p>\n";
  }
  os << "</section>\n";
}

void WriteChecks(std::ostream& os, const Report& r) {
  os << "<section>\n<h2>Checks</h2>\n";
  if (r.checks.empty()) {
    os << "<p>No checks ran.</p>\n</section>\n";
    return;
  }
  os << "<table><tr><th>status</th><th>check</th><th>detail</th></tr>\n";
  for (const CheckResult& c : r.checks) {
    os << "<tr class=\"" << CheckStatusName(c.status) << "\"><td>" << render::StatusWord(c.status)
       << "</td><td>" << H(c.name) << "</td><td>" << H(c.detail);
    if (c.status != CheckStatus::kPass && !c.hint.empty()) {
      os << "<div class=\"hint\">hint: " << H(c.hint) << "</div>";
    }
    os << "</td></tr>\n";
  }
  os << "</table>\n</section>\n";
}

void WriteEndpoints(std::ostream& os, const Report& r) {
  if (r.endpoints.empty()) return;
  os << "<section>\n<h2>Endpoints (sidecar views)</h2>\n<table><tr><th>source pod</th>"
        "<th>address</th><th>cluster</th><th>health</th><th>outlier</th><th>weight</th>"
        "<th>locality</th></tr>\n";
  for (const Endpoint& e : r.endpoints) {
    os << "<tr><td>" << H(e.source_pod) << "</td><td>" << H(e.address);
    if (e.port) os << ':' << e.port;
    os << "</td><td>" << H(e.via.empty() ? e.cluster : e.cluster + " (via " + e.via + ")")
       << "</td><td>" << HealthStatusName(e.health) << "</td><td>"
       << OutlierName(e.outlier_ejected) << "</td><td class=\"n\">" << e.weight
       << "</td><td>" << H(e.locality) << "</td></tr>\n";
  }
  os << "</table>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const Report& r) {
  std::optional<double> tolerance = Tolerance(r);
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
     << "<title>meshverify: " << render::VerdictWord(r.verdict) << "</title>\n<style>\n"
     << kStyle << "</style>\n</head>\n<body>\n"
     << "<header class=\"" << VerdictName(r.verdict) << "\">\n<h1>"
     << render::VerdictWord(r.verdict) << "</h1>\n<p>" << H(render::VerdictReason(r))
     << "</p>\n<p class=\"meta\">" << H(r.tool_name) << " " << H(r.tool_version);
  if (!r.started_at.empty()) os << ", started " << H(r.started_at);
  os << ", took " << Fixed(r.duration_s, 1) << " s</p>\n</header>\n";
  WriteChecks(os, r);
  for (const SourceReport& s : r.sources) {
    WriteSource(os, "Source " + render::SourceLabel(s), s, tolerance);
  }
  if (r.sources.size() != 1) WriteSource(os, "All sources (pooled)", r.total, tolerance);
  WriteEndpoints(os, r);
  if (!r.notes.empty()) {
    os << "<section>\n<h2>Notes</h2>\n<ul>\n";
    for (const std::string& n : r.notes) os << "<li>" << H(n) << "</li>\n";
    os << "</ul>\n</section>\n";
  }
  os << "<section>\n<h2>Configuration</h2>\n<pre>"
     << H(r.config.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
     << "</pre>\n</section>\n</body>\n</html>\n";
  return os.str();
}

}  // namespace meshverify
