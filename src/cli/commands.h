#pragma once
// Every command has one shape: a flags struct, ParseXFlags(args) -> Result<XFlags> (flags only:
// no file, no cluster), and RunX(flags, env) -> ExitCode, in src/cli/cmd_<x>.cc. The table in
// run.cc binds a name to them through ParseAndRun, which also prints --help and reports a
// parse error. Every error goes through ReportError. A new command: a section here, a
// cmd_<x>.cc and a row in run.cc.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/environment.h"
#include "cli/options.h"
#include "cli/shard_flags.h"
#include "meshverify/config.h"
#include "meshverify/endpoint_parsers.h"
#include "meshverify/exit_code.h"
#include "meshverify/ingest.h"
#include "meshverify/status.h"

namespace meshverify::cli {

// The one error reporter: "meshverify <command>: <message>" on env.err ("meshverify <message>"
// when `command` is "": for messages that already start with it, as stats::PlanRequests's
// "plan: ..."), and the exit code of the status's code (usage and input errors 2, could not run
// 3). Never looks at the message.
ExitCode ReportError(Environment& env, std::string_view command, const Status& status);

// Parses `args` with `parse`; prints the help when asked (and runs nothing); else runs.
template <typename Flags>
ExitCode ParseAndRun(std::string_view command, Result<Flags> (*parse)(const Args&),
                     ExitCode (*run)(const Flags&, Environment&), const Args& args,
                     Environment& env) {
  Result<Flags> flags = parse(args);
  if (!flags.ok()) return ReportError(env, command, flags.status());
  if (!flags->help.empty()) {
    *env.out << flags->help;
    return ExitCode::kPass;
  }
  return run(*flags, env);
}

// Every flags struct has `help`: the --help text when -h/--help was given, else "".

// `check -c mesh.yaml`: the live check. Overrides are set only when given.
struct CheckFlags {
  std::string config;
  KubeFlags kube;
  std::optional<uint64_t> requests;
  std::optional<int> looks, concurrency;
  std::optional<std::chrono::milliseconds> timeout, deadline, wait;
  std::optional<double> tolerance, alpha, max_error_rate;
  uint64_t exec_requests = 10000;  // requests per kubectl exec, 0 = all
  int max_parallel = 16;           // kubectl execs at once, over all sources
  std::optional<uint64_t> seed;    // reproducible exec scripts (seeded markers)
  std::string records;             // --records PATH: every request as JSONL
  std::vector<std::string> gateways;  // --gateway CLUSTER=ADDR[:PORT], added to the config's
  bool dry_run = false;
  // --direct: requests from this process (DirectProber), no discovery (a Job's pod); -c is
  // optional with --url. --source-cluster names the source's cluster; shard: --shard I/N,
  // --source-name, --instance-cluster, --quit-sidecar.
  bool direct = false;
  std::string url, source_cluster;
  ShardFlags shard;
  OutputFlags output;
  std::string help;
};
Result<CheckFlags> ParseCheckFlags(const Args& args);
ExitCode RunCheck(const CheckFlags& flags, Environment& env);

// `analyze [FILE...|-]`: captured answers or records, offline.
struct AnalyzeFlags {
  std::vector<std::string> files;  // "-" when none given
  InputFormat format = InputFormat::kAuto;
  std::string pattern;
  std::map<std::string, double> expect;  // --expect; empty = not gated
  std::string expect_note;               // ParseShareList's note when the shares were normalised
  GateOptions gate;
  OutputFlags output;
  std::string help;
};
Result<AnalyzeFlags> ParseAnalyzeFlags(const Args& args);
ExitCode RunAnalyze(const AnalyzeFlags& flags, Environment& env);

// `endpoints [FILE...|-]`: sidecar endpoint views mapped to clusters.
struct EndpointsFlags {
  std::vector<std::string> files;  // "-" when none given
  EndpointFormat format = EndpointFormat::kAuto;
  std::string envoy_cluster;
  std::vector<std::string> cidrs;         // CLUSTER=CIDR
  std::vector<std::string> kind_configs;  // CLUSTER=PATH
  std::vector<std::string> gateways;      // CLUSTER=ADDR[:PORT]
  std::string config;                     // mesh.yaml
  bool json = false;                      // -o json
  std::string help;
};
Result<EndpointsFlags> ParseEndpointsFlags(const Args& args);
ExitCode RunEndpoints(const EndpointsFlags& flags, Environment& env);

// `plan`: requests per source to decide a tolerance.
struct PlanFlags {
  GateOptions gate;
  double power = 0.9;
  std::string expect;
  int categories = 2;
  bool categories_given = false;
  bool json = false;  // -o json
  std::string help;
};
Result<PlanFlags> ParsePlanFlags(const Args& args);
ExitCode RunPlan(const PlanFlags& flags, Environment& env);

// `report FILE.json`: a saved report rendered again; the exit code is its verdict.
struct ReportFlags {
  std::string file;  // "-" = stdin
  OutputFlags output;
  bool list_formats = false;  // --list-formats: "name extension" per output format
  std::string help;
};
Result<ReportFlags> ParseReportFlags(const Args& args);
ExitCode RunReport(const ReportFlags& flags, Environment& env);

// `merge FILE.json...`: several reports into one.
struct MergeFlags {
  std::vector<std::string> files;
  std::optional<double> tolerance, alpha, max_error_rate;  // override the reports' config
  OutputFlags output;
  std::string help;
};
Result<MergeFlags> ParseMergeFlags(const Args& args);
ExitCode RunMerge(const MergeFlags& flags, Environment& env);

// `load`: LoadFlags, ParseLoadFlags and RunLoad are in cli/load_flags.h (cmd_load.cc).

// `jobs` and `jobs run`: JobsFlags, ParseJobsFlags, RunJobs and RunJobsRun are in
// cli/jobs_flags.h (cmd_jobs.cc, cmd_jobs_run.cc).

// `version` (also --version): the version and what the build was made of.
struct VersionFlags {
  std::string help;
};
Result<VersionFlags> ParseVersionFlags(const Args& args);
ExitCode RunVersion(const VersionFlags& flags, Environment& env);

}  // namespace meshverify::cli
