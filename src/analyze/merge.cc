// MergeReports: several reports (runs, pods, Jobs) -> one, statistics recomputed from counts,
// latency from the histograms bucket by bucket, the gate at the runs' alpha per look.

#include "meshverify/merge.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "analyze/checks.h"
#include "meshverify/analyze.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

using analyze_internal::CheckInput;
using analyze_internal::SourceView;

// Without histograms (reports older than them) percentiles cannot be merged exactly:
// count-weighted means of the percentiles, and the larger max; `*approximate` is then set.
void MergeLatency(const LatencyStat& in, LatencyStat* out) {
  uint64_t n = out->count + in.count;
  if (n == 0) return;
  auto mix = [&](double a, double b) {
    return (a * static_cast<double>(out->count) + b * static_cast<double>(in.count)) /
           static_cast<double>(n);
  };
  out->p50 = mix(out->p50, in.p50);
  out->p90 = mix(out->p90, in.p90);
  out->p99 = mix(out->p99, in.p99);
  out->max = std::max(out->max, in.max);
  out->count = n;
}

// *into += n; fails with InvalidInput "merge: <where>: <what>: the sum overflows" rather than
// wrap (reports are user files: an edited count may be anything up to 2^64-1).
Status AddCount(uint64_t n, const std::string& where, const std::string& what, uint64_t* into) {
  if (__builtin_add_overflow(*into, n, into)) {
    return Status::InvalidInput("merge: " + where + ": " + what + ": the sum overflows");
  }
  return Status::Ok();
}

// Percentiles again from the merged histograms, for every key all of whose inputs had one.
void LatencyFromHistograms(const std::set<std::string>& approximate, SourceReport* s) {
  for (const auto& [k, h] : s->latency_hist) {
    if (approximate.count(k) != 0 || h.count() == 0) continue;
    s->latency_ms[k] =
        LatencyStat{h.count(), h.Quantile(0.5), h.Quantile(0.9), h.Quantile(0.99), h.max()};
  }
  for (const std::string& k : approximate) s->latency_hist.erase(k);
}

// Adds the counts of `in` to `out`; fails when both know a different expected share.
Status AddShares(const std::string& where, const std::map<std::string, ShareStat>& in,
                 bool keep_expected, std::map<std::string, ShareStat>* out) {
  for (const auto& [name, s] : in) {
    ShareStat& o = (*out)[name];
    if (Status st = AddCount(s.count, where, name, &o.count); !st.ok()) return st;
    if (!s.expected || !keep_expected) continue;
    if (o.expected && std::fabs(*o.expected - *s.expected) > 1e-9) {
      return Status::InvalidInput("merge: " + where + ": expected share of " + name +
                                  " differs between reports");
    }
    o.expected = s.expected;
  }
  return Status::Ok();
}

// `keep_expected` is false for the pooled total, whose sources may expect different shares.
// Latency keys whose counts have no histogram in some input go to `*approximate`.
Status AddSource(const SourceReport& in, bool keep_expected, SourceReport* out,
                 std::set<std::string>* approximate) {
  const std::string where = SourceLabel(in);
  if (Status s = AddCount(in.requests, where, "requests", &out->requests); !s.ok()) return s;
  if (Status s = AddCount(in.ok, where, "ok", &out->ok); !s.ok()) return s;
  for (const auto& [k, n] : in.errors) {
    if (Status s = AddCount(n, where, "errors." + k, &out->errors[k]); !s.ok()) return s;
  }
  if (Status s = AddShares(where, in.by_cluster, keep_expected, &out->by_cluster); !s.ok())
    return s;
  if (Status s = AddShares(where, in.by_version, keep_expected, &out->by_version); !s.ok())
    return s;
  for (const auto& [k, inst] : in.by_instance) {
    out->by_instance[k].Add(inst.count, inst.cluster, inst.version);
  }
  for (const auto& [k, l] : in.latency_ms) {
    MergeLatency(l, &out->latency_ms[k]);
    auto h = in.latency_hist.find(k);
    if (h == in.latency_hist.end() || h->second.count() != l.count) {
      approximate->insert(k);
    } else {
      out->latency_hist[k].Merge(h->second);
    }
  }
  for (const std::string& u : in.unparsed_samples) {
    if (out->unparsed_samples.size() < SourceCounts::kMaxUnparsedSamples) {
      out->unparsed_samples.push_back(u);
    }
  }
  return Status::Ok();
}

std::map<std::string, double> ExpectedOf(const std::map<std::string, ShareStat>& shares) {
  std::map<std::string, double> m;
  for (const auto& [k, s] : shares) {
    if (s.expected) m[k] = *s.expected;
  }
  return m;
}

// Shares expected in total, as Analyze pools them (analyze_internal::PooledExpectation).
std::map<std::string, double> PooledExpected(const std::vector<SourceReport>& sources,
                                             const std::vector<SourceExpectation>& expect,
                                             bool by_cluster) {
  std::vector<std::pair<uint64_t, const std::map<std::string, double>*>> parts;
  for (size_t i = 0; i < sources.size(); ++i) {
    parts.emplace_back(sources[i].ok, by_cluster ? &expect[i].by_cluster : &expect[i].by_version);
  }
  return analyze_internal::PooledExpectation(parts);
}

int Severity(CheckStatus s) {
  switch (s) {
    case CheckStatus::kFail:
      return 3;
    case CheckStatus::kInconclusive:
      return 2;
    case CheckStatus::kPass:
      return 1;
    case CheckStatus::kSkipped:
      return 0;
  }
  return 0;
}

}  // namespace

Result<Report> MergeReports(std::span<const Report> reports, const GateOptions& stated,
                            std::span<const std::string> names) {
  if (reports.empty()) return Status::InvalidInput("merge: no reports to merge");
  std::vector<nlohmann::json> configs;
  std::vector<double> starts;
  for (const Report& r : reports) {
    configs.push_back(r.config);
    starts.push_back(ParseRfc3339(r.started_at));
  }
  if (Status s = CheckSameSettings(configs, names); !s.ok()) return s;
  // A sequential run gated each look at alpha / looks; the merged counts are its last look.
  const int looks = LooksOf(reports[0].config);
  GateOptions opt = stated;
  opt.alpha = stats::SequentialAlpha(stated.alpha, 1, looks);
  Report out;
  out.tool_name = reports[0].tool_name;
  out.tool_version = reports[0].tool_version;
  out.config = reports[0].config;
  if (out.config.is_object()) out.config["gate"] = GateOptionsToJson(stated);
  bool any_error = false;
  std::set<std::string> approximate;
  std::set<std::tuple<std::string, std::string, std::string, uint32_t>> seen_endpoints;
  for (const Report& r : reports) {
    if (!r.started_at.empty() && (out.started_at.empty() || r.started_at < out.started_at)) {
      out.started_at = r.started_at;
    }
    out.duration_s = std::max(out.duration_s, r.duration_s);
    out.interrupted = out.interrupted || r.interrupted;
    any_error = any_error || r.verdict == Verdict::kError;
    for (const SourceReport& s : r.sources) {
      auto it = std::find_if(out.sources.begin(), out.sources.end(), [&](const SourceReport& o) {
        return o.cluster == s.cluster && o.pod == s.pod;
      });
      if (it == out.sources.end()) {
        out.sources.emplace_back();
        it = std::prev(out.sources.end());
        it->cluster = s.cluster;
        it->pod = s.pod;
      }
      if (Status st = AddSource(s, true, &*it, &approximate); !st.ok()) return st;
    }
    for (const Endpoint& e : r.endpoints) {
      if (seen_endpoints.insert({e.source_pod, e.envoy_cluster, e.address, e.port}).second) {
        out.endpoints.push_back(e);
      }
    }
    for (const std::string& n : r.notes) {
      if (std::find(out.notes.begin(), out.notes.end(), n) == out.notes.end()) {
        out.notes.push_back(n);
      }
    }
  }

  // Statistics again from the summed counts; expectations and views rebuilt from the reports.
  std::vector<SourceExpectation> expect(out.sources.size());
  for (size_t i = 0; i < out.sources.size(); ++i) {
    SourceReport& s = out.sources[i];
    expect[i].by_cluster = ExpectedOf(s.by_cluster);
    expect[i].by_version = ExpectedOf(s.by_version);
    for (const Endpoint& e : out.endpoints) {
      if (e.source_pod != s.pod || s.pod.empty()) continue;
      expect[i].has_endpoint_view = true;
      expect[i].endpoints.push_back(e);
    }
    LatencyFromHistograms(approximate, &s);
    ComputeShareStatistics(expect[i].by_cluster, expect[i].by_version, opt, &s);
    std::set<std::string> ignored;
    if (Status st = AddSource(s, false, &out.total, &ignored); !st.ok()) return st;
  }
  LatencyFromHistograms(approximate, &out.total);
  ComputeShareStatistics(PooledExpected(out.sources, expect, true),
                         PooledExpected(out.sources, expect, false), opt, &out.total);
  std::string note = "merged from " + std::to_string(reports.size()) + " reports; counts summed";
  if (approximate.empty()) {
    note += ", latency percentiles from the merged histograms (within their 0.4% bucket error)";
  } else {
    std::string keys;
    for (const std::string& k : approximate) keys += (keys.empty() ? "" : ", ") + k;
    note += "; latency to " + keys +
            ": some inputs carry no histogram, so its percentiles are count-weighted means of "
            "the inputs' (max is exact)";
  }
  if (looks > 1) {
    std::ostringstream os;
    os << "; gate at alpha " << stated.alpha << " / " << looks
       << " looks, as each look of the runs";
    note += os.str();
  }
  out.notes.push_back(note);
  out.notes.push_back(DescribeClocks(starts, {}).note);

  CheckInput ci;
  for (size_t i = 0; i < out.sources.size(); ++i) {
    ci.sources.push_back(SourceView{&out.sources[i], &expect[i]});
  }
  ci.total = &out.total;
  static const std::vector<PodInfo> kNoPods;
  ci.destinations = &kNoPods;
  ci.opt = opt;
  for (const Endpoint& e : out.endpoints) {
    if (!e.cluster.empty()) ci.clusters.push_back(e.cluster);
  }
  std::vector<CheckResult> rerun = {
      analyze_internal::CheckErrorRate(ci), analyze_internal::CheckBalance(ci),
      analyze_internal::CheckReachability(ci), analyze_internal::CheckEndpointsInCidrs(ci)};

  // Checks in order of first appearance; recomputed ones replace the inputs', others keep
  // the worst status seen.
  for (const Report& r : reports) {
    for (const CheckResult& c : r.checks) {
      auto it = std::find_if(out.checks.begin(), out.checks.end(),
                             [&](const CheckResult& o) { return o.name == c.name; });
      auto re = std::find_if(rerun.begin(), rerun.end(),
                             [&](const CheckResult& o) { return o.name == c.name; });
      if (re != rerun.end()) {
        if (it == out.checks.end()) out.checks.push_back(*re);
      } else if (it == out.checks.end()) {
        out.checks.push_back(c);
      } else if (Severity(c.status) > Severity(it->status)) {
        *it = c;
      }
    }
  }
  for (const CheckResult& c : rerun) {
    auto it = std::find_if(out.checks.begin(), out.checks.end(),
                           [&](const CheckResult& o) { return o.name == c.name; });
    if (it == out.checks.end()) out.checks.push_back(c);
  }
  out.verdict = any_error ? Verdict::kError : VerdictOf(out.checks);
  if (any_error) out.notes.push_back("an input report could not run (verdict error)");
  return out;
}

}  // namespace meshverify
