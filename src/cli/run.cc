#include "cli/run.h"

#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/commands.h"

namespace meshverify::cli {
namespace {

struct Command {
  std::string_view name;
  int (*run)(const Args&, Environment&);
  std::string_view summary;
};

constexpr Command kCommands[] = {
    {"check", RunCheck, "verify a live mesh (or the lab): probe, read endpoints, gate"},
    {"analyze", RunAnalyze, "analyze captured answers or request records offline"},
    {"endpoints", RunEndpoints, "parse istioctl / Envoy endpoint views and map them to clusters"},
    {"plan", RunPlan, "requests needed to decide a tolerance at an alpha and power"},
    {"report", RunReport, "render a saved JSON report as text, Markdown, JUnit or HTML"},
    {"merge", RunMerge, "combine JSON reports of several runs or pods into one"},
    {"load", RunLoadCommand, "load and balance experiments over time (windows, faults, SLOs)"},
    {"jobs", RunJobsCommand, "Kubernetes Jobs running meshverify in the mesh; `jobs run` merges"},
    {"version", RunVersion, "version, git commit, build type, compiler and library versions"},
};

void PrintUsage(std::ostream& os) {
  os << "usage: meshverify <command> [options]\n\ncommands:\n";
  for (const Command& c : kCommands) {
    os << "  " << c.name << std::string(12 - c.name.size(), ' ') << c.summary << "\n";
  }
  os << "\nRun 'meshverify <command> --help' for a command's options.\n"
        "Exit codes: 0 passed, 1 verification failed, 2 usage/config/input error,\n"
        "            3 could not run, 4 inconclusive.\n";
}

}  // namespace

int Run(std::span<char* const> argv, Environment& env) {
  if (argv.size() < 2) {
    PrintUsage(*env.err);
    return 2;
  }
  std::string_view word = argv[1];
  if (word == "--help" || word == "-h" || word == "help") {
    PrintUsage(*env.out);
    return 0;
  }
  if (word == "--version") word = "version";
  for (const Command& c : kCommands) {
    if (c.name != word) continue;
    Args args(argv.begin() + 2, argv.end());
    try {
      return c.run(args, env);
    } catch (const std::exception& e) {
      // No exception should get here; if one does, say so rather than abort.
      *env.err << "meshverify " << c.name << ": internal error: " << e.what() << "\n";
      return 3;
    }
  }
  *env.err << "meshverify: unknown command '" << word << "' (see meshverify --help)\n";
  return 2;
}

}  // namespace meshverify::cli
