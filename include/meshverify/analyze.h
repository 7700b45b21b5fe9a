#pragma once
// Analysis: aggregated counts (aggregate.h) plus what each source should see (its sidecar's
// endpoint view or configured shares) -> a Report with per-source and pooled statistics,
// checks, hints and a verdict (DESIGN.md "Statistics"). Pure functions: no clock, no I/O;
// the caller fills Report::started_at, duration_s, config and tool_version. Thread-safe.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "meshverify/aggregate.h"
#include "meshverify/config.h"
#include "meshverify/model.h"
#include "meshverify/prober.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify {

// The old name of GateOptions (config.h), kept only so that code written against it builds.
using AnalyzeOptions = GateOptions;

// What one source should see. Either dimension may be empty (= not gated). When
// `has_endpoint_view` is set, `endpoints` is the source's sidecar view of the target's Envoy
// cluster (Endpoint::cluster filled by the cluster mapping), and the reachability and
// control-plane checks use it.
struct SourceExpectation {
  std::map<std::string, double> by_cluster;  // destination cluster -> expected share
  std::map<std::string, double> by_version;  // version -> expected share
  bool has_endpoint_view = false;
  std::vector<Endpoint> endpoints;
};

struct AnalyzeInput {
  // Per-source counts, e.g. Aggregator::sources(). The pooled total is computed by Analyze.
  std::vector<SourceCounts> sources;
  // Expectations, looked up for a source by "<cluster>/<pod>", then "<pod>", then "" (the
  // default for every source, e.g. analyze's --expect).
  std::map<std::string, SourceExpectation> expect;
  // Known destination pods (for instance -> pod -> cluster/endpoint checks); may be empty.
  std::vector<PodInfo> destinations;
  // Mesh clusters of the config (mesh.yaml order); may be empty (offline analyze).
  std::vector<std::string> clusters;
  // Clusters on a network of their own: those with east-west gateways (configured or
  // discovered). A view listing such a cluster's pods by pod IP from another cluster is the
  // multi-network misconfiguration the reachability hint names; may be empty.
  std::vector<std::string> gateway_clusters;
  // Checks the caller already decided (discovery, convergence, ...); kept first, in order.
  std::vector<CheckResult> extra_checks;
};

// Runs the statistics and every check. Report::verdict is VerdictOf(checks); sources keep the
// input order; total pools every source (its expected shares are the sources' expected shares
// averaged with weights = their ok counts; a note says so). Endpoints of all views are listed
// in Report::endpoints. Never fails: what cannot be checked is a `skipped` check with a reason.
Report Analyze(const AnalyzeInput& in, const GateOptions& opt);

// fail if any check failed; else inconclusive if any is inconclusive; else pass (also when
// every check is skipped or there are none). Never returns kError: that is the caller's
// "could not run".
Verdict VerdictOf(const std::vector<CheckResult>& checks);

// Checks a saved report's numbers against each other (`meshverify report`, `merge` inputs):
// per source and total, requests = ok + errors, by_cluster, by_version and by_instance counts
// sum to ok, each share is count / ok, each gate follows from its share and interval against
// expected ± the config's gate.tolerance, each source's gate (when it has one) from its shares'
// gates; the total's requests, ok and
// errors are the sources' sums; the balance check follows from the sources' gates and the
// verdict (unless error) from the checks (VerdictOf). Fails with InvalidInput
// "<source>: <JSON pointer>: <what disagrees>" at the first disagreement.
Status CrossCheckReport(const Report& r, std::string_view source);

// ParseReport, then CrossCheckReport: how a saved report is read to be used again (`report`,
// `merge`, `jobs run`), so that no edited or truncated report is merged or re-rendered.
Result<Report> ParseCheckedReport(std::string_view text, std::string_view source);

// Expected shares from a sidecar view: each routable endpoint (Endpoint::Routable) weighs
// Endpoint::weight; by_cluster sums by Endpoint::cluster ("" kept as is), by_version by the
// `version` label of the destination pod whose IP is the endpoint's address (left empty
// unless every routable endpoint maps to a pod with a version label). Sets
// has_endpoint_view and copies `view`. With no routable endpoint both maps are empty.
SourceExpectation ExpectationFromEndpoints(const std::vector<Endpoint>& view,
                                           const std::vector<PodInfo>& destinations);

// Per-source statistics from counts alone (no histograms, no views), as used by Analyze and
// MergeReports: shares, the interval that decided each share's gate (stats::ShareGate, with
// its level; the skew side's Bonferroni family is the source's distinct decisions, cluster and
// version shares that are one partition counted once; ungated shares show the two-sided
// 1 - alpha Clopper–Pearson interval), expected shares and per-share gates, goodness-of-fit tests
// ("chi_square", "g_test", and "exact" when expected counts are small; for versions too, suffixed
// "_by_version", when both dimensions are gated), the source's gate (skewed if any share is skewed,
// balanced if all are balanced, else inconclusive; "" when nothing is expected) and
// requests_to_decide. Reads r->ok, by_cluster[*].count, by_version[*].count and the expected maps
// given here; rewrites the ShareStat fields, tests, gate and requests_to_decide of *r.
void ComputeShareStatistics(const std::map<std::string, double>& expected_by_cluster,
                            const std::map<std::string, double>& expected_by_version,
                            const GateOptions& opt, SourceReport* r);

// The checks a pipeline decides from how its run went (before Analyze, as extra_checks).
// Discovery's: `sources_found` passes when every cluster has a Running and Ready source pod
// (`selector` is "-n NS -l SELECTOR", for the detail and hint); `endpoint_views` says how many
// views were read with which `method` ("istioctl" or "pilot-agent"); `converged` fails when
// `gap` (discover::ConvergenceGap) is not empty after the wait.
CheckResult SourcesFoundCheck(const std::vector<PodInfo>& sources,
                              const std::vector<std::string>& clusters_without_sources,
                              const std::string& selector);
CheckResult EndpointViewsCheck(size_t views, const std::string& envoy_cluster,
                               std::string_view method);
CheckResult ConvergedCheck(const std::string& gap, double waited_s, int view_reads);
// `probe`: what the prober did in `seconds`, one outcome per source summed over the looks.
// Lost requests, a source given up and the deadline fail it. `mode` is Prober::mode(): exec
// mode's attempts are "kubectl exec calls".
CheckResult ProbeCheck(std::span<const ProbeOutcome> outcomes, double seconds,
                       std::string_view mode);

// Combines reports of several runs or pods (`meshverify merge`, `jobs run`): sources with the
// same cluster and pod are summed (counts, errors, instances, latency histograms bucket by
// bucket; percentiles are recomputed from the merged histograms, or, for inputs written before
// reports carried them, count-weighted means of the percentiles, noted), shares, intervals,
// gates and the pooled total are recomputed from counts, endpoints are unioned, and the checks
// that need only counts (error_rate, balance, reachability against the merged endpoints) are
// re-run; others are kept from the inputs, worst status first. The gate runs at `opt.alpha`
// divided by the looks of the runs' config (config.run.looks: a sequential run gated each look
// so); config.gate keeps `opt`. started_at is the earliest, duration_s the longest; a note gives
// how far apart the runs started. Fails with InvalidInput when `reports` is empty, when their
// settings differ (CheckSameSettings in merge.h, naming `names[i]`), or when a source's expected
// shares disagree between reports.
Result<Report> MergeReports(std::span<const Report> reports, const GateOptions& opt,
                            std::span<const std::string> names = {});

// Reads {"gate": {"tolerance", "alpha", "max_error_rate"}} from a report's config, falling
// back to `defaults` field by field; the config shape written by `analyze` and `check`.
GateOptions GateOptionsFromConfig(const nlohmann::json& config, const GateOptions& defaults);
nlohmann::json GateOptionsToJson(const GateOptions& opt);  // {"tolerance", ...}

}  // namespace meshverify
