#pragma once
// `meshverify check`: options -> plan (mesh.yaml plus flag overrides), and the plan printed by
// --dry-run and stored as the report's `config`.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/analyze.h"
#include "meshverify/config.h"

namespace meshverify::cli {

struct CheckPlan {
  std::string config_path;
  MeshConfig mesh;  // with the flag overrides applied (mesh.gate: --tolerance, --alpha, ...)
  OutputOptions output;
  bool dry_run = false;
  bool help = false;
  std::string records_path;  // --records: every request as JSONL
  uint64_t exec_requests = 10000;  // --exec-requests: requests per kubectl exec, 0 = all
};

// Parses the command line and reads the config. Fails with Usage (bad flags) or InvalidInput
// (mesh.yaml errors, "<file>:<line>: <key>: <reason>"); both exit 2. Sets help (and prints
// nothing) on -h/--help.
Result<CheckPlan> MakeCheckPlan(const Args& args, Environment& env);

// Writes --help text.
void PrintCheckHelp(std::ostream& os);

// The plan as a person reads it: clusters, contexts, sources, target, expectation, gate, run,
// and the commands that would run. Runs nothing.
void PrintPlan(const CheckPlan& plan, std::ostream& os);

// Effective settings for Report::config (no kubeconfig contents, no credentials).
nlohmann::json PlanToJson(const CheckPlan& plan);

}  // namespace meshverify::cli
