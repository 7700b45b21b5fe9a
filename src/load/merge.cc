// MergeLoadReports: the shards' load reports -> one, windows matched by wall-clock start.
#include "meshverify/merge.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "load/windows.h"
#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

using internal::WindowCounts;

// A window's counts as the pipeline keeps them (the histogram behind latency_ms included).
WindowCounts CountsOf(const Window& w) {
  WindowCounts c;
  c.step = w.step;
  c.requests = w.requests;
  c.ok = w.ok;
  c.late = w.late;
  c.last_sent_ms = w.sent_end_s >= 0 ? w.sent_end_s * 1000 : -1;
  c.errors.insert(w.errors.begin(), w.errors.end());
  for (const auto& [k, s] : w.by_cluster) {
    if (s.count > 0) c.by_cluster[k] = s.count;
  }
  for (const auto& [k, s] : w.by_version) {
    if (s.count > 0) c.by_version[k] = s.count;
  }
  c.by_instance.insert(w.by_instance.begin(), w.by_instance.end());
  c.latency.insert(w.latency_hist.begin(), w.latency_hist.end());
  c.by_connection = w.by_connection;
  return c;
}

// Merged windows: counts, plus what has no histogram (send latency) as count-weighted sums.
struct Acc {
  WindowCounts counts;
  double end_s = 0;
  bool warmup = false;
  std::string source, cluster;
  std::map<std::string, Latency> send;  // p50..p99 hold count-weighted sums until Finish

  void Add(const Window& w, double offset_s) {
    WindowCounts c = CountsOf(w);
    if (c.last_sent_ms >= 0) c.last_sent_ms += offset_s * 1000;
    counts.Merge(c);
    end_s = std::max(end_s, w.end_s + offset_s);
    warmup = warmup || w.warmup;
    for (const auto& [k, l] : w.send_latency_ms) {
      Latency& s = send[k];
      const auto n = static_cast<double>(l.count);
      s.count += l.count;
      s.p50 += l.p50 * n;
      s.p90 += l.p90 * n;
      s.p99 += l.p99 * n;
      s.max = std::max(s.max, l.max);
    }
  }
};

struct Merger {
  double window_s = 1, alpha = 0.01;
  std::set<std::string> clusters, versions;

  Window Finish(const Acc& a, int step, uint64_t index, double origin_unix_s) const {
    WindowCounts c = a.counts;
    c.step = step;
    c.index = index;
    c.start_ms = static_cast<double>(index) * window_s * 1000;
    c.end_ms = std::max(c.start_ms, a.end_s * 1000);
    Window w = internal::ToWindow(c, a.source, a.cluster, a.warmup, alpha, clusters, versions);
    w.start_unix_s = origin_unix_s >= 0 ? origin_unix_s + w.start_s : -1;
    for (auto [k, l] : a.send) {
      if (l.count > 0) {
        const auto n = static_cast<double>(l.count);
        l.p50 /= n;
        l.p90 /= n;
        l.p99 /= n;
      }
      w.send_latency_ms[k] = l;
    }
    return w;
  }
};

double ConfigNumber(const nlohmann::json& config, const char* key, double fallback) {
  auto it = config.find(key);
  return it != config.end() && it->is_number() ? it->get<double>() : fallback;
}

// Window index of `w` of a report whose step started at `step_unix_s`, on the merged grid.
uint64_t IndexOn(const Window& w, double step_unix_s, double origin_unix_s, double window_s) {
  if (w.start_unix_s < 0 || origin_unix_s < 0 || step_unix_s < 0) return w.index;
  return static_cast<uint64_t>(
      std::max(0.0, std::llround((w.start_unix_s - origin_unix_s) / window_s) + 0.0));
}

ShardStatus StatusOf(const LoadReport& r, const std::string& name) {
  ShardStatus s;
  s.name = name;
  s.status = r.interrupted ? "interrupted" : "complete";
  s.requests = r.requests;
  if (auto sh = r.config.find("shard"); sh != r.config.end() && sh->is_object()) {
    s.name = sh->value("name", name);
    s.cluster = sh->value("cluster", std::string());
    s.planned = sh->value("planned", uint64_t{0});
  }
  if (s.cluster.empty() && !r.windows.empty()) s.cluster = r.windows[0].cluster;
  return s;
}

// Every count a merge may add up (totals, errors, shares, instances, histograms, of the summary,
// the steps and every window), summed over all reports: when that fits in 64 bits, so does
// each sum the merge makes, so none can wrap. Fails naming the report that makes it overflow.
class CountBudget {
 public:
  bool Add(uint64_t n) { return !__builtin_add_overflow(sum_, n, &sum_); }
  bool AddWindow(const Window& w) {
    bool fits = Add(w.requests) && Add(w.ok) && Add(w.late);
    for (const auto& [k, n] : w.errors) fits = fits && Add(n);
    for (const auto* dim : {&w.by_cluster, &w.by_version}) {
      for (const auto& [k, sh] : *dim) fits = fits && Add(sh.count);
    }
    for (const auto& [k, i] : w.by_instance) fits = fits && Add(i.count);
    for (const auto& [k, h] : w.latency_hist) fits = fits && Add(h.count());
    for (const auto& [k, l] : w.latency_ms) fits = fits && Add(l.count);
    for (const auto& [k, n] : w.by_connection) fits = fits && Add(n);
    return fits;
  }
  bool AddReport(const LoadReport& r) {
    bool fits = Add(r.requests) && Add(r.ok) && Add(r.late) && Add(r.not_issued) &&
                Add(r.not_reported) && AddWindow(r.summary);
    for (const auto& [k, n] : r.errors) fits = fits && Add(n);
    for (const Step& s : r.steps) fits = fits && AddWindow(s.summary);
    for (const auto* ws : {&r.windows, &r.pooled}) {
      for (const Window& w : *ws) fits = fits && AddWindow(w);
    }
    for (const ShardStatus& sh : r.shards) fits = fits && Add(sh.planned) && Add(sh.requests);
    return fits;
  }

 private:
  uint64_t sum_ = 0;
};

}  // namespace

Result<LoadReport> MergeLoadReports(std::span<const LoadReport> reports,
                                    std::span<const std::string> names) {
  if (reports.empty()) return Status::InvalidInput("merge: no reports to merge");
  CountBudget budget;
  for (size_t i = 0; i < reports.size(); ++i) {
    if (!budget.AddReport(reports[i])) {
      return Status::InvalidInput("merge: " + (i < names.size() ? names[i] : std::to_string(i)) +
                                  ": its counts make the sums overflow 64 bits");
    }
  }
  std::vector<nlohmann::json> configs;
  std::vector<double> starts;
  for (const LoadReport& r : reports) {
    configs.push_back(r.config);
    starts.push_back(ParseRfc3339(r.started_at));
  }
  if (Status s = CheckSameSettings(configs, names); !s.ok()) return s;
  const LoadReport& first = reports[0];
  Merger m;
  m.window_s = ConfigNumber(first.config, "window_s", 1);
  m.alpha = ConfigNumber(first.config, "alpha", 0.01);

  LoadReport out;
  out.tool_version = first.tool_version;
  out.mode = first.mode;
  out.latency_measured = first.latency_measured;
  out.config = first.config;
  out.config.erase("shard");
  out.expected = first.expected;
  out.tolerance = first.tolerance;

  // Each step's merged origin: the earliest of the shards' (all on the wall-clock grid).
  std::map<int, double> origin;
  bool wall = true;
  for (const LoadReport& r : reports) {
    for (const Step& s : r.steps) {
      auto [it, fresh] = origin.try_emplace(s.index, s.start_unix_s);
      if (s.start_unix_s < 0) wall = false;
      if (!fresh && s.start_unix_s >= 0) it->second = std::min(it->second, s.start_unix_s);
    }
  }
  std::map<std::tuple<int, uint64_t, std::string, std::string>, Acc> per_source;
  std::map<std::pair<int, uint64_t>, Acc> pooled;
  std::map<int, Acc> step_summary;
  std::map<int, Step> steps;
  WindowCounts summary;
  double steady_s = 0, earliest = 0, latest = 0;
  bool any_time = false;
  std::set<std::tuple<int, double, std::string>> seen_events;
  for (size_t i = 0; i < reports.size(); ++i) {
    const LoadReport& r = reports[i];
    const std::string name = i < names.size() ? names[i] : "report " + std::to_string(i + 1);
    std::map<int, double> step_unix;
    for (const Step& s : r.steps) step_unix[s.index] = s.start_unix_s;
    auto place = [&](const Window& w, uint64_t* index, double* offset) {
      const double o = origin.count(w.step) ? origin[w.step] : -1;
      const double su = step_unix.count(w.step) ? step_unix[w.step] : -1;
      *index = wall ? IndexOn(w, su, o, m.window_s) : w.index;
      *offset = wall && su >= 0 && o >= 0 ? su - o : 0;
    };
    for (const Window& w : r.windows) {
      uint64_t index = 0;
      double offset = 0;
      place(w, &index, &offset);
      Acc& a = per_source[{w.step, index, w.cluster, w.source}];
      a.source = w.source;
      a.cluster = w.cluster;
      a.Add(w, offset);
    }
    for (const Window& w : r.pooled) {
      uint64_t index = 0;
      double offset = 0;
      place(w, &index, &offset);
      Acc& a = pooled[{w.step, index}];
      a.source = std::string(kPooledSource);
      a.Add(w, offset);
    }
    for (const Step& s : r.steps) {
      Acc& a = step_summary[s.index];
      a.source = std::string(kPooledSource);
      a.Add(s.summary, 0);
      a.end_s = std::max(a.end_s, s.summary.end_s - s.summary.start_s);
      auto [it, fresh] = steps.try_emplace(s.index, s);
      if (!fresh) {
        it->second.value += s.value;
        it->second.rate += s.rate;
        it->second.concurrency += s.concurrency;
        it->second.duration_s = std::max(it->second.duration_s, s.duration_s);
        it->second.achieved_rate += s.achieved_rate;
      }
    }
    summary.Merge(CountsOf(r.summary));
    steady_s = std::max(steady_s, r.summary.end_s - r.summary.start_s);
    for (const auto& [k, sh] : r.summary.by_cluster) m.clusters.insert(k);
    for (const auto& [k, sh] : r.summary.by_version) m.versions.insert(k);
    for (const Window& w : r.pooled) {
      for (const auto& [k, sh] : w.by_cluster) m.clusters.insert(k);
      for (const auto& [k, sh] : w.by_version) m.versions.insert(k);
    }
    out.requests += r.requests;
    out.ok += r.ok;
    out.late += r.late;
    out.not_issued += r.not_issued;
    for (const auto& [k, n] : r.errors) out.errors[k] += n;
    out.interrupted = out.interrupted || r.interrupted;
    for (const Event& e : r.events) {
      if (seen_events.insert({e.step, e.at_s, e.command}).second) out.events.push_back(e);
    }
    for (const std::string& n : r.notes) out.notes.push_back(name + ": " + n);
    if (!std::isnan(starts[i])) {
      const double end = starts[i] + r.duration_s;
      earliest = any_time ? std::min(earliest, starts[i]) : starts[i];
      latest = any_time ? std::max(latest, end) : end;
      if (!any_time || starts[i] <= earliest) out.started_at = r.started_at;
      any_time = true;
    }
    out.shards.push_back(StatusOf(r, name));
  }
  out.duration_s = any_time ? latest - earliest : 0;
  for (const auto& [key, a] : per_source) {
    const auto& [step, index, cluster, source] = key;
    out.windows.push_back(m.Finish(a, step, index, origin.count(step) ? origin[step] : -1));
  }
  for (const auto& [key, a] : pooled) {
    out.pooled.push_back(m.Finish(a, key.first, key.second, origin[key.first]));
  }
  // The pipeline's order: (step, index, source) for windows.
  std::stable_sort(out.windows.begin(), out.windows.end(), [](const Window& a, const Window& b) {
    return std::tie(a.step, a.index) < std::tie(b.step, b.index);
  });
  for (auto& [index, st] : steps) {
    Acc& a = step_summary[index];
    const double span = a.end_s;
    a.end_s = 0;
    st.summary = m.Finish(a, index, 0, -1);
    st.summary.start_s = st.duration_s - span;
    st.summary.end_s = st.duration_s;
    st.start_unix_s = origin.count(index) ? origin[index] : -1;
    out.steps.push_back(st);
  }
  Acc all;
  all.counts = summary;
  all.source = std::string(kPooledSource);
  out.summary = m.Finish(all, 0, 0, -1);
  out.summary.end_s = steady_s;
  DetectAndRecover(out, m.alpha);

  bool failed = false, inconclusive = false;
  for (const SloResult& in : first.slos) {
    Result<Slo> slo = ParseSlo(in.expr);
    if (!slo.ok())
      return Status::InvalidInput("merge: slo '" + in.expr + "': " + slo.status().message());
    SloResult r = EvaluateSlo(*slo, out.summary, steady_s, m.alpha);
    failed = failed || r.status == "fail";
    inconclusive = inconclusive || r.status == "inconclusive";
    out.slos.push_back(std::move(r));
  }
  out.verdict = out.requests == 0 ? Verdict::kError
                : failed          ? Verdict::kFail
                : inconclusive    ? Verdict::kInconclusive
                                  : Verdict::kPass;
  std::ostringstream os;
  os << "merged from " << reports.size() << " load reports: counts and latency histograms "
     << "summed, windows matched by "
     << (wall ? "wall-clock start"
              : "step and index (a report "
                "has no wall-clock times)")
     << ", rates of concurrent shards added; send_latency_ms "
     << "percentiles are count-weighted means of the shards' (no histogram in reports)";
  out.notes.insert(out.notes.begin(), os.str());
  out.notes.insert(out.notes.begin() + 1, DescribeClocks(starts, {}).note);
  return out;
}

}  // namespace meshverify::load
