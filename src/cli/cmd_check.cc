// `meshverify check -c mesh.yaml`: flags -> mesh.yaml with overrides -> the check pipeline
// (check.h) with the exec prober -> report, records file and exit code.
#include <algorithm>
#include <ostream>
#include <string>

#include "cli/check_plan.h"
#include "cli/commands.h"
#include "cli/direct_view.h"
#include "meshverify/check.h"
#include "meshverify/load.h"
#include "meshverify/probe.h"
#include "transport/direct_prober.h"
#include "transport/http_post.h"

namespace meshverify::cli {
namespace {

constexpr char kHelpHead[] =
    "usage: meshverify check -c mesh.yaml [options]\n\n"
    "From every source pod of every cluster, sends requests to the target, reads each\n"
    "sidecar's endpoint view, and gates traffic shares against what the views predict.\n"
    "Exit: 0 passed, 1 failed, 2 usage/config error, 3 could not run, 4 inconclusive,\n"
    "130 interrupted (SIGINT, SIGTERM or SIGHUP: the partial report is still written, marked\n"
    "interrupted; a second signal stops the children and exits at once).\n\n";

// The raw values Boost fills in; ParseCheckFlags checks and converts them.
struct Values {
  std::optional<std::string> timeout, deadline, wait;
  OutputOptionValues output;
  ShardValues shard;
};

po::options_description Describe(CheckFlags* f, Values* v) {
  po::options_description desc("meshverify check options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value(&f->config)->value_name("FILE"), "mesh.yaml (required)")(
      "dry-run", po::bool_switch(&f->dry_run),
      "validate the config and print the plan; run nothing")(
      "requests", Optional(&f->requests)->value_name("N"), "at most N requests per source pod")(
      "looks", Optional(&f->looks)->value_name("K"),
      "analyse at K evenly spaced points, stop once every gate is decided")(
      "concurrency", Optional(&f->concurrency)->value_name("C"), "requests in flight per source")(
      "timeout", Optional(&v->timeout)->value_name("DUR"), "per request (5s, 250ms)")(
      "deadline", Optional(&v->deadline)->value_name("DUR"), "bound of the whole probing phase")(
      "wait", Optional(&v->wait)->value_name("DUR"), "bound of the wait for endpoint convergence")(
      "tolerance", Optional(&f->tolerance)->value_name("D"),
      "a share is balanced within expected ± D")("alpha", Optional(&f->alpha)->value_name("A"),
                                                 "family-wise error rate of the gate")(
      "max-error-rate", Optional(&f->max_error_rate)->value_name("R"),
      "errors / requests above R fail")(
      "exec-requests", po::value(&f->exec_requests)->value_name("N")->default_value(10000),
      "requests per kubectl exec of a source (0 = all in one)")(
      "max-parallel", po::value(&f->max_parallel)->value_name("N")->default_value(16),
      "at most N kubectl execs (probes, preflights) at once over all sources")(
      "seed", Optional(&f->seed)->value_name("N"),
      "derive each exec's framing marker from N: the same run sends the same scripts")(
      "records", po::value(&f->records)->value_name("PATH"), "write every request as JSONL")(
      "gateway", po::value(&f->gateways)->composing()->value_name("CLUSTER=ADDR[:PORT]"),
      "east-west gateway of a cluster (repeatable; added to mesh.yaml's and the discovered)");
  desc.add_options()("direct", po::bool_switch(&f->direct),
                     "send from this process (a Job's pod): no discovery, no endpoint views")(
      "url", po::value(&f->url)->value_name("URL"), "--direct: the target (default mesh.yaml's)")(
      "source-cluster", po::value(&f->source_cluster)->value_name("NAME"),
      "--direct: the cluster this process runs in");
  AddShardOptions(desc, &f->shard, &v->shard);
  AddKubeOptions(desc, &f->kube);
  AddOutputOptions(desc, &v->output);
  return desc;
}

Result<std::optional<std::chrono::milliseconds>> Duration(const std::optional<std::string>& text,
                                                          const std::string& flag, bool zero_ok) {
  if (!text) return std::optional<std::chrono::milliseconds>();
  Result<std::chrono::milliseconds> d = ParseDuration(*text, flag);
  if (!d.ok()) return d.status();
  if (d->count() < 0 || (!zero_ok && d->count() == 0)) {
    return Status::Usage(flag + ": must be positive");
  }
  return std::optional<std::chrono::milliseconds>(*d);
}

// Progress on stderr, drawn only when it is a terminal.
class TerminalProgress : public ProgressSink {
 public:
  explicit TerminalProgress(std::ostream& err) : err_(err) {}
  void Phase(std::string_view what) override { err_ << what << "...\n"; }
  void Probing(uint64_t done, uint64_t of) override {
    err_ << "\rprobing: " << done << "/" << of << " requests" << std::flush;
  }
  void ProbingDone() override { err_ << "\r" << std::string(40, ' ') << "\r" << std::flush; }

 private:
  std::ostream& err_;
};

// The --records file, opened before the run so that every record goes out as it comes (a
// regular file appears, atomically, when the run ends). nullptr when none was asked for.
Result<std::unique_ptr<FileWriter>> OpenRecords(const CheckFlags& flags, Environment& env) {
  if (flags.records.empty()) return std::unique_ptr<FileWriter>();
  return env.fs->OpenWriter(flags.records);
}

// Runs the check with `prober`, then writes the records file, the report and (--quit-sidecar)
// lets the sidecar go: the report is out first. A records file that could not be written is
// exit 3, after the report.
ExitCode CheckAndEmit(const CheckFlags& flags, CheckSettings settings, Prober& prober,
                      Environment& env) {
  Result<std::unique_ptr<FileWriter>> records = OpenRecords(flags, env);
  if (!records.ok()) {
    return ReportError(env, "check", records.status().WithPrefix("could not run"));
  }
  settings.records = records->get();
  TerminalProgress progress(*env.err);
  Result<CheckRun> run =
      ::meshverify::RunCheck(settings, *env.runner, prober, *env.clock, env.interrupted,
                             env.err_is_tty ? &progress : nullptr);
  if (!run.ok()) return ReportError(env, "check", run.status().WithPrefix("could not run"));
  Status records_status = run->records_status;
  if (*records && records_status.ok()) records_status = (*records)->Commit();
  ExitCode code = EmitReport(run->report, flags.output, env, "check");
  if (!records_status.ok()) {
    code = ReportError(env, "check", records_status.WithPrefix("could not run"));
  }
  if (flags.shard.quit_sidecar) {
    if (Status s = HttpPostEmpty(kQuitUrl, std::chrono::seconds(5)); !s.ok()) {
      ReportError(env, "check", s.WithPrefix("--quit-sidecar"));
    }
  }
  return code;
}

// `check --direct`: this process is the one source, shard i of N of the run's requests.
ExitCode RunDirectCheck(const CheckFlags& flags, MeshConfig mesh, Environment& env) {
  CheckSettings settings;
  settings.mesh = mesh;
  if (mesh.expect.from_endpoints) ReadOwnSidecarView(&settings);
  // Without expected shares no gate can stop the run early: the shard sends its whole part.
  if (mesh.expect.from_endpoints && !settings.direct_view) mesh.run.looks = 1;
  settings.config = PlanToJson(flags, mesh);
  settings.config["run"]["mode"] = "direct";
  if (!flags.source_cluster.empty()) settings.config["source_cluster"] = flags.source_cluster;
  const uint64_t part = load::ShardPart(mesh.run.requests, flags.shard.index, flags.shard.count);
  if (flags.shard.count > 1) {
    settings.config["shard"] = {
        {"index", flags.shard.index}, {"count", flags.shard.count}, {"requests", part}};
  }
  if (part == 0) {
    return ReportError(env, "check",
                       Status::Usage("--shard: shard " + std::to_string(flags.shard.index) +
                                     " of " + std::to_string(flags.shard.count) + " of " +
                                     std::to_string(mesh.run.requests) + " requests gets none"));
  }
  mesh.run.requests = part;
  mesh.run.looks = static_cast<int>(std::min<uint64_t>(mesh.run.looks, part));
  settings.mesh = mesh;
  settings.direct_source =
      ProbeSource{flags.source_cluster,
                  flags.shard.source_name.empty() ? "direct" : flags.shard.source_name,
                  "",
                  "",
                  "",
                  ""};
  settings.direct_destinations = flags.shard.instance_clusters;
  settings.direct_destination_ips = flags.shard.instance_ips;
  DirectProber prober(*env.clock);
  return CheckAndEmit(flags, std::move(settings), prober, env);
}

}  // namespace

Result<CheckFlags> ParseCheckFlags(const Args& args) {
  CheckFlags f;
  Values v;
  po::options_description desc = Describe(&f, &v);
  po::variables_map vm;
  if (Status s = ParseArgs(args, desc, nullptr, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText(kHelpHead, desc, "");
    return f;
  }
  if (f.config.empty() && !(f.direct && !f.url.empty())) {
    return Status::Usage("-c/--config FILE is required (or --direct --url URL)");
  }
  if (!f.direct && (!f.url.empty() || !f.source_cluster.empty() || !f.shard.source_name.empty())) {
    return Status::Usage("--url, --source-cluster and --source-name need --direct");
  }
  if (Status s = ParseShardValues(vm, v.shard, &f.shard); !s.ok()) return s;
  Result<OutputFlags> output = ResolveOutput(v.output);
  if (!output.ok()) return output.status();
  f.output = *output;
  if (f.requests && *f.requests == 0) return Status::Usage("--requests: must be positive");
  if (f.looks && (*f.looks < 1 || *f.looks > 100)) {
    return Status::Usage("--looks: must be in [1, 100]");
  }
  if (f.concurrency && (*f.concurrency < 1 || *f.concurrency > 64)) {
    return Status::Usage("--concurrency: must be in [1, 64] (one curl each in the pod)");
  }
  if (f.max_parallel < 1 || f.max_parallel > 1000) {
    return Status::Usage("--max-parallel: must be in [1, 1000]");
  }
  GateOptions gate{f.tolerance.value_or(0.05), f.alpha.value_or(0.01),
                   f.max_error_rate.value_or(0)};
  if (Status s = ValidateGate(gate); !s.ok()) return s;
  auto timeout = Duration(v.timeout, "--timeout", false);
  auto deadline = Duration(v.deadline, "--deadline", false);
  auto wait = Duration(v.wait, "--wait", true);
  for (const auto* d : {&timeout, &deadline, &wait}) {
    if (!d->ok()) return d->status();
  }
  f.timeout = *timeout;
  f.deadline = *deadline;
  f.wait = *wait;
  return f;
}

ExitCode RunCheck(const CheckFlags& flags, Environment& env) {
  Result<MeshConfig> mesh = MeshConfig{};
  if (!flags.config.empty()) {
    Result<std::string> text = ReadFileOrStdin(env, flags.config);
    if (!text.ok()) return ReportError(env, "check", text.status());
    mesh = ParseMeshConfig(*text, flags.config);
    if (!mesh.ok()) return ReportError(env, "check", mesh.status());
  }
  if (!flags.url.empty()) mesh->target.url = flags.url;
  if (Status s = ApplyCheckFlags(flags, &*mesh); !s.ok()) return ReportError(env, "check", s);
  if (flags.direct && !flags.dry_run) return RunDirectCheck(flags, *mesh, env);
  if (flags.dry_run) {
    if (flags.output.stdout_format->name == "json") {
      *env.out << PlanToJson(flags, *mesh).dump(2) << "\n";
    } else {
      PrintPlan(flags, *mesh, *env.out);
    }
    return ExitCode::kPass;
  }
  CheckSettings settings;
  settings.mesh = *mesh;
  settings.config = PlanToJson(flags, *mesh);
  probe::ExecOptions exec;
  exec.exec_requests = flags.exec_requests;
  exec.max_parallel = flags.max_parallel;
  if (flags.seed) exec.markers = probe::SeededMarkers(*flags.seed);
  probe::ExecProber prober(*env.runner, *env.clock, exec);
  return CheckAndEmit(flags, std::move(settings), prober, env);
}

}  // namespace meshverify::cli
