#pragma once
// Load reports in `merge` and `jobs run`: merging shard files and writing the merged report.

#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"
#include "meshverify/load_report.h"

namespace meshverify::cli {

// True when `text` is a meshverify.load/v1 report (its "schema" says so).
bool IsLoadReport(std::string_view text);

// Writes `r` to every file of `o` (--json, --junit, --markdown, --html, through env.fs) and in
// -o's format to stdout. Returns the verdict's exit code (kInterrupted when interrupted), or
// kCouldNotRun when a file could not be written (said as ReportError(env, command, ...)).
ExitCode EmitMergedLoadReport(const load::LoadReport& r, const OutputFlags& o, Environment& env,
                              std::string_view command);

// `meshverify merge` of load reports: parses `texts` (named `names`), merges and emits.
ExitCode MergeLoadFiles(const std::vector<std::string>& texts,
                        const std::vector<std::string>& names, const OutputFlags& o,
                        Environment& env);

}  // namespace meshverify::cli
