// Time to detect and recover after each --at event: chi-square tests of homogeneity of each
// window against the steady windows before the event (Bonferroni over windows and series).
#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <set>
#include <sstream>

#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

// Outcome counts of a window over `categories` (destination clusters), then errors.
std::vector<uint64_t> Outcomes(const Window& w, const std::vector<std::string>& categories) {
  std::vector<uint64_t> v;
  for (const std::string& c : categories) {
    auto it = w.by_cluster.find(c);
    v.push_back(it == w.by_cluster.end() ? 0 : it->second.count);
  }
  v.push_back(w.requests - w.ok);
  return v;
}

struct SeriesResult {
  std::string name;
  std::optional<double> detect_s, recover_s;
  double p = 1;
};

// Windows without a departure that make a recovery: the first of them is the recovery.
constexpr size_t kRecoveredWindows = 3;

// One series (a source's windows, or the pooled ones) of one step, in time order. Detection
// looks at the windows from the event to the next one; recovery at every later window.
SeriesResult Examine(const std::string& name, const std::vector<const Window*>& series,
                     double event_s, double next_event_s, double baseline_from_s, double alpha_each,
                     const std::vector<std::string>& categories) {
  SeriesResult r;
  r.name = name;
  std::vector<uint64_t> base(categories.size() + 1, 0);
  std::vector<const Window*> after;
  for (const Window* w : series) {
    if (!w->warmup && w->start_s >= baseline_from_s && w->end_s <= event_s) {
      std::vector<uint64_t> o = Outcomes(*w, categories);
      for (size_t i = 0; i < o.size(); ++i) base[i] += o[i];
    } else if (w->end_s > event_s) {
      after.push_back(w);
    }
  }
  std::vector<bool> departs;
  size_t detected_at = after.size();
  for (size_t i = 0; i < after.size(); ++i) {
    const double p = HomogeneityPValue(base, Outcomes(*after[i], categories));
    departs.push_back(p < alpha_each);
    if (departs.back() && detected_at == after.size() && after[i]->start_s < next_event_s) {
      detected_at = i;
      r.detect_s = std::max(0.0, after[i]->start_s - event_s);
      r.p = p;
    }
  }
  if (!r.detect_s) return r;
  // Recovery: the first window after detection that begins kRecoveredWindows windows without
  // a departure (fewer when the step ends first).
  for (size_t i = detected_at + 1; i < after.size(); ++i) {
    bool calm = true;
    for (size_t j = i; j < std::min(after.size(), i + kRecoveredWindows); ++j) {
      calm = calm && !departs[j];
    }
    if (calm) {
      r.recover_s = std::max(0.0, after[i]->start_s - event_s);
      break;
    }
  }
  return r;
}

std::string Fixed(double v, int digits) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

}  // namespace

double HomogeneityPValue(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  double na = 0, nb = 0;
  std::vector<std::pair<double, double>> cells;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] + b[i] == 0) continue;
    cells.emplace_back(static_cast<double>(a[i]), static_cast<double>(b[i]));
    na += static_cast<double>(a[i]);
    nb += static_cast<double>(b[i]);
  }
  if (cells.size() < 2 || na == 0 || nb == 0) return 1;
  const double n = na + nb;
  double chi2 = 0;
  for (const auto& [x, y] : cells) {
    const double col = x + y;
    const double ea = na * col / n, eb = nb * col / n;
    chi2 += (x - ea) * (x - ea) / ea + (y - eb) * (y - eb) / eb;
  }
  const boost::math::chi_squared dist(static_cast<double>(cells.size() - 1));
  return boost::math::cdf(boost::math::complement(dist, chi2));
}

void DetectAndRecover(LoadReport& report, double alpha) {
  for (size_t e = 0; e < report.events.size(); ++e) {
    Event& ev = report.events[e];
    if (!ev.ran) {
      ev.detail = "not run: the step ended first";
      continue;
    }
    double next_s = 1e300, prev_s = 0;
    for (const Event& o : report.events) {
      if (&o == &ev || o.step != ev.step || !o.ran) continue;
      if (o.start_s > ev.start_s) next_s = std::min(next_s, o.start_s);
      if (o.start_s < ev.start_s) prev_s = std::max(prev_s, o.end_s);
    }
    // Series: pooled, then every source, each in time order.
    std::map<std::string, std::vector<const Window*>> series;
    std::set<std::string> clusters;
    for (const Window& w : report.pooled) {
      if (w.step != ev.step) continue;
      series["pooled"].push_back(&w);
      for (const auto& [c, s] : w.by_cluster) clusters.insert(c);
    }
    std::map<std::string, std::vector<const Window*>> by_source;
    for (const Window& w : report.windows) {
      if (w.step == ev.step) by_source[w.cluster + "/" + w.source].push_back(&w);
    }
    if (by_source.size() > 1) series.merge(by_source);  // one source: its series is the pool
    const std::vector<std::string> categories(clusters.begin(), clusters.end());
    size_t tested = 0;
    for (const Window* w : series["pooled"]) tested += w->end_s > ev.start_s;
    const double alpha_each =
        alpha / static_cast<double>(std::max<size_t>(1, tested * series.size()));
    std::vector<SeriesResult> results;
    for (const auto& [name, ws] : series) {
      results.push_back(Examine(name, ws, ev.start_s, next_s, prev_s, alpha_each, categories));
    }
    std::string detected, missing;
    bool all_recovered = true;
    for (const SeriesResult& r : results) {
      if (!r.detect_s) continue;
      if (!ev.detect_s || *r.detect_s < *ev.detect_s) ev.detect_s = r.detect_s;
      if (!r.recover_s) all_recovered = false;
      if (r.recover_s && (!ev.recover_s || *r.recover_s > *ev.recover_s))
        ev.recover_s = r.recover_s;
      detected += (detected.empty() ? "" : ", ") + r.name + " at +" + Fixed(*r.detect_s, 1) +
                  " s (p=" + Fixed(r.p, 6) + ")" +
                  (r.recover_s ? ", back at +" + Fixed(*r.recover_s, 1) + " s" : ", not back");
    }
    if (!all_recovered) ev.recover_s.reset();
    ev.detail = detected.empty()
                    ? "no window departed from the steady windows before the event (chi-square "
                      "homogeneity, alpha " +
                          Fixed(alpha_each, 6) + " per window)"
                    : "departed: " + detected +
                          " (chi-square homogeneity against the steady "
                          "windows before the event, alpha " +
                          Fixed(alpha_each, 6) + " per window)";
  }
}

}  // namespace meshverify::load
