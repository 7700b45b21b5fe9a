// Text and Markdown renderings of a load report.
#include <cstdio>
#include <set>
#include <sstream>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

std::string F(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Pct(double v) { return F(100 * v, 1) + "%"; }

std::string Opt(const std::optional<double>& v, const char* unit) {
  return v ? F(*v, 1) + unit : "-";
}

uint64_t Errors(const Window& w) { return w.requests - w.ok; }

// One row per pooled window: time, requests, rate, errors, late, shares, p99 per cluster.
std::vector<std::vector<std::string>> WindowRows(const LoadReport& r,
                                                 const std::vector<std::string>& clusters) {
  std::vector<std::vector<std::string>> rows;
  for (const Window& w : r.pooled) {
    std::vector<std::string> row = {
        std::to_string(w.step),     F(w.start_s, 1) + "-" + F(w.end_s, 1) + (w.warmup ? "*" : ""),
        std::to_string(w.requests), F(w.rate(), 0),
        std::to_string(Errors(w)),  std::to_string(w.late)};
    for (const std::string& c : clusters) {
      auto s = w.by_cluster.find(c);
      row.push_back(s == w.by_cluster.end() ? "-" : Pct(s->second.share));
      auto l = w.latency_ms.find(c);
      row.push_back(l == w.latency_ms.end() ? "-" : F(l->second.p99, 2));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> Header(const std::vector<std::string>& clusters) {
  std::vector<std::string> h = {"step", "window s", "requests", "req/s", "errors", "late"};
  for (const std::string& c : clusters) {
    h.push_back("share " + c);
    h.push_back("p99 ms " + c);
  }
  return h;
}

std::vector<std::string> Clusters(const LoadReport& r) {
  std::set<std::string> s;
  for (const auto& [c, v] : r.summary.by_cluster) s.insert(c);
  return {s.begin(), s.end()};
}

void Summary(const LoadReport& r, std::ostream& os, const char* bullet) {
  os << bullet << "mode " << r.mode << ", " << r.requests << " requests, " << r.ok << " ok, "
     << (r.requests - r.ok) << " errors, " << r.late << " late, in " << F(r.duration_s, 1) << " s"
     << (r.interrupted ? " (interrupted)" : "") << "\n";
  const Window& s = r.summary;
  os << bullet << "steady windows: " << s.requests << " requests at " << F(s.rate(), 0) << " req/s";
  for (const auto& [k, n] : s.errors) os << ", " << k << " " << n;
  if (r.steps.size() == 1) os << "; sent at " << F(r.steps[0].achieved_rate, 0) << " req/s";
  os << "\n";
  for (const auto& [c, sh] : s.by_cluster) {
    auto l = s.latency_ms.find(c);
    os << bullet << c << ": share " << Pct(sh.share) << " [" << Pct(sh.ci_lo) << ", "
       << Pct(sh.ci_hi) << "]";
    if (l != s.latency_ms.end()) {
      os << ", latency p50 " << F(l->second.p50, 2) << " p90 " << F(l->second.p90, 2) << " p99 "
         << F(l->second.p99, 2) << " max " << F(l->second.max, 2) << " ms";
    }
    os << "\n";
  }
  os << bullet << r.latency_measured << "\n";
}

}  // namespace

std::string RenderLoadText(const LoadReport& r) {
  std::ostringstream os;
  os << "meshverify load: " << VerdictName(r.verdict) << "\n";
  Summary(r, os, "  ");
  const std::vector<std::string> clusters = Clusters(r);
  const auto header = Header(clusters);
  const auto rows = WindowRows(r, clusters);
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  os << "\nwindows (* warmup):\n";
  auto line = [&](const std::vector<std::string>& cells) {
    os << " ";
    for (size_t i = 0; i < cells.size(); ++i) {
      os << " " << std::string(width[i] - cells[i].size(), ' ') << cells[i];
    }
    os << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  if (!r.events.empty()) os << "\nevents:\n";
  for (const Event& e : r.events) {
    os << "  step " << e.step << " at " << F(e.at_s, 1) << " s: " << e.command << "\n    ";
    if (e.ran) {
      os << "ran " << F(e.start_s, 2) << "-" << F(e.end_s, 2) << " s, exit " << e.exit_code
         << (e.timed_out ? " (timed out)" : "") << ", detect " << Opt(e.detect_s, " s")
         << ", recover " << Opt(e.recover_s, " s") << "\n    " << e.detail << "\n";
    } else {
      os << "not run\n";
    }
  }
  if (!r.slos.empty()) os << "\nSLOs:\n";
  for (const SloResult& s : r.slos) {
    os << "  " << s.status << "  " << s.expr << "  value "
       << (s.value ? F(*s.value, 4) : std::string("-")) << "  (" << s.detail << ")\n";
  }
  if (r.steps.size() > 1) {
    os << "\nsweep over " << r.steps[0].axis << ":\n";
    for (const Step& st : r.steps) {
      os << "  " << r.steps[0].axis << "=" << F(st.value, 0) << ": " << F(st.achieved_rate, 0)
         << " req/s, errors " << Errors(st.summary) << ", late " << st.summary.late << "\n";
    }
  }
  if (!r.shards.empty()) {
    os << "\nshards (" << r.not_reported << " planned requests not reported):\n";
    for (const ShardStatus& s : r.shards) {
      os << "  " << s.status << "  " << s.name << (s.cluster.empty() ? "" : " (" + s.cluster + ")")
         << "  requests " << s.requests << (s.planned ? " of " + std::to_string(s.planned) : "")
         << (s.detail.empty() ? "" : "  " + s.detail) << "\n";
    }
  }
  for (const std::string& n : r.notes) os << "note: " << n << "\n";
  return os.str();
}

std::string RenderLoadMarkdown(const LoadReport& r) {
  std::ostringstream os;
  os << "# meshverify load: " << VerdictName(r.verdict) << "\n\n";
  Summary(r, os, "- ");
  const std::vector<std::string> clusters = Clusters(r);
  auto row = [&](const std::vector<std::string>& cells) {
    os << "|";
    for (const std::string& c : cells) os << " " << c << " |";
    os << "\n";
  };
  os << "\n## Windows\n\n";
  const auto header = Header(clusters);
  row(header);
  row(std::vector<std::string>(header.size(), "---"));
  for (const auto& r2 : WindowRows(r, clusters)) row(r2);
  if (!r.events.empty()) {
    os << "\n## Events\n\n";
    row({"step", "at s", "command", "exit", "detect s", "recover s"});
    row({"---", "---", "---", "---", "---", "---"});
    for (const Event& e : r.events) {
      row({std::to_string(e.step), F(e.at_s, 1), "`" + e.command + "`",
           e.ran ? std::to_string(e.exit_code) : "not run", Opt(e.detect_s, ""),
           Opt(e.recover_s, "")});
    }
  }
  if (!r.slos.empty()) {
    os << "\n## SLOs\n\n";
    row({"SLO", "status", "value", "detail"});
    row({"---", "---", "---", "---"});
    for (const SloResult& s : r.slos) {
      row({"`" + s.expr + "`", s.status, s.value ? F(*s.value, 4) : "-", s.detail});
    }
  }
  if (!r.shards.empty()) {
    os << "\n## Shards\n\n";
    row({"shard", "cluster", "status", "requests", "planned", "detail"});
    row({"---", "---", "---", "---", "---", "---"});
    for (const ShardStatus& s : r.shards) {
      row({s.name, s.cluster, s.status, std::to_string(s.requests), std::to_string(s.planned),
           s.detail});
    }
  }
  for (const std::string& n : r.notes) os << "\n> " << n << "\n";
  return os.str();
}

}  // namespace meshverify::load
