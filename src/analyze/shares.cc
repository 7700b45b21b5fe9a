// Per-source statistics from counts: shares, the intervals that decided, equivalence gates,
// goodness-of-fit tests and the number of requests that would decide.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "meshverify/analyze.h"
#include "meshverify/stats.h"

namespace meshverify {
namespace {

// Power used to size an undecided gate when the observed data cannot (e.g. no answers yet).
constexpr double kPlanPower = 0.9;

// Makes sure every expected category has an entry (count 0) and sets `expected` on each.
void AddExpectedCategories(const std::map<std::string, double>& expected,
                           std::map<std::string, ShareStat>* shares) {
  for (const auto& [name, p] : expected) (*shares)[name];
  for (auto& [name, s] : *shares) {
    if (expected.empty()) {
      s.expected.reset();
      continue;
    }
    auto it = expected.find(name);
    s.expected = it == expected.end() ? 0.0 : it->second;
  }
}

GateVerdict VerdictOf(stats::Gate g) {
  switch (g) {
    case stats::Gate::kBalanced:
      return GateVerdict::kBalanced;
    case stats::Gate::kSkewed:
      return GateVerdict::kSkewed;
    case stats::Gate::kInconclusive:
      return GateVerdict::kInconclusive;
  }
  return GateVerdict::kInconclusive;
}

struct Decision {
  bool any_skewed = false;
  bool all_balanced = true;
  uint64_t n_to_decide = 0;
};

// The skew decisions of one gated dimension (stats::SkewDecisions).
int DimensionDecisions(const std::map<std::string, ShareStat>& shares) {
  int positive = 0;
  for (const auto& [name, s] : shares) positive += s.expected.value_or(0.0) > 0;
  return stats::SkewDecisions(positive);
}

// True when the cluster and version shares are one partition: every answer's instance has a
// cluster and a version, each answered version came from one cluster only and each answered
// cluster gave one version only (so every answer's cluster names its version: the seed's
// topology, one version per cluster), and mapped categories have equal counts and expected
// shares, the unanswered ones equal expected shares. Then both dimensions' gates are the same
// decisions and count once. This is read from the answers: in a mesh whose clusters and
// versions cross (v2 in both clusters) yet whose expected shares match under some pairing, the
// answers look like one partition only if whole pods never answered, and the skew side's error
// rate then exceeds alpha by at most that probability (e.g. 2^-N when half the pods never do).
bool SamePartition(const SourceReport& r) {
  std::map<std::string, std::string> version_of, cluster_of;
  for (const auto& [name, inst] : r.by_instance) {
    if (inst.count == 0) continue;
    if (inst.cluster.empty() || inst.version.empty()) return false;
    const std::string& v = version_of.emplace(inst.cluster, inst.version).first->second;
    const std::string& c = cluster_of.emplace(inst.version, inst.cluster).first->second;
    if (v != inst.version || c != inst.cluster) return false;
  }
  auto same = [](const ShareStat& a, const ShareStat& b) {
    return a.count == b.count && a.expected.has_value() == b.expected.has_value() &&
           std::fabs(a.expected.value_or(0) - b.expected.value_or(0)) <= 1e-12;
  };
  std::vector<double> idle_clusters, idle_versions;  // expected shares of unanswered ones
  for (const auto& [cluster, s] : r.by_cluster) {
    auto v = version_of.find(cluster);
    if (v == version_of.end()) {
      if (s.count > 0) return false;
      idle_clusters.push_back(s.expected.value_or(0));
      continue;
    }
    auto it = r.by_version.find(v->second);
    if (it == r.by_version.end() || !same(s, it->second)) return false;
  }
  for (const auto& [version, s] : r.by_version) {
    if (cluster_of.count(version)) continue;
    if (s.count > 0) return false;
    idle_versions.push_back(s.expected.value_or(0));
  }
  std::sort(idle_clusters.begin(), idle_clusters.end());
  std::sort(idle_versions.begin(), idle_versions.end());
  return idle_clusters == idle_versions;
}

// Fills share, interval and (when gated) gate of every category of one dimension. Ungated
// shares show the two-sided Clopper–Pearson interval at level 1 - alpha.
void GateDimension(uint64_t ok, bool gated, int decisions, const GateOptions& opt,
                   std::map<std::string, ShareStat>* shares, Decision* d) {
  for (auto& [name, s] : *shares) {
    s.share = ok == 0 ? 0.0 : static_cast<double>(s.count) / static_cast<double>(ok);
    s.gate = GateVerdict::kNone;
    if (!gated) {
      stats::Interval ci = stats::ClopperPearsonBounds(s.count, ok, opt.alpha / 2, opt.alpha / 2);
      s.ci_lo = ci.lo;
      s.ci_hi = ci.hi;
      s.ci_level = 1 - opt.alpha;
      continue;
    }
    stats::ShareGate g =
        stats::GateShare(s.count, ok, *s.expected, opt.tolerance, opt.alpha, decisions);
    s.ci_lo = g.ci.lo;
    s.ci_hi = g.ci.hi;
    s.ci_level = g.ci_level;
    s.gate = VerdictOf(g.gate);
    if (g.gate == stats::Gate::kSkewed) d->any_skewed = true;
    if (g.gate != stats::Gate::kBalanced) d->all_balanced = false;
    if (g.gate == stats::Gate::kInconclusive)
      d->n_to_decide = std::max(d->n_to_decide, g.n_to_decide);
  }
}

// Chi-square, G-test and (when expected counts are small) the exact test of one dimension.
void FitTests(const std::map<std::string, ShareStat>& shares, const std::string& suffix,
              std::map<std::string, TestStat>* tests) {
  std::vector<uint64_t> counts;
  std::vector<double> expected;
  for (const auto& [name, s] : shares) {
    counts.push_back(s.count);
    expected.push_back(s.expected.value_or(0.0));
  }
  auto put = [&](const std::string& key, const Result<stats::FitTest>& t) {
    if (!t.ok()) return;  // expected shares that do not sum to 1: nothing sound to report
    (*tests)[key + suffix] = TestStat{t->statistic, t->df, t->p_value, t->method, t->note};
  };
  put("chi_square", stats::PearsonChiSquare(counts, expected));
  put("g_test", stats::GTest(counts, expected));
  Result<stats::FitTest> fit = stats::GoodnessOfFit(counts, expected);
  if (fit.ok() && fit->method != "pearson") put("exact", fit);
}

std::vector<double> ExpectedVector(const std::map<std::string, ShareStat>& shares) {
  std::vector<double> v;
  for (const auto& [name, s] : shares) {
    if (s.expected.value_or(0.0) > 0) v.push_back(*s.expected);
  }
  return v;
}

}  // namespace

void ComputeShareStatistics(const std::map<std::string, double>& expected_by_cluster,
                            const std::map<std::string, double>& expected_by_version,
                            const GateOptions& opt, SourceReport* r) {
  AddExpectedCategories(expected_by_cluster, &r->by_cluster);
  AddExpectedCategories(expected_by_version, &r->by_version);
  const bool gate_cluster = !expected_by_cluster.empty();
  const bool gate_version = !expected_by_version.empty();
  // The skew side's Bonferroni family: every distinct decision of the source, identical
  // partitions once. The balanced side needs no correction (stats.h, DecideShare).
  int decisions = (gate_cluster ? DimensionDecisions(r->by_cluster) : 0) +
                  (gate_version ? DimensionDecisions(r->by_version) : 0);
  if (gate_cluster && gate_version && SamePartition(*r)) {
    decisions = DimensionDecisions(r->by_cluster);
  }

  Decision d;
  GateDimension(r->ok, gate_cluster, decisions, opt, &r->by_cluster, &d);
  GateDimension(r->ok, gate_version, decisions, opt, &r->by_version, &d);

  r->tests.clear();
  if (r->ok > 0) {
    if (gate_cluster) FitTests(r->by_cluster, "", &r->tests);
    if (gate_version) FitTests(r->by_version, gate_cluster ? "_by_version" : "", &r->tests);
  }

  r->requests_to_decide = 0;
  if (!gate_cluster && !gate_version) {
    r->gate = GateVerdict::kNone;
    return;
  }
  if (d.any_skewed) {
    r->gate = GateVerdict::kSkewed;
  } else if (d.all_balanced) {
    r->gate = GateVerdict::kBalanced;
  } else {
    r->gate = GateVerdict::kInconclusive;
    uint64_t n = d.n_to_decide;
    if (n <= r->ok || r->ok == 0) {
      // The observed shares give no usable estimate (e.g. no answers): size from the plan.
      const auto& dim = gate_cluster ? r->by_cluster : r->by_version;
      Result<uint64_t> plan =
          stats::PlanRequests(ExpectedVector(dim), opt.tolerance, opt.alpha, kPlanPower);
      if (plan.ok()) n = std::max(n, *plan);
    }
    r->requests_to_decide = n;
  }
}

GateOptions GateOptionsFromConfig(const nlohmann::json& config,
                                        const GateOptions& defaults) {
  GateOptions o = defaults;
  if (!config.is_object()) return o;
  auto gate = config.find("gate");
  if (gate == config.end() || !gate->is_object()) return o;
  auto read = [&](const char* key, double* v) {
    auto it = gate->find(key);
    if (it != gate->end() && it->is_number()) *v = it->get<double>();
  };
  read("tolerance", &o.tolerance);
  read("alpha", &o.alpha);
  read("max_error_rate", &o.max_error_rate);
  return o;
}

nlohmann::json GateOptionsToJson(const GateOptions& opt) {
  return {
      {"tolerance", opt.tolerance}, {"alpha", opt.alpha}, {"max_error_rate", opt.max_error_rate}};
}

}  // namespace meshverify
