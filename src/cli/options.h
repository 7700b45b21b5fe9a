#pragma once
// Option groups shared by several commands, and a Boost.Program_options wrapper that turns
// every parse exception into a one-line usage Status.

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify::cli {

namespace po = boost::program_options;

// --json, --junit, --markdown, --html, -o.
struct OutputOptions {
  std::string json_path;
  std::string junit_path;
  std::string markdown_path;
  std::string html_path;
  std::string output = "text";  // stdout format: text | json
};
void AddOutputOptions(po::options_description& desc, OutputOptions* o);

// --tolerance, --alpha, --seed. Defaults: tolerance 0.05, alpha 0.01 (DESIGN.md mesh.yaml gate).
struct GateFlags {
  double tolerance = 0.05;
  double alpha = 0.01;
  std::optional<uint64_t> seed;
};
void AddGateOptions(po::options_description& desc, GateFlags* g);

// --context, --kubeconfig, -n/--namespace, as kubectl.
struct KubeFlags {
  std::string context;
  std::string kubeconfig;
  std::string ns;
};
void AddKubeOptions(po::options_description& desc, KubeFlags* k);

// Parses `args` against `desc` (and `positional`, when given) into `vm`. Returns a Usage
// status "meshverify <command>: <what is wrong>" on unknown or malformed options.
// Sets *help when -h/--help was given (add it to desc yourself to list it).
Status ParseArgs(const std::string& command, const Args& args, const po::options_description& desc,
                 const po::positional_options_description* positional, po::variables_map* vm);

// Validates output options (-o value) and checks gate values (0 < tolerance <= 0.5, 0 < alpha < 1).
Status ValidateOutput(const OutputOptions& o);
Status ValidateGate(const GateFlags& g);

// Writes the report in every format asked for (files), then the -o format to env.out, and
// returns the exit code for its verdict. File write errors are reported and give exit 3.
int EmitReport(const Report& report, const OutputOptions& o, Environment& env);

}  // namespace meshverify::cli
