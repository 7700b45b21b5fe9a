// GitHub-flavoured Markdown for CI job summaries: verdict heading, a summary table of sources,
// the checks, then details (per-source tables, endpoints, configuration) folded away.
#include <sstream>

#include "meshverify/render.h"
#include "report/render_util.h"

namespace meshverify {
namespace {

using render::Fixed;
using render::MarkdownEscape;
using render::Percent;

std::string VerdictIcon(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "\u2705";
    case Verdict::kFail:
      return "\u274C";
    case Verdict::kInconclusive:
      return "\u26A0\uFE0F";
    case Verdict::kError:
      return "\U0001F6D1";
  }
  return "";
}

std::string StatusIcon(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass:
      return "\u2705";
    case CheckStatus::kFail:
      return "\u274C";
    case CheckStatus::kInconclusive:
      return "\u26A0\uFE0F";
    case CheckStatus::kSkipped:
      return "\u2796";
  }
  return "";
}

std::string Cell(std::string_view s) { return s.empty() ? "-" : MarkdownEscape(s); }

// "cluster1 51.0%, cluster2 49.0%".
std::string ShareList(const std::map<std::string, ShareStat>& shares) {
  std::string out;
  for (const auto& [name, s] : shares) {
    if (!out.empty()) out += ", ";
    out += MarkdownEscape(name) + " " + Percent(s.share);
  }
  return out.empty() ? "-" : out;
}

void SummaryRow(std::ostream& os, const std::string& label, const SourceReport& s) {
  os << "| " << label << " | " << s.requests << " | " << s.ok << " | " << render::ErrorCount(s)
     << " | " << ShareList(s.by_cluster) << " | " << ShareList(s.by_version) << " | "
     << render::GateCell(s.gate);
  if (uint64_t more = render::MoreRequestsToDecide(s); more > 0) {
    os << " (+" << more << " requests would decide)";
  }
  os << " |\n";
}

void WriteSummary(std::ostream& os, const Report& r) {
  os << "| source | requests | ok | errors | by cluster | by version | gate |\n"
     << "| --- | ---: | ---: | ---: | --- | --- | --- |\n";
  for (const SourceReport& s : r.sources) {
    SummaryRow(os, MarkdownEscape(render::SourceLabel(s)), s);
  }
  if (r.sources.size() != 1) SummaryRow(os, "**all sources**", r.total);
  os << "\n";
}

void WriteChecks(std::ostream& os, const Report& r) {
  os << "### Checks\n\n";
  if (r.checks.empty()) {
    os << "No checks ran.\n\n";
    return;
  }
  os << "| status | check | detail | hint |\n| --- | --- | --- | --- |\n";
  for (const CheckResult& c : r.checks) {
    os << "| " << StatusIcon(c.status) << " " << render::StatusWord(c.status) << " | "
       << Cell(c.name) << " | " << Cell(c.detail) << " | "
       << (c.status == CheckStatus::kPass ? "-" : Cell(c.hint)) << " |\n";
  }
  os << "\n";
}

void WriteShareTable(std::ostream& os, std::string_view title,
                     const std::map<std::string, ShareStat>& shares) {
  if (shares.empty()) return;
  os << "| " << title << " | count | share | interval (level) | expected | gate |\n"
     << "| --- | ---: | ---: | --- | ---: | --- |\n";
  for (const auto& [name, s] : shares) {
    os << "| " << Cell(name) << " | " << s.count << " | " << Percent(s.share) << " | "
       << render::IntervalWithLevel(s.ci_lo, s.ci_hi, s.ci_level) << " | "
       << (s.expected ? Percent(*s.expected) : "-") << " | " << render::GateCell(s.gate) << " |\n";
  }
  os << "\n";
}

void WriteSourceDetails(std::ostream& os, const std::string& label, const SourceReport& s) {
  os << "#### " << label << "\n\n";
  if (s.requests == 0) {
    os << "No requests were made.\n\n";
    return;
  }
  WriteShareTable(os, "cluster", s.by_cluster);
  WriteShareTable(os, "version", s.by_version);
  if (!s.by_instance.empty()) {
    os << "| instance | count | cluster | version |\n| --- | ---: | --- | --- |\n";
    for (const auto& [name, i] : s.by_instance) {
      os << "| " << Cell(name) << " | " << i.count << " | " << Cell(i.cluster) << " | "
         << Cell(i.version) << " |\n";
    }
    os << "\n";
  }
  if (!s.errors.empty()) {
    os << "**Errors:**";
    for (const auto& [cls, n] : s.errors) os << " " << MarkdownEscape(cls) << " " << n << ";";
    os << "\n\n";
  }
  if (!s.latency_ms.empty()) {
    os << "| latency (ms) | p50 | p90 | p99 | max |\n| --- | ---: | ---: | ---: | ---: |\n";
    for (const auto& [name, l] : s.latency_ms) {
      os << "| " << Cell(name) << " | " << Fixed(l.p50, 2) << " | " << Fixed(l.p90, 2) << " | "
         << Fixed(l.p99, 2) << " | " << Fixed(l.max, 2) << " |\n";
    }
    os << "\n";
  }
  for (const auto& [name, t] : s.tests) {
    os << "- **" << MarkdownEscape(name) << "**: p = " << render::PValue(t.p_value)
       << " (statistic " << Fixed(t.statistic, 2) << ", df " << Fixed(t.df, 0)
       << (t.method.empty() ? "" : ", " + MarkdownEscape(t.method)) << ")\n";
  }
  if (!s.tests.empty()) os << "\n";
  if (std::string c = render::ConnectionSummary(s); !c.empty()) {
    os << "- connections: " << Cell(c) << "\n";
  }
  for (const std::string& u : s.unparsed_samples) os << "- unparsed: " << Cell(u) << "\n";
  if (!s.unparsed_samples.empty()) os << "\n";
}

void WriteEndpoints(std::ostream& os, const Report& r) {
  if (r.endpoints.empty()) return;
  os << "<details><summary>Endpoints (" << r.endpoints.size() << ")</summary>\n\n"
     << "| source pod | address | cluster | health | outlier | weight | locality |\n"
     << "| --- | --- | --- | --- | --- | ---: | --- |\n";
  for (const Endpoint& e : r.endpoints) {
    os << "| " << Cell(e.source_pod) << " | " << MarkdownEscape(e.address);
    if (e.port) os << ':' << e.port;
    os << " | " << Cell(e.via.empty() ? e.cluster : e.cluster + " (via " + e.via + ")") << " | " << HealthStatusName(e.health) << " | "
       << OutlierName(e.outlier_ejected) << " | " << e.weight << " | " << Cell(e.locality)
       << " |\n";
  }
  os << "\n</details>\n\n";
}

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::ostringstream os;
  os << "## " << VerdictIcon(r.verdict) << " meshverify: " << render::VerdictWord(r.verdict)
     << "\n\n"
     << MarkdownEscape(render::VerdictReason(r)) << "\n\n"
     << MarkdownEscape(r.tool_name) << " " << MarkdownEscape(r.tool_version);
  if (!r.started_at.empty()) os << ", started " << MarkdownEscape(r.started_at);
  os << ", took " << Fixed(r.duration_s, 1) << " s\n\n";
  WriteSummary(os, r);
  WriteChecks(os, r);
  os << "<details><summary>Details per source</summary>\n\n";
  for (const SourceReport& s : r.sources) {
    WriteSourceDetails(os, MarkdownEscape(render::SourceLabel(s)), s);
  }
  if (r.sources.size() != 1) WriteSourceDetails(os, "All sources (pooled)", r.total);
  os << "</details>\n\n";
  WriteEndpoints(os, r);
  if (!r.notes.empty()) {
    os << "**Notes**\n\n";
    for (const std::string& n : r.notes) os << "- " << MarkdownEscape(n) << "\n";
    os << "\n";
  }
  os << "<details><summary>Configuration</summary>\n\n```json\n"
     << r.config.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
     << "\n```\n\n</details>\n";
  return os.str();
}

}  // namespace meshverify
