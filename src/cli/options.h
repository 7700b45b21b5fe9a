#pragma once
// Option groups shared by several commands, and a Boost.Program_options wrapper that turns
// every parse exception into a one-line usage Status.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/environment.h"
#include "meshverify/config.h"
#include "meshverify/exit_code.h"
#include "meshverify/render.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify::cli {

namespace po = boost::program_options;
using Args = std::vector<std::string>;

// -o FORMAT (what goes to stdout) and one --FLAG PATH per file format of the renderer
// registry (--json, --junit, --markdown, --html), as every report-producing command takes them.
struct OutputFlags {
  const Renderer* stdout_format = FindRenderer("text");
  std::vector<std::pair<const Renderer*, std::string>> files;  // registry order
};

// What AddOutputOptions binds the options to, before ResolveOutput checks it.
struct OutputOptionValues {
  std::string output = "text";
  std::map<std::string, std::string> paths;  // file flag -> PATH ("" when not given)
};
void AddOutputOptions(po::options_description& desc, OutputOptionValues* values);
// Fails with Usage "-o <name>: expected text, json, markdown, junit or html".
Result<OutputFlags> ResolveOutput(const OutputOptionValues& values);

// -o of the commands that print only text or JSON (endpoints, plan, load): true for json.
// Fails with Usage "-o <name>: expected text or json".
Result<bool> ParseTextOrJson(const std::string& output);

// --tolerance and --alpha into `gate` (defaults: the GateOptions defaults).
void AddGateOptions(po::options_description& desc, GateOptions* gate);
// Fails with Usage unless 0 < tolerance <= 0.5, 0 < alpha < 1, 0 <= max_error_rate <= 1.
Status ValidateGate(const GateOptions& gate);

// --context, --kubeconfig, -n/--namespace, as kubectl.
struct KubeFlags {
  std::string context;
  std::string kubeconfig;
  std::string ns;
};
void AddKubeOptions(po::options_description& desc, KubeFlags* k);

// An option value that sets *out only when the option is given.
template <typename T>
po::typed_value<T>* Optional(std::optional<T>* out) {
  return po::value<T>()->notifier([out](const T& v) { *out = v; });
}

// Parses `args` against `desc` (and `positional`, when given) into `vm`. Returns Usage
// "<what is wrong>" (Boost's words) on unknown or malformed options.
Status ParseArgs(const Args& args, const po::options_description& desc,
                 const po::positional_options_description* positional, po::variables_map* vm);

// ParseArgs for a command whose other words are files: they land in *files, in order.
Status ParseArgsAndFiles(const Args& args, const po::options_description& desc,
                         std::vector<std::string>* files, po::variables_map* vm);

// `desc` as --help prints it, with `head` before and `tail` after.
std::string HelpText(const std::string& head, const po::options_description& desc,
                     const std::string& tail);

// Writes the report to every file asked for, then in the -o format to env.out, and returns the
// exit code of its verdict; kCouldNotRun (after trying the rest) when a file cannot be written,
// reported as ReportError(env, command, ...) does.
ExitCode EmitReport(const Report& report, const OutputFlags& output, Environment& env,
                    std::string_view command);

// `s` with every control byte as \xNN: a message of one line, whatever a user or a file put in
// it. ReportError prints every error through it.
std::string OneLine(std::string_view s);

}  // namespace meshverify::cli
