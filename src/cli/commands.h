#pragma once
// One function per command, each in its own file (cmd_<name>.cc). Each takes the words after
// the command name and the Environment, and returns the process exit code of DESIGN.md.

#include <string>
#include <vector>

#include "cli/environment.h"

namespace meshverify::cli {

using Args = std::vector<std::string>;

int RunAnalyze(const Args& args, Environment& env);
int RunCheck(const Args& args, Environment& env);
int RunEndpoints(const Args& args, Environment& env);
int RunPlan(const Args& args, Environment& env);
int RunReport(const Args& args, Environment& env);
int RunMerge(const Args& args, Environment& env);
// `load`: ParseLoadFlags then RunLoad (cli/load_flags.h).
int RunLoadCommand(const Args& args, Environment& env);
int RunVersion(const Args& args, Environment& env);
// `jobs` and `jobs run`: ParseJobsFlags then the manifests or RunJobsRun (cli/jobs_flags.h).
int RunJobsCommand(const Args& args, Environment& env);

}  // namespace meshverify::cli
