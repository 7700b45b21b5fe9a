#pragma once
// `meshverify jobs [run] -c mesh.yaml --shards N [--image IMAGE] -- check|load ARGS...`: its
// flags, their parser and the command (cmd_jobs.cc prints the manifests, cmd_jobs_run.cc
// runs them).

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/jobs.h"

namespace meshverify::cli {

struct JobsFlags {
  std::string help;  // the --help text when -h/--help was given, else ""
  bool run = false;  // `jobs run`
  std::string config;
  int shards = 1;
  std::string image;               // default meshverify:<version>
  std::string run_id;              // default: random
  std::string cluster;             // print only this cluster's manifests
  std::string sidecar = "native";  // native | quit
  std::string cpu = "250m", memory = "64Mi", memory_limit = "512Mi";
  std::optional<int64_t> deadline_s;  // activeDeadlineSeconds; default from the command
  int64_t ttl_s = 3600;
  // jobs run
  std::optional<std::chrono::milliseconds> timeout;  // default: the deadline + 60 s
  bool keep = false;
  std::string shard_dir;
  OutputFlags output;
  bool output_given = false;  // any of --json/--junit/--markdown/--html or -o
  // after --
  std::string command;
  std::vector<std::string> command_args;
};

// Parses the words after `jobs` (a first word `run` is `jobs run`). Fails with Usage "<what is
// wrong>" (exit 2).
Result<JobsFlags> ParseJobsFlags(const Args& args);

// The spec for `flags`: reads mesh.yaml, checks the command's arguments (load's own parser),
// finds the destination pods' clusters through kubectl (best effort, said on stderr).
Result<jobs::JobSpec> BuildJobSpec(const JobsFlags& flags, const MeshConfig& mesh,
                                   const std::string& mesh_text, Environment& env);

// `jobs`: prints the manifests, or (flags.run) RunJobsRun.
ExitCode RunJobs(const JobsFlags& flags, Environment& env);
// `jobs run`: applies, waits, collects, merges, writes; the exit code of the merged verdict
// (kCouldNotRun when nothing ran, or a shard is missing and the rest passed).
ExitCode RunJobsRun(const JobsFlags& flags, const MeshConfig& mesh, const jobs::JobSpec& spec,
                    Environment& env);

}  // namespace meshverify::cli
