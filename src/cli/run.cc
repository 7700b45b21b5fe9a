#include "cli/run.h"

#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/jobs_flags.h"
#include "cli/load_flags.h"
#include "meshverify/redact.h"

namespace meshverify::cli {
namespace {

// The command table: name, summary, and its ParseXFlags/RunX pair.
struct Command {
  std::string_view name;
  std::string_view summary;
  ExitCode (*run)(const Args& args, Environment& env);
};

constexpr Command kCommands[] = {
    {"check", "verify a live mesh (or the lab): probe, read endpoints, gate",
     [](const Args& a, Environment& e) { return ParseAndRun("check", ParseCheckFlags, RunCheck, a, e); }},
    {"analyze", "analyze captured answers or request records offline",
     [](const Args& a, Environment& e) {
       return ParseAndRun("analyze", ParseAnalyzeFlags, RunAnalyze, a, e);
     }},
    {"endpoints", "parse istioctl / Envoy endpoint views and map them to clusters",
     [](const Args& a, Environment& e) {
       return ParseAndRun("endpoints", ParseEndpointsFlags, RunEndpoints, a, e);
     }},
    {"plan", "requests needed to decide a tolerance at an alpha and power",
     [](const Args& a, Environment& e) { return ParseAndRun("plan", ParsePlanFlags, RunPlan, a, e); }},
    {"report", "render a saved JSON report as text, Markdown, JUnit or HTML",
     [](const Args& a, Environment& e) {
       return ParseAndRun("report", ParseReportFlags, RunReport, a, e);
     }},
    {"merge", "combine JSON reports of several runs or pods into one",
     [](const Args& a, Environment& e) { return ParseAndRun("merge", ParseMergeFlags, RunMerge, a, e); }},
    {"load", "load and balance experiments over time (windows, faults, SLOs)",
     [](const Args& a, Environment& e) { return ParseAndRun("load", ParseLoadFlags, RunLoad, a, e); }},
    {"jobs", "Kubernetes Jobs running meshverify in the mesh; `jobs run` runs and merges them",
     [](const Args& a, Environment& e) { return ParseAndRun("jobs", ParseJobsFlags, RunJobs, a, e); }},
    {"version", "version, git commit, build type, compiler and library versions",
     [](const Args& a, Environment& e) {
       return ParseAndRun("version", ParseVersionFlags, RunVersion, a, e);
     }},
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

ExitCode Dispatch(std::span<char* const> argv, Environment& env) {
  if (argv.size() < 2) {
    PrintUsage(*env.err);
    return ExitCode::kUsage;
  }
  std::string_view word = argv[1];
  if (word == "--help" || word == "-h" || word == "help") {
    PrintUsage(*env.out);
    return ExitCode::kPass;
  }
  if (word == "--version") word = "version";
  for (const Command& c : kCommands) {
    if (c.name != word) continue;
    Args args(argv.begin() + 2, argv.end());
    try {
      return c.run(args, env);
    } catch (const std::exception& e) {
      // No exception should get here; if one does, say so rather than abort.
      return ReportError(env, c.name, Status::Internal(std::string("internal error: ") + e.what()));
    }
  }
  std::string message(1, '\'');
  message.append(word).append("' is not a command (see meshverify --help)");
  return ReportError(env, "", Status::Usage(message));
}

}  // namespace

ExitCode ReportError(Environment& env, std::string_view command, const Status& status) {
  *env.err << "meshverify " << command << (command.empty() ? "" : ": ")
           << OneLine(RedactUrls(status.message())) << "\n";
  return status.ExitCode();
}

int Run(std::span<char* const> argv, Environment& env) { return ToInt(Dispatch(argv, env)); }

}  // namespace meshverify::cli
