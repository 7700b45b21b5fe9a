#pragma once
// `jobs run -- check`: merging the shards' check reports.

#include "meshverify/jobs.h"
#include "meshverify/report.h"

namespace meshverify::cli {

// Parses every shard's report (one that does not parse or add up (ParseCheckedReport) counts as a
// failed shard), merges them exactly (MergeReports at the first report's gate), and adds a `shards`
// check: pass when every shard reported; else fail, naming each missing or failed shard with its
// planned requests (their sum in config.jobs.not_reported), a note, and the verdict error unless it
// failed. Fails with Unavailable when no report parses, or MergeReports' error.
Result<Report> MergeCheckShards(const jobs::JobSpec& spec, const jobs::RunResult& run);

}  // namespace meshverify::cli
