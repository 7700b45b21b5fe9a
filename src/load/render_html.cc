// The self-contained HTML page of a load report: tables and SVG charts, no network access.
#include <cstdio>
#include <set>
#include <sstream>

#include "load/svg.h"
#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

using internal::Band;
using internal::Chart;
using internal::EscapeHtml;
using internal::MakeChart;
using internal::MakeSeries;
using internal::Marker;
using internal::RenderChart;
using internal::Series;

const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                               "#9467bd", "#8c564b", "#e377c2", "#17becf"};

std::string F(double v, int d) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", d, v);
  return buf;
}

std::vector<const Window*> StepWindows(const LoadReport& r, int step) {
  std::vector<const Window*> out;
  for (const Window& w : r.pooled) {
    if (w.step == step) out.push_back(&w);
  }
  return out;
}

std::vector<Marker> Markers(const LoadReport& r, int step) {
  std::vector<Marker> m;
  for (const Event& e : r.events) {
    if (e.step == step && e.ran) m.push_back({e.start_s, e.command.substr(0, 40)});
  }
  return m;
}

double Mid(const Window& w) { return (w.start_s + w.end_s) / 2; }

// Shares are charted per `names` (destination clusters, or versions when no cluster is
// known), latency per destination cluster.
std::string StepCharts(const LoadReport& r, int step, const std::vector<std::string>& names,
                       const std::vector<std::string>& clusters, bool by_version) {
  const std::vector<const Window*> ws = StepWindows(r, step);
  const std::string sid = "-step" + std::to_string(step);
  Chart share =
      MakeChart("share" + sid, by_version ? "share per version" : "share per destination cluster",
                "s", "share", 0, 1, true);
  Chart errors = MakeChart("errors" + sid, "error rate", "s", "errors / requests", 0, 0, true);
  Chart latency =
      MakeChart("latency" + sid, "latency per destination (from the intended send)", "s", "ms");
  for (size_t ci = 0; ci < names.size(); ++ci) {
    const std::string& c = names[ci];
    const std::string color = kColors[ci % 8];
    Series s = MakeSeries(c, color);
    for (const Window* w : ws) {
      const auto& shares = by_version ? w->by_version : w->by_cluster;
      auto it = shares.find(c);
      const Share sh = it == shares.end() ? Share{} : it->second;
      s.x.push_back(Mid(*w));
      s.y.push_back(sh.share);
      s.lo.push_back(sh.ci_lo);
      s.hi.push_back(sh.ci_hi);
      s.index.push_back(w->index);
    }
    share.series.push_back(std::move(s));
    if (auto e = r.expected.find(c); e != r.expected.end()) {
      share.bands.push_back({e->second - r.tolerance, e->second + r.tolerance, color,
                             "expected " + c + " " + F(e->second, 3) + " +- " + F(r.tolerance, 3)});
    }
  }
  for (size_t ci = 0; ci < clusters.size(); ++ci) {
    const std::string& c = clusters[ci];
    Series p50 = MakeSeries(c + " p50", kColors[ci % 8]);
    Series p99 = MakeSeries(c + " p99", kColors[ci % 8]);
    p50.dashed = true;
    for (const Window* w : ws) {
      if (auto l = w->latency_ms.find(c); l != w->latency_ms.end() && l->second.count > 0) {
        for (Series* p : {&p50, &p99}) {
          p->x.push_back(Mid(*w));
          p->index.push_back(w->index);
        }
        p50.y.push_back(l->second.p50);
        p99.y.push_back(l->second.p99);
      }
    }
    latency.series.push_back(std::move(p50));
    latency.series.push_back(std::move(p99));
  }
  Series err = MakeSeries("errors", "#d62728");
  for (const Window* w : ws) {
    err.x.push_back(Mid(*w));
    err.y.push_back(w->requests == 0 ? 0
                                     : static_cast<double>(w->requests - w->ok) /
                                           static_cast<double>(w->requests));
    err.index.push_back(w->index);
  }
  errors.series.push_back(std::move(err));
  std::string out;
  for (Chart* c : {&share, &errors, &latency}) {
    c->markers = Markers(r, step);
    out += RenderChart(*c);
  }
  return out;
}

std::string SweepCharts(const LoadReport& r, const std::vector<std::string>& clusters) {
  const std::string axis = r.steps[0].axis;
  Chart thr = MakeChart("sweep-throughput", "throughput per step", axis, "requests/s");
  Chart err =
      MakeChart("sweep-errors", "error rate per step", axis, "errors / requests", 0, 0, true);
  Chart share = MakeChart("sweep-share", "share per step", axis, "share", 0, 1, true);
  Chart p99 = MakeChart("sweep-p99", "p99 per step (from the intended send)", axis, "ms");
  Series t = MakeSeries("req/s", kColors[0]);
  Series e = MakeSeries("errors", "#d62728");
  for (const Step& st : r.steps) {
    const Window& w = st.summary;
    t.x.push_back(st.value), t.y.push_back(st.achieved_rate), t.index.push_back(st.index);
    e.x.push_back(st.value), e.index.push_back(st.index);
    e.y.push_back(w.requests == 0 ? 0 : static_cast<double>(w.requests - w.ok) / w.requests);
  }
  thr.series.push_back(t);
  err.series.push_back(e);
  for (size_t ci = 0; ci < clusters.size(); ++ci) {
    Series s = MakeSeries(clusters[ci], kColors[ci % 8]);
    Series l = MakeSeries(clusters[ci], kColors[ci % 8]);
    for (const Step& st : r.steps) {
      auto it = st.summary.by_cluster.find(clusters[ci]);
      s.x.push_back(st.value), s.index.push_back(st.index);
      s.y.push_back(it == st.summary.by_cluster.end() ? 0 : it->second.share);
      if (auto lt = st.summary.latency_ms.find(clusters[ci]); lt != st.summary.latency_ms.end()) {
        l.x.push_back(st.value), l.y.push_back(lt->second.p99), l.index.push_back(st.index);
      }
    }
    share.series.push_back(s);
    p99.series.push_back(l);
  }
  return RenderChart(thr) + RenderChart(err) + RenderChart(share) + RenderChart(p99);
}

}  // namespace

std::string RenderLoadHtml(const LoadReport& r) {
  std::set<std::string> cs, vs;
  for (const Window& w : r.pooled) {
    for (const auto& [c, s] : w.by_cluster) cs.insert(c);
    for (const auto& [v, s] : w.by_version) vs.insert(v);
  }
  const bool by_version = cs.size() <= 1 && cs.count("unknown") == cs.size() && !vs.empty();
  const std::vector<std::string> clusters(cs.begin(), cs.end());
  const std::vector<std::string> names =
      by_version ? std::vector<std::string>(vs.begin(), vs.end()) : clusters;
  std::ostringstream os;
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
     << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
     << "<title>meshverify load: " << VerdictName(r.verdict) << "</title>\n<style>"
     << "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;"
        "margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        "th{background:#f0f0f0}.t{font-size:13px;font-weight:bold}.a{font-size:10px;fill:#444}"
        ".m{font-size:9px;fill:#c00}.pass{color:#080}.fail{color:#c00}.inconclusive{color:#a60}"
        "svg{display:block;margin:10px 0}</style></head>\n<body>\n";
  os << "<h1>meshverify load: <span class=\"" << VerdictName(r.verdict) << "\">"
     << VerdictName(r.verdict) << "</span></h1>\n<p>mode " << EscapeHtml(r.mode) << ", "
     << r.requests << " requests, " << r.ok << " ok, " << (r.requests - r.ok) << " errors, "
     << r.late << " late, " << F(r.duration_s, 1) << " s, started " << EscapeHtml(r.started_at)
     << (r.interrupted ? " (interrupted)" : "") << "</p>\n<p><small>"
     << EscapeHtml(r.latency_measured) << "</small></p>\n";
  if (!r.slos.empty()) {
    os << "<h2>SLOs</h2><table><tr><th>SLO</th><th>status</th><th>value</th><th>detail</th></tr>";
    for (const SloResult& s : r.slos) {
      os << "<tr><td>" << EscapeHtml(s.expr) << "</td><td class=\"" << s.status << "\">" << s.status
         << "</td><td>" << (s.value ? F(*s.value, 4) : "-") << "</td><td>" << EscapeHtml(s.detail)
         << "</td></tr>";
    }
    os << "</table>\n";
  }
  if (!r.events.empty()) {
    os << "<h2>Events</h2><table><tr><th>step</th><th>at s</th><th>command</th><th>exit</th>"
          "<th>detect s</th><th>recover s</th><th>output</th></tr>";
    for (const Event& e : r.events) {
      os << "<tr><td>" << e.step << "</td><td>" << F(e.at_s, 1) << "</td><td>"
         << EscapeHtml(e.command) << "</td><td>" << (e.ran ? std::to_string(e.exit_code) : "-")
         << "</td><td>" << (e.detect_s ? F(*e.detect_s, 1) : "-") << "</td><td>"
         << (e.recover_s ? F(*e.recover_s, 1) : "-") << "</td><td>" << EscapeHtml(e.first_line)
         << "</td></tr>";
    }
    os << "</table>\n";
  }
  for (const Step& st : r.steps) {
    os << "<h2>Step " << st.index;
    if (!st.axis.empty()) os << ": " << EscapeHtml(st.axis) << " = " << F(st.value, 0);
    os << "</h2>\n<p>" << st.summary.requests << " steady requests at " << F(st.summary.rate(), 0)
       << " req/s</p>\n"
       << StepCharts(r, st.index, names, clusters, by_version);
  }
  if (r.steps.size() > 1) os << "<h2>Sweep</h2>\n" << SweepCharts(r, clusters);
  for (const std::string& n : r.notes) os << "<p><small>" << EscapeHtml(n) << "</small></p>\n";
  // Marks the page as drawn once every chart has a size (read by the headless-browser test).
  os << "<script>window.addEventListener('load',function(){var c=document.querySelectorAll("
        "'svg.chart'),ok=c.length>0;c.forEach(function(s){var b=s.getBBox();if(!(b.width>0&&"
        "b.height>0))ok=false;});document.body.setAttribute('data-rendered',ok?'ok':'empty');"
        "document.body.setAttribute('data-charts',String(c.length));});</script>\n"
     << "</body></html>\n";
  return os.str();
}

nlohmann::json RenderFortioJson(const LoadReport& r) {
  using nlohmann::json;
  Histogram all;
  for (const auto& [c, h] : r.summary.latency_hist) all.Merge(h);
  const double n = static_cast<double>(all.count());
  json data = json::array();
  uint64_t seen = all.zero_count();
  if (all.zero_count() > 0) {
    data.push_back({{"Start", 0},
                    {"End", Histogram::kMinTracked / 1000},
                    {"Percent", 100.0 * seen / n},
                    {"Count", all.zero_count()}});
  }
  for (const Histogram::Bucket& b : all.buckets()) {
    seen += b.count;
    data.push_back({{"Start", Histogram::BucketLow(b.index) / 1000},
                    {"End", Histogram::BucketHigh(b.index) / 1000},
                    {"Percent", 100.0 * static_cast<double>(seen) / n},
                    {"Count", b.count}});
  }
  json pct = json::array();
  for (double p : {50.0, 75.0, 90.0, 99.0, 99.9}) {
    pct.push_back({{"Percentile", p}, {"Value", all.Quantile(p / 100) / 1000}});
  }
  json codes = json::object();
  codes["200"] = r.summary.ok;
  for (const auto& [k, v] : r.summary.errors) codes[k] = v;
  const Step* st = r.steps.empty() ? nullptr : &r.steps[0];
  const double secs = r.summary.end_s;
  return {{"RunType", "HTTP"},
          {"Labels", "meshverify load (" + r.mode + "), latency from the intended send"},
          {"StartTime", r.started_at},
          {"RequestedQPS", st != nullptr && st->rate > 0 ? F(st->rate, 0) : "max"},
          {"RequestedDuration", F(secs, 3) + "s"},
          {"ActualQPS", secs > 0 ? r.summary.requests / secs : 0},
          {"ActualDuration", static_cast<int64_t>(secs * 1e9)},
          {"NumThreads", st != nullptr ? st->concurrency : 0},
          {"Version", "meshverify " + r.tool_version},
          {"DurationHistogram",
           {{"Count", all.count()},
            {"Min", all.min() / 1000},
            {"Max", all.max() / 1000},
            {"Sum", all.sum() / 1000},
            {"Avg", all.Mean() / 1000},
            {"StdDev", all.StdDev() / 1000},
            {"Data", std::move(data)},
            {"Percentiles", std::move(pct)}}},
          {"Exactly", 0},
          {"Jitter", false},
          {"Uniform", false},
          {"NoCatchUp", false},
          {"RetCodes", std::move(codes)},
          {"Sizes", nullptr},
          {"HeaderSizes", nullptr},
          {"Sockets", json::array()},
          {"SocketCount", static_cast<int64_t>(r.summary.by_connection.size())},
          {"URL", r.config.value("url", "")}};
}

}  // namespace meshverify::load
