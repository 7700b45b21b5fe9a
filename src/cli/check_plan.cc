#include "cli/check_plan.h"

#include <ostream>
#include <sstream>

#include "meshverify/discover.h"

namespace meshverify::cli {
namespace {

struct Flags {
  std::string config;
  KubeFlags kube;
  GateFlags gate;
  OutputOptions output;
  uint64_t requests = 0;
  int looks = 0;
  int concurrency = 0;
  std::string timeout, deadline, wait;
  double max_error_rate = 0;
  uint64_t exec_requests = 10000;
  std::string records;
};

po::options_description Describe(Flags* f) {
  po::options_description desc("meshverify check options");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value(&f->config)->value_name("FILE"), "mesh.yaml (required)")(
      "dry-run", "validate the config and print the plan; run nothing")(
      "requests", po::value(&f->requests)->value_name("N"), "at most N requests per source pod")(
      "looks", po::value(&f->looks)->value_name("K"),
      "analyse at K evenly spaced points, stop once every gate is decided")(
      "concurrency", po::value(&f->concurrency)->value_name("C"), "requests in flight per source")(
      "timeout", po::value(&f->timeout)->value_name("DUR"), "per request (5s, 250ms)")(
      "deadline", po::value(&f->deadline)->value_name("DUR"), "bound of the whole probing phase")(
      "wait", po::value(&f->wait)->value_name("DUR"), "bound of the wait for endpoint convergence")(
      "max-error-rate", po::value(&f->max_error_rate)->value_name("R"),
      "errors / requests above R fail")(
      "exec-requests", po::value(&f->exec_requests)->value_name("N")->default_value(10000),
      "requests per kubectl exec of a source (0 = all in one)")(
      "records", po::value(&f->records)->value_name("PATH"), "write every request as JSONL");
  AddKubeOptions(desc, &f->kube);
  AddGateOptions(desc, &f->gate);
  AddOutputOptions(desc, &f->output);
  return desc;
}

bool Given(const po::variables_map& vm, const char* name) {
  return vm.count(name) != 0 && !vm[name].defaulted();
}

Status ApplyDuration(const po::variables_map& vm, const char* name, const std::string& text,
                     std::chrono::milliseconds* out) {
  if (!Given(vm, name)) return Status::Ok();
  Result<std::chrono::milliseconds> d = ParseDuration(text, std::string("--") + name);
  if (!d.ok()) return Status::Usage(d.status().message());
  if (d->count() <= 0) return Status::Usage(std::string("--") + name + ": must be positive");
  *out = *d;
  return Status::Ok();
}

std::string Seconds(std::chrono::milliseconds d) {
  std::ostringstream os;
  os << static_cast<double>(d.count()) / 1000.0 << "s";
  return os.str();
}

std::string ExpectText(const MeshConfig& m) {
  if (m.expect.from_endpoints) return "shares from each source's own endpoint view (endpoints)";
  std::string out;
  for (const auto& [k, v] : m.expect.shares) {
    out += (out.empty() ? "" : ", ") + k + "=" + std::to_string(v).substr(0, 6);
  }
  return out + " (from mesh.yaml)";
}

}  // namespace

void PrintCheckHelp(std::ostream& os) {
  Flags f;
  os << "usage: meshverify check -c mesh.yaml [options]\n\n"
        "From every source pod of every cluster, sends requests to the target, reads each\n"
        "sidecar's endpoint view, and gates traffic shares against what the views predict.\n"
        "Exit: 0 passed, 1 failed, 2 usage/config error, 3 could not run, 4 inconclusive.\n\n"
     << Describe(&f);
}

Result<CheckPlan> MakeCheckPlan(const Args& args, Environment& env) {
  Flags f;
  po::options_description desc = Describe(&f);
  po::variables_map vm;
  if (Status s = ParseArgs("check", args, desc, nullptr, &vm); !s.ok()) return s;
  CheckPlan plan;
  if (vm.count("help") != 0) {
    plan.help = true;
    return plan;
  }
  if (f.config.empty()) return Status::Usage("meshverify check: -c/--config FILE is required");
  if (Status s = ValidateOutput(f.output); !s.ok()) return s;
  if (Status s = ValidateGate(f.gate); !s.ok()) return s;
  Result<std::string> text = ReadFileOrStdin(env, f.config);
  if (!text.ok()) return Status::InvalidInput(text.status().message());
  Result<MeshConfig> mesh = ParseMeshConfig(*text, f.config);
  if (!mesh.ok()) return mesh.status();
  plan.config_path = f.config;
  plan.mesh = std::move(*mesh);
  MeshConfig& m = plan.mesh;
  if (!f.kube.context.empty()) {
    std::vector<ClusterConfig> kept;
    for (ClusterConfig& c : m.clusters) {
      if (c.context == f.kube.context) kept.push_back(std::move(c));
    }
    if (kept.empty()) {
      return Status::Usage("--context " + f.kube.context + ": no cluster in " + f.config +
                           " has this context");
    }
    m.clusters = std::move(kept);
  }
  if (!f.kube.kubeconfig.empty()) {
    for (ClusterConfig& c : m.clusters) c.kubeconfig = f.kube.kubeconfig;
  }
  if (!f.kube.ns.empty()) m.source.ns = f.kube.ns;
  if (Given(vm, "requests")) {
    if (f.requests == 0) return Status::Usage("--requests: must be positive");
    m.run.requests = f.requests;
  }
  if (Given(vm, "looks")) {
    if (f.looks < 1 || f.looks > 100) return Status::Usage("--looks: must be in [1, 100]");
    m.run.looks = f.looks;
  }
  if (static_cast<uint64_t>(m.run.looks) > m.run.requests) {
    return Status::Usage("--looks: more looks (" + std::to_string(m.run.looks) + ") than requests (" +
                         std::to_string(m.run.requests) + ")");
  }
  if (Given(vm, "concurrency")) {
    if (f.concurrency < 1 || f.concurrency > 64) {
      return Status::Usage("--concurrency: must be in [1, 64] (one curl each in the pod)");
    }
    m.run.concurrency = f.concurrency;
  }
  if (Status s = ApplyDuration(vm, "timeout", f.timeout, &m.run.timeout); !s.ok()) return s;
  if (Status s = ApplyDuration(vm, "deadline", f.deadline, &m.run.deadline); !s.ok()) return s;
  if (Given(vm, "wait")) {
    Result<std::chrono::milliseconds> d = ParseDuration(f.wait, "--wait");
    if (!d.ok()) return Status::Usage(d.status().message());
    m.run.wait = *d;  // 0 = read the views once
  }
  if (Given(vm, "tolerance")) m.gate.tolerance = f.gate.tolerance;
  if (Given(vm, "alpha")) m.gate.alpha = f.gate.alpha;
  if (Given(vm, "max-error-rate")) {
    if (!(f.max_error_rate >= 0 && f.max_error_rate <= 1)) {
      return Status::Usage("--max-error-rate: must be in [0, 1]");
    }
    m.gate.max_error_rate = f.max_error_rate;
  }
  plan.output = f.output;
  plan.dry_run = vm.count("dry-run") != 0;
  plan.records_path = f.records;
  plan.exec_requests = f.exec_requests;
  return plan;
}

void PrintPlan(const CheckPlan& plan, std::ostream& os) {
  const MeshConfig& m = plan.mesh;
  const std::string dst_ns = m.target.ns.empty() ? m.source.ns : m.target.ns;
  os << "meshverify check: plan for " << plan.config_path << " (dry run: nothing is run)\n";
  os << "clusters:\n";
  for (const ClusterConfig& c : m.clusters) {
    os << "  " << c.name << ": context " << (c.context.empty() ? "(current)" : c.context)
       << ", kubeconfig " << (c.kubeconfig.empty() ? "(default)" : c.kubeconfig) << ", pod CIDRs ";
    for (size_t i = 0; i < c.pod_cidrs.size(); ++i) os << (i ? " " : "") << c.pod_cidrs[i];
    if (c.pod_cidrs.empty()) os << "(none: endpoints mapped by destination pod IP)";
    os << "\n";
  }
  os << "sources:     pods -n " << m.source.ns << " -l " << m.source.selector
     << " (Running and Ready), container " << m.source.container << ", in every cluster\n";
  os << "target:      " << m.target.url << "\n";
  os << "             Envoy cluster " << m.target.envoy_cluster << "; destinations -n " << dst_ns
     << " -l " << m.target.destinations << "\n";
  os << "expect:      " << ExpectText(m) << "\n";
  os << "gate:        tolerance " << m.gate.tolerance << ", alpha " << m.gate.alpha
     << ", max error rate " << m.gate.max_error_rate << "\n";
  os << "run:         " << m.run.requests << " requests per source at most, in " << m.run.looks
     << (m.run.looks == 1 ? " look" : " looks") << ", concurrency "
     << m.run.concurrency << ", timeout " << Seconds(m.run.timeout) << " per request, deadline "
     << Seconds(m.run.deadline) << ", convergence wait " << Seconds(m.run.wait) << "\n";
  os << "commands:\n";
  for (const ClusterConfig& c : m.clusters) {
    std::vector<std::string> get = discover::GetPodsArgv(c, m.source.ns, m.source.selector);
    std::string line;
    for (const std::string& w : get) line += (line.empty() ? "" : " ") + w;
    os << "  " << line << "\n";
  }
  os << "  istioctl -n " << m.source.ns << " --context CTX proxy-config endpoints POD --cluster '"
     << m.target.envoy_cluster << "' -o json   (per source pod)\n";
  os << "  kubectl exec -n " << m.source.ns << " -c " << m.source.container
     << " --context CTX POD -- sh -c '<curl --parallel script>'   (per source pod, "
     << "one per batch)\n";
}

nlohmann::json PlanToJson(const CheckPlan& plan) {
  const MeshConfig& m = plan.mesh;
  nlohmann::json clusters = nlohmann::json::array();
  for (const ClusterConfig& c : m.clusters) {
    clusters.push_back({{"name", c.name}, {"context", c.context}, {"pod_cidrs", c.pod_cidrs}});
  }
  nlohmann::json expect = "endpoints";
  if (!m.expect.from_endpoints) expect = m.expect.shares;
  auto secs = [](std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; };
  return {{"command", "check"},
          {"config_file", plan.config_path},
          {"clusters", clusters},
          {"source",
           {{"namespace", m.source.ns},
            {"selector", m.source.selector},
            {"container", m.source.container}}},
          {"target",
           {{"url", m.target.url},
            {"envoy_cluster", m.target.envoy_cluster},
            {"destinations", m.target.destinations},
            {"namespace", m.target.ns.empty() ? m.source.ns : m.target.ns}}},
          {"expect", expect},
          {"gate", GateOptionsToJson(m.gate)},
          {"run",
           {{"requests", m.run.requests},
            {"looks", m.run.looks},
            {"concurrency", m.run.concurrency},
            {"timeout_s", secs(m.run.timeout)},
            {"deadline_s", secs(m.run.deadline)},
            {"wait_s", secs(m.run.wait)},
            {"exec_requests", plan.exec_requests},
            {"mode", "exec"}}}};
}

}  // namespace meshverify::cli
