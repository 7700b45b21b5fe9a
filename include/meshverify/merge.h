#pragma once
// What `meshverify merge` (and `jobs run`) needs besides MergeReports (analyze.h) and
// MergeLoadReports (load_report.h): the rule that only runs of the same settings merge, the
// gate's alpha of a sequential run, and what the shards' clocks say. Pure; thread-safe.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/status.h"

namespace meshverify {

// Config keys that legitimately differ between the runs or shards of one experiment and are
// left out of the comparison: which shard, which inputs, which source cluster, the config
// file's path and what a previous merge added.
inline constexpr const char* kPerRunConfigKeys[] = {
    "shard", "inputs", "source_cluster", "config", "config_file", "merged_from", "merge", "seed"};

// Returns Ok when every config equals the first once kPerRunConfigKeys are removed; else
// InvalidInput "merge: <names[i]> was run with other settings than <names[0]>: <json pointer>:
// <value> vs <value>" (the first difference; "(none)" for a missing key). `names` may be
// shorter than `configs` (then "report N", 1-based).
Status CheckSameSettings(std::span<const nlohmann::json> configs,
                         std::span<const std::string> names);

// The sequential looks a report's config states (config.run.looks of `check`; 1 when absent).
int LooksOf(const nlohmann::json& config);

// A shard's clock against a common reference, when it measured one: the offset (its clock
// minus the reference) lies in [lo_ms, hi_ms].
struct ClockOffset {
  bool known = false;
  double lo_ms = 0, hi_ms = 0;
};

// Wall-clock facts of the merged runs, for the report: how far apart they started and, when
// offsets were measured, the skew between their clocks.
struct ClockSpread {
  double start_spread_s = 0;  // latest start - earliest start (NaN starts are ignored)
  bool skew_known = false;    // every run measured its offset
  double skew_ms = 0;         // largest - smallest offset midpoint
  double skew_error_ms = 0;   // the widest offset interval's half-width
  std::string note;           // one sentence for the report's notes
};
ClockSpread DescribeClocks(std::span<const double> start_unix_s,
                           std::span<const ClockOffset> offsets);

// Seconds since the Unix epoch of an RFC 3339 UTC time "2026-01-02T03:04:05Z" (fractional
// seconds allowed); NaN when it is not one.
double ParseRfc3339(std::string_view text);

}  // namespace meshverify
