// `meshverify jobs`: flags, the spec and the printed manifests (`jobs run` is cmd_jobs_run.cc).
#include <ostream>
#include <random>

#include "cli/jobs_flags.h"
#include "cli/load_flags.h"
#include "meshverify/config.h"
#include "meshverify/discover.h"

namespace meshverify::cli {
namespace {

struct Raw {
  std::string timeout;
  int64_t deadline = 0;
  OutputOptionValues output;
};

constexpr char kHelpHead[] =
    "usage: meshverify jobs [run] -c mesh.yaml --shards N [--image IMAGE] -- check|load ARGS...\n\n"
    "Prints, per cluster of mesh.yaml, an Indexed Job in the source namespace whose N pods run\n"
    "meshverify in direct mode through their own sidecar, as --shard i/N, each writing its JSON\n"
    "report to its log (pipe each cluster's part to `kubectl --context CTX apply -f -`, or use\n"
    "--cluster). `jobs run` applies them, waits, reads every shard's report (kubectl logs),\n"
    "merges them exactly, writes the merged report and deletes the Jobs. Shards that failed or\n"
    "never finished are listed by name with their planned requests.\n\n";
constexpr char kHelpTail[] =
    "\nExit (run): 0 passed, 1 failed, 2 usage/config, 3 could not run or a shard is missing,\n"
    "4 inconclusive, 130 interrupted.\n";

po::options_description Describe(JobsFlags* f, Raw* r) {
  po::options_description d("meshverify jobs options");
  d.add_options()("help,h", "show this help")("config,c", po::value(&f->config)->value_name("FILE"),
                                              "mesh.yaml (required)")(
      "shards", po::value(&f->shards)->value_name("N"), "pods per cluster (default 1)")(
      "image", po::value(&f->image)->value_name("IMAGE"), "meshverify's image")(
      "run-id", po::value(&f->run_id)->value_name("ID"), "[a-z0-9]{1,12}; default random")(
      "cluster", po::value(&f->cluster)->value_name("NAME"), "print only this cluster's")(
      "sidecar", po::value(&f->sidecar)->value_name("MODE"),
      "native (default: Istio native sidecar) | quit (meshverify POSTs /quitquitquit)")(
      "cpu", po::value(&f->cpu)->value_name("Q"), "CPU request per pod (default 250m)")(
      "memory", po::value(&f->memory)->value_name("Q"), "memory request (default 64Mi)")(
      "memory-limit", po::value(&f->memory_limit)->value_name("Q"), "default 512Mi")(
      "deadline", po::value(&r->deadline)->value_name("S"),
      "activeDeadlineSeconds (default: the run's length + 300)")(
      "ttl", po::value(&f->ttl_s)->value_name("S"), "ttlSecondsAfterFinished (default 3600)")(
      "timeout", po::value(&r->timeout)->value_name("D"),
      "jobs run: wait at most D (default: the deadline + 60s)")(
      "keep", po::bool_switch(&f->keep), "jobs run: leave the Jobs in the clusters")(
      "shard-dir", po::value(&f->shard_dir)->value_name("DIR"),
      "jobs run: keep each shard's report there");
  AddOutputOptions(d, &r->output);
  return d;
}

std::string RandomId(Environment& env) {
  std::random_device rd;
  std::mt19937_64 rng(rd() ^ static_cast<uint64_t>(env.clock->Now().time_since_epoch().count()));
  const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string id;
  for (int i = 0; i < 8; ++i) id += alphabet[rng() % 36];
  return id;
}

// Destination pod -> cluster, through each cluster's kubectl; best effort.
// Destination pod -> its cluster, and -> its IP in *ips.
std::map<std::string, std::string> Destinations(const MeshConfig& m, Environment& env,
                                                std::map<std::string, std::string>* ips) {
  std::map<std::string, std::string> out;
  for (const ClusterConfig& c : m.clusters) {
    const std::string ns = m.target.ns.empty() ? m.source.ns : m.target.ns;
    Result<std::vector<PodInfo>> pods = discover::ListPods(
        *env.runner, c, ns, m.target.destinations, std::chrono::milliseconds(30000));
    if (!pods.ok()) {
      ReportError(env, "jobs",
                  pods.status().WithPrefix(c.name + ": destination pods unknown (answers will "
                                                    "count as cluster 'unknown')"));
      continue;
    }
    for (const PodInfo& p : *pods) {
      out[p.name] = c.name;
      if (!p.ip.empty()) (*ips)[p.name] = p.ip;
    }
  }
  return out;
}

}  // namespace

Result<JobsFlags> ParseJobsFlags(const Args& all) {
  JobsFlags f;
  Args mine = all;
  if (!mine.empty() && mine[0] == "run") {
    f.run = true;
    mine.erase(mine.begin());
  }
  auto dash = std::find(mine.begin(), mine.end(), "--");
  if (dash != mine.end()) {
    if (dash + 1 != mine.end()) f.command = *(dash + 1);
    if (dash + 1 != mine.end()) f.command_args.assign(dash + 2, mine.end());
    mine.erase(dash, mine.end());
  }
  Raw raw;
  po::options_description desc = Describe(&f, &raw);
  po::variables_map vm;
  if (Status s = ParseArgs(mine, desc, nullptr, &vm); !s.ok()) return s;
  if (vm.count("help")) {
    f.help = HelpText(kHelpHead, desc, kHelpTail);
    return f;
  }
  auto bad = [](const std::string& why) { return Status::Usage(why); };
  if (f.config.empty()) return bad("-c/--config mesh.yaml is required");
  if (f.command.empty())
    return bad("give the command after --: -- check ARGS... or -- load ARGS...");
  if (f.sidecar != "native" && f.sidecar != "quit")
    return bad("--sidecar: expected native or quit");
  if (vm.count("deadline")) f.deadline_s = raw.deadline;
  if (vm.count("timeout")) {
    Result<std::chrono::milliseconds> t = ParseDuration(raw.timeout, "--timeout");
    if (!t.ok() || t->count() <= 0)
      return bad("--timeout '" + raw.timeout + "': expected e.g. 10m");
    f.timeout = *t;
  }
  Result<OutputFlags> out = ResolveOutput(raw.output);
  if (!out.ok()) return out.status();
  f.output = *out;
  f.output_given = !f.output.files.empty() || !vm["output"].defaulted();
  if (!f.run && (!f.shard_dir.empty() || f.keep || f.timeout || f.output_given)) {
    return bad(
        "--timeout, --keep, --shard-dir, -o, --json, --junit, --markdown and --html are for "
        "`jobs run`");
  }
  return f;
}

Result<jobs::JobSpec> BuildJobSpec(const JobsFlags& f, const MeshConfig& mesh,
                                   const std::string& mesh_text, Environment& env) {
  jobs::JobSpec s;
  s.command = f.command;
  s.args = f.command_args;
  s.run_id = f.run_id.empty() ? RandomId(env) : f.run_id;
  s.shards = f.shards;
  s.image = f.image.empty() ? "meshverify:" MESHVERIFY_VERSION : f.image;
  s.sidecar = f.sidecar == "quit" ? jobs::SidecarMode::kQuit : jobs::SidecarMode::kNative;
  s.url = mesh.target.url;
  s.mesh_yaml = mesh_text;
  s.cpu_request = f.cpu;
  s.memory_request = f.memory;
  s.memory_limit = f.memory_limit;
  s.ttl_after_finished_s = f.ttl_s;
  if (Status st = jobs::ValidateSpec(mesh, s); !st.ok()) return st;
  double run_s = 600;
  if (s.command == "load") {  // its own parser checks the arguments now, not in the pods
    Args a = {"--direct", "--url", s.url};
    a.insert(a.end(), s.args.begin(), s.args.end());
    Result<LoadFlags> lf = ParseLoadFlags(a);
    if (!lf.ok()) return lf.status().WithPrefix("-- load");
    const double duration =
        lf->duration.count() > 0 || lf->requests ? lf->duration.count() / 1e3 : 10;
    s.duration_s = duration;
    s.requests = lf->requests.value_or(0);
    const size_t steps = lf->sweep ? lf->sweep->values.size() : 1;
    for (size_t i = 0; i < steps; ++i) {
      s.step_rates.push_back(lf->sweep && lf->sweep->axis == "rate" ? lf->sweep->values[i]
                                                                    : lf->rate.value_or(0));
    }
    const double timeout = lf->timeout ? lf->timeout->count() / 1e3 : 5;
    run_s = static_cast<double>(steps) * (duration + 1) + 2 * timeout;
  }
  if (s.command == "check") {  // its own parser checks the arguments now, not in the pods
    Args a = {"-c", f.config};
    a.insert(a.end(), s.args.begin(), s.args.end());
    Result<CheckFlags> cf = ParseCheckFlags(a);
    if (!cf.ok()) return cf.status().WithPrefix("-- check");
    s.requests = cf->requests.value_or(mesh.run.requests);
    const auto deadline = cf->deadline.value_or(mesh.run.deadline);
    run_s = static_cast<double>(deadline.count()) / 1e3 + 30;
  }
  s.active_deadline_s = f.deadline_s.value_or(static_cast<int64_t>(run_s) + 300);
  if (Status st = jobs::ValidateSpec(mesh, s); !st.ok()) return st;
  s.instance_clusters = Destinations(mesh, env, &s.instance_ips);
  return s;
}

ExitCode RunJobs(const JobsFlags& f, Environment& env) {
  Result<std::string> text = ReadFileOrStdin(env, f.config);
  if (!text.ok()) return ReportError(env, "jobs", Status::InvalidInput(text.status().message()));
  Result<MeshConfig> mesh = ParseMeshConfig(*text, f.config);
  if (!mesh.ok()) return ReportError(env, "jobs", mesh.status());
  if (!f.cluster.empty()) {
    auto& cs = mesh->clusters;
    cs.erase(std::remove_if(cs.begin(), cs.end(),
                            [&](const ClusterConfig& c) { return c.name != f.cluster; }),
             cs.end());
    if (cs.empty()) {
      return ReportError(env, "jobs",
                         Status::Usage("--cluster " + f.cluster + ": not in " + f.config));
    }
  }
  Result<jobs::JobSpec> spec = BuildJobSpec(f, *mesh, *text, env);
  if (!spec.ok()) return ReportError(env, "jobs", spec.status());
  if (f.run) return RunJobsRun(f, *mesh, *spec, env);
  for (const jobs::ClusterManifests& m : jobs::BuildManifests(*mesh, *spec)) {
    std::string header = "meshverify jobs: run " + spec->run_id + ", " +
                         std::to_string(spec->shards) + " shards of `" + spec->command +
                         "` in cluster " + m.cluster + "\nkubectl --context " + m.context +
                         " apply -f -";
    *env.out << jobs::ToYaml(m.objects, header);
  }
  return ExitCode::kPass;
}

}  // namespace meshverify::cli
