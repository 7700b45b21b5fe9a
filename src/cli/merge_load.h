#pragma once
// Load reports in `merge` and `jobs run`: merging shard files and writing the merged report.

#include <string>
#include <vector>

#include "cli/options.h"
#include "meshverify/load_report.h"

namespace meshverify::cli {

// True when `text` is a meshverify.load/v1 report (its "schema" says so).
bool IsLoadReport(std::string_view text);

// Writes `r` in every format of `o` (--json, --junit, --markdown, --html) and -o to stdout.
// Returns the verdict's exit code (130 when interrupted), or 3 when a file could not be written.
int EmitMergedLoadReport(const load::LoadReport& r, const OutputOptions& o, Environment& env);

// `meshverify merge` of load reports: parses `texts` (named `names`), merges and emits.
int MergeLoadFiles(const std::vector<std::string>& texts, const std::vector<std::string>& names,
                   const OutputOptions& o, Environment& env);

}  // namespace meshverify::cli
