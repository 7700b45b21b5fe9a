#pragma once
// `meshverify load`: its flags (the contract of issue 12) and the command.

#include <chrono>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/shard_flags.h"  // kQuitUrl
#include "meshverify/load.h"

namespace meshverify::cli {

struct LoadFlags {
  std::string help;  // the --help text when -h/--help was given, else ""
  std::string config;  // -c mesh.yaml; optional with --direct
  std::optional<double> rate;
  std::optional<int> concurrency;
  std::chrono::milliseconds duration{0};  // 0: not given
  std::optional<uint64_t> requests;
  std::chrono::milliseconds window{1000};
  std::chrono::milliseconds warmup{0};
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds event_timeout{60000};
  std::vector<load::EventSpec> events;
  std::optional<load::Sweep> sweep;
  std::vector<load::Slo> slos;
  bool direct = false;
  std::string url;
  std::string source_cluster;
  std::map<std::string, double> expect;  // --expect
  std::optional<double> tolerance, alpha;
  std::string pattern;
  std::string jsonl_path, json_path, html_path, markdown_path, fortio_path;
  std::string output = "text";  // -o text|json
  // --shard i/N: this process is shard i (0-based) of N (a Job's completion index).
  int shard_index = 0, shard_count = 1;
  std::string source_name;  // --source-name: the source's name in the report ("direct")
  // --instance-cluster POD=CLUSTER (repeatable): destination pods' clusters, given instead of
  // asking kubectl (a Job's pod has no kubectl).
  std::map<std::string, std::string> instance_clusters;
  // --quit-sidecar: when done, POST the Istio sidecar's /quitquitquit (a Job without native
  // sidecars), at kQuitUrl.
  bool quit_sidecar = false;
};

// Parses the words after `load`. Fails with Usage "<what is wrong>" (one line; exit 2)
// on unknown flags, bad values, a bad --slo, --sweep or --at.
Result<LoadFlags> ParseLoadFlags(const Args& args);
void PrintLoadHelp(std::ostream& os);

// Runs the command; returns the exit code (0 pass, 1 an SLO failed, 2 usage or config, 3 could
// not run, 4 inconclusive, 130 interrupted).
ExitCode RunLoad(const LoadFlags& flags, Environment& env);

// Writes the report in every format asked for, then -o to stdout. Returns kPass, or
// kCouldNotRun when a file could not be written (said on stderr by ReportError).
ExitCode EmitLoadReport(const load::LoadReport& report, const LoadFlags& flags, Environment& env);

}  // namespace meshverify::cli
