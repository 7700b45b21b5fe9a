// The count-based checks: error_rate, balance, reachability.

#include "analyze/checks.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace meshverify::analyze_internal {
namespace {

// The level of a shown interval: "99%", "99.75%".
std::string Level(double level) {
  std::string s = Fixed(100 * level, 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "%";
}

// "cluster2 0.300 [0.281, 0.320] (99%), expected 0.500 ± 0.050" for every share gated `gate`;
// "v3 got 10 answers, expected none" for an answered share expected to get nothing.
void DescribeShares(const std::map<std::string, ShareStat>& shares, GateVerdict gate,
                    double tolerance, std::vector<std::string>* out) {
  for (const auto& [name, s] : shares) {
    if (s.gate != gate) continue;
    if (s.count > 0 && s.expected && *s.expected <= 0) {
      out->push_back(name + " got " + std::to_string(s.count) + " answers, expected none");
      continue;
    }
    std::string level = s.ci_level > 0 ? " (" + Level(s.ci_level) + ")" : "";
    out->push_back(name + " " + Fixed(s.share, 3) + " [" + Fixed(s.ci_lo, 3) + ", " +
                   Fixed(s.ci_hi, 3) + "]" + level + ", expected " +
                   Fixed(s.expected.value_or(0), 3) + " ± " + Fixed(tolerance, 3));
  }
}

// True when some share of `r` expected to get nothing got answers.
bool HasUnexpected(const SourceReport& r) {
  for (const auto* dim : {&r.by_cluster, &r.by_version}) {
    for (const auto& [name, s] : *dim) {
      if (s.count > 0 && s.expected && *s.expected <= 0) return true;
    }
  }
  return false;
}

std::string DescribeGate(const SourceReport& r, GateVerdict gate, double tolerance) {
  std::vector<std::string> parts;
  DescribeShares(r.by_cluster, gate, tolerance, &parts);
  DescribeShares(r.by_version, gate, tolerance, &parts);
  return SourceLabel(r) + " (" + std::to_string(r.ok) + " answers): " + Join(parts, "; ");
}

}  // namespace

std::string DescribeErrors(const std::map<std::string, uint64_t>& errors) {
  std::vector<std::pair<std::string, uint64_t>> v(errors.begin(), errors.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [k, n] : v) {
    if (n > 0) parts.push_back(k + " " + std::to_string(n));
  }
  return Join(parts, ", ");
}

std::map<std::string, Requirement> RequiredClusters(const SourceView& s,
                                                    const std::vector<PodInfo>& destinations) {
  std::map<std::string, Requirement> req;
  uint32_t routable_weight = 0;
  std::map<std::string, uint32_t> weight;
  if (s.expect != nullptr && s.expect->has_endpoint_view) {
    for (const Endpoint& e : s.expect->endpoints) {
      if (e.cluster.empty()) continue;  // flagged by endpoints_in_cidrs
      Requirement& r = req[e.cluster];
      ++r.listed;
      if (e.Routable()) {
        ++r.routable;
        weight[e.cluster] += e.weight;
        routable_weight += e.weight;
      }
    }
    // Clusters whose endpoints are all unroutable are required only if pods say so (below).
    for (auto it = req.begin(); it != req.end();) {
      it = it->second.routable == 0 ? req.erase(it) : std::next(it);
    }
  }
  if (s.expect != nullptr) {
    for (const auto& [cluster, p] : s.expect->by_cluster) {
      if (p > 0 && !cluster.empty()) req[cluster].share = p;
    }
  }
  size_t ready = 0;
  std::map<std::string, size_t> pods;
  for (const PodInfo& p : destinations) {
    if (!p.ready || p.cluster.empty()) continue;
    ++ready;
    ++pods[p.cluster];
    req[p.cluster].has_pods = true;
  }
  // Listed counts for clusters added by shares or pods, and a share where none is known.
  for (auto& [cluster, r] : req) {
    if (s.expect != nullptr && r.listed == 0) {
      for (const Endpoint& e : s.expect->endpoints) {
        if (e.cluster != cluster) continue;
        ++r.listed;
        if (e.Routable()) ++r.routable;
      }
    }
    if (r.share > 0) continue;
    if (routable_weight > 0 && weight.count(cluster)) {
      r.share = static_cast<double>(weight[cluster]) / routable_weight;
    } else if (ready > 0 && pods.count(cluster)) {
      r.share = static_cast<double>(pods[cluster]) / static_cast<double>(ready);
    }
  }
  return req;
}

CheckResult CheckErrorRate(const CheckInput& in) {
  const SourceReport& t = *in.total;
  if (t.requests == 0) {
    // Nothing was verified: passing would claim evidence there is none of.
    return Make("error_rate", CheckStatus::kInconclusive, "no requests were made",
                "no request was sent or counted: check that source pods exist and the input "
                "holds answers");
  }
  uint64_t errors = ErrorCount(t);
  double rate = static_cast<double>(errors) / static_cast<double>(t.requests);
  std::string detail = std::to_string(errors) + " of " + std::to_string(t.requests) +
                       " requests failed (" + Percent(rate) + "; allowed " +
                       Percent(in.opt.max_error_rate) + ")";
  if (errors == 0 || rate <= in.opt.max_error_rate) {
    if (errors > 0) detail += ": " + DescribeErrors(t.errors);
    return Make("error_rate", CheckStatus::kPass, detail);
  }
  detail += ": " + DescribeErrors(t.errors);
  std::vector<std::string> per_source;
  for (const SourceView& s : in.sources) {
    uint64_t n = ErrorCount(*s.report);
    if (n > 0 && in.sources.size() > 1) {
      per_source.push_back(SourceLabel(*s.report) + " " + DescribeErrors(s.report->errors));
    }
  }
  if (!per_source.empty()) detail += " (" + Join(per_source, "; ") + ")";
  if (!t.unparsed_samples.empty()) detail += "; first unparsed: \"" + t.unparsed_samples[0] + "\"";
  return Make("error_rate", CheckStatus::kFail, detail, HintForErrors(t.errors));
}

CheckResult CheckBalance(const CheckInput& in) {
  std::vector<std::string> skewed, undecided;
  bool skewed_to_zero = false;  // a skewed category got no answers at all
  bool unexpected = false;      // a category expected to get nothing got answers
  uint64_t more = 0;
  size_t gated = 0;
  for (const SourceView& s : in.sources) {
    const SourceReport& r = *s.report;
    if (r.gate == GateVerdict::kNone) continue;
    ++gated;
    if (r.gate == GateVerdict::kSkewed) {
      skewed.push_back(DescribeGate(r, GateVerdict::kSkewed, in.opt.tolerance));
      unexpected = unexpected || HasUnexpected(r);
      for (const auto* dim : {&r.by_cluster, &r.by_version}) {
        for (const auto& [name, sh] : *dim) {
          skewed_to_zero = skewed_to_zero || (sh.gate == GateVerdict::kSkewed && sh.count == 0);
        }
      }
    }
    if (r.gate == GateVerdict::kInconclusive) {
      undecided.push_back(DescribeGate(r, GateVerdict::kInconclusive, in.opt.tolerance));
      more = std::max(more, MoreRequestsToDecide(r));
    }
  }
  if (gated == 0) {
    return Make("balance", CheckStatus::kSkipped,
                "no expected shares: pass --expect (versions or clusters) or read endpoint views");
  }
  const std::string of = " of " + std::to_string(gated) + " source(s)";
  if (!skewed.empty()) {
    return Make("balance", CheckStatus::kFail,
                std::to_string(skewed.size()) + of + " skewed: " + Join(skewed, " | "),
                unexpected ? "answers came from a destination that should get none: look at what "
                             "the sidecar routes to (stale endpoints, a subset or DestinationRule "
                             "sending to that version, a cluster's endpoints leaking in); "
                             "instances_known names the pods"
                : skewed_to_zero
                    ? "an expected cluster or version never answered: see the "
                      "reachability check for why; where all answer but the split "
                      "is off, " +
                          HintForSkew()
                    : "every expected category answers but the split is off: " + HintForSkew());
  }
  if (!undecided.empty()) {
    std::string hint = more > 0 ? std::to_string(more) +
                                      " more requests per source would decide (see "
                                      "requests_to_decide); or widen --tolerance"
                                : "more requests per source would decide; or widen --tolerance";
    return Make("balance", CheckStatus::kInconclusive,
                std::to_string(undecided.size()) + of + " not decided at tolerance ± " +
                    Fixed(in.opt.tolerance, 3) + ": " + Join(undecided, " | "),
                hint);
  }
  return Make("balance", CheckStatus::kPass,
              "every share of " + std::to_string(gated) + " source(s) is within expected ± " +
                  Fixed(in.opt.tolerance, 3) + " at alpha " + Fixed(in.opt.alpha, 4));
}

namespace {

// Routable endpoints of `cluster` listed by pod IP in a view of another cluster's source, when
// `cluster` is on a network of its own (it has gateways): 0 otherwise.
int PodIpsAcrossNetworks(const CheckInput& in, const SourceView& s, const std::string& cluster) {
  const auto& gw = in.gateway_clusters;
  if (s.report->cluster == cluster || std::find(gw.begin(), gw.end(), cluster) == gw.end()) {
    return 0;
  }
  int n = 0;
  for (const Endpoint& e : s.expect->endpoints) {
    if (e.cluster == cluster && e.via.empty() && e.Routable()) ++n;
  }
  return n;
}

}  // namespace

CheckResult CheckReachability(const CheckInput& in) {
  std::vector<std::string> failed, undecided, passed;
  std::vector<std::string> hints;
  for (const SourceView& s : in.sources) {
    const SourceReport& r = *s.report;
    std::map<std::string, Requirement> req = RequiredClusters(s, *in.destinations);
    if (req.empty()) continue;
    std::vector<Unreached> missing;
    std::vector<std::string> reached, maybe;
    for (const auto& [cluster, q] : req) {
      auto it = r.by_cluster.find(cluster);
      uint64_t n = it == r.by_cluster.end() ? 0 : it->second.count;
      if (n > 0) {
        reached.push_back(cluster + " (" + std::to_string(n) + ")");
        continue;
      }
      const bool view = s.expect != nullptr && s.expect->has_endpoint_view;
      // Without a routable endpoint in the view the sidecar cannot route there at all; else
      // it is missing only if missing it by luck is unlikely: (1 - p)^ok < alpha.
      double luck = (view && q.routable == 0) ? 0.0 : std::pow(1.0 - q.share, double(r.ok));
      if (r.ok > 0 && luck < in.opt.alpha) {
        missing.push_back(Unreached{cluster, q.listed, q.routable,
                                    view ? PodIpsAcrossNetworks(in, s, cluster) : 0});
      } else {
        maybe.push_back(cluster);
      }
    }
    std::string who = SourceLabel(r) + " reached " +
                      (reached.empty() ? std::string("no cluster") : Join(reached, ", "));
    if (!missing.empty()) {
      std::vector<std::string> names;
      for (const Unreached& m : missing) {
        names.push_back(m.cluster + " (" + std::to_string(m.routable) + " of " +
                        std::to_string(m.listed) + " endpoints routable in its view)");
      }
      failed.push_back(who + " but never " + Join(names, ", "));
      std::string h = HintForUnreached(r, missing, s.expect && s.expect->has_endpoint_view);
      if (std::find(hints.begin(), hints.end(), h) == hints.end()) hints.push_back(h);
    } else if (!maybe.empty()) {
      undecided.push_back(who + "; not yet " + Join(maybe, ", ") + " (too few answers to tell)");
    } else {
      passed.push_back(who);
    }
  }
  if (failed.empty() && undecided.empty() && passed.empty()) {
    return Make("reachability", CheckStatus::kSkipped,
                "no endpoint views, destination pods or expected cluster shares to check against");
  }
  if (!failed.empty()) {
    return Make("reachability", CheckStatus::kFail, Join(failed, "; "), Join(hints, " "));
  }
  if (!undecided.empty()) {
    return Make("reachability", CheckStatus::kInconclusive, Join(undecided, "; "),
                "more requests per source would tell whether these clusters are reached");
  }
  return Make("reachability", CheckStatus::kPass, Join(passed, "; "));
}

}  // namespace meshverify::analyze_internal
