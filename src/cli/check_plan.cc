// `meshverify check`: mesh.yaml plus the flag overrides, the --dry-run plan, the report config.
#include "cli/check_plan.h"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "meshverify/analyze.h"
#include "meshverify/discover.h"
#include "meshverify/probe.h"
#include "meshverify/redact.h"
#include "meshverify/ip.h"

namespace meshverify::cli {
namespace {

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

Status ApplyCheckFlags(const CheckFlags& f, MeshConfig* mesh) {
  MeshConfig& m = *mesh;
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
  for (const std::string& arg : f.gateways) {
    size_t eq = arg.find('=');
    if (eq == 0 || eq == std::string::npos) {
      return Status::Usage("--gateway " + arg + ": expected CLUSTER=ADDR[:PORT]");
    }
    std::string name = arg.substr(0, eq), addr = arg.substr(eq + 1);
    Result<GatewayAddress> g = ParseGatewayAddress(addr);
    if (!g.ok()) return Status::Usage("--gateway " + arg + ": " + g.status().message());
    auto it = std::find_if(m.clusters.begin(), m.clusters.end(),
                           [&](const ClusterConfig& c) { return c.name == name; });
    if (it == m.clusters.end()) {
      return Status::Usage("--gateway " + arg + ": no cluster " + name + " in " + f.config);
    }
    it->gateways.push_back(addr);
  }
  if (f.requests) m.run.requests = *f.requests;
  if (f.looks) m.run.looks = *f.looks;
  if (static_cast<uint64_t>(m.run.looks) > m.run.requests) {
    return Status::Usage("--looks: more looks (" + std::to_string(m.run.looks) +
                         ") than requests (" + std::to_string(m.run.requests) + ")");
  }
  if (f.concurrency) m.run.concurrency = *f.concurrency;
  if (f.timeout) m.run.timeout = *f.timeout;
  if (f.deadline) m.run.deadline = *f.deadline;
  if (f.wait) m.run.wait = *f.wait;  // 0 = read the views once
  if (m.run.timeout > m.run.deadline) {  // as mesh.yaml's run.timeout is refused
    return Status::Usage(std::string(f.timeout ? "--timeout " : "run.timeout ") +
                         Seconds(m.run.timeout) + ": longer than " +
                         (f.deadline ? "--deadline " : "run.deadline ") + Seconds(m.run.deadline));
  }
  if (f.tolerance) m.gate.tolerance = *f.tolerance;
  if (f.alpha) m.gate.alpha = *f.alpha;
  if (f.max_error_rate) m.gate.max_error_rate = *f.max_error_rate;
  return Status::Ok();
}

namespace {

// `word` as the shell reads it back: bare when it holds only safe characters, else quoted, so a
// printed command is safe to paste whatever mesh.yaml holds.
std::string PasteSafe(std::string_view word) {
  constexpr std::string_view kSafe =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-";
  if (!word.empty() && word.find_first_not_of(kSafe) == std::string_view::npos) {
    return std::string(word);
  }
  return probe::ShellQuote(word);
}

}  // namespace

void PrintPlan(const CheckFlags& flags, const MeshConfig& m, std::ostream& os) {
  const std::string dst_ns = m.target.ns.empty() ? m.source.ns : m.target.ns;
  os << "meshverify check: plan for " << flags.config << " (dry run: nothing is run)\n";
  os << "clusters:\n";
  for (const ClusterConfig& c : m.clusters) {
    os << "  " << c.name << ": context " << (c.context.empty() ? "(current)" : c.context)
       << ", kubeconfig " << (c.kubeconfig.empty() ? "(default)" : c.kubeconfig) << ", pod CIDRs ";
    for (size_t i = 0; i < c.pod_cidrs.size(); ++i) os << (i ? " " : "") << c.pod_cidrs[i];
    if (c.pod_cidrs.empty()) os << "(none: endpoints mapped by destination pod IP)";
    if (!c.gateways.empty()) {
      os << "; gateways";
      for (const std::string& g : c.gateways) os << " " << g;
    }
    os << "\n";
  }
  os << "sources:     pods -n " << m.source.ns << " -l " << m.source.selector
     << " (Running and Ready), container " << m.source.container << ", in every cluster\n";
  os << "target:      " << RedactUrl(m.target.url) << "\n";
  os << "             Envoy cluster " << m.target.envoy_cluster << "; destinations -n " << dst_ns
     << " -l " << m.target.destinations << "\n";
  os << "expect:      " << ExpectText(m) << "\n";
  os << "gate:        tolerance " << m.gate.tolerance << ", alpha " << m.gate.alpha
     << ", max error rate " << m.gate.max_error_rate << "\n";
  os << "run:         " << m.run.requests << " requests per source at most, in " << m.run.looks
     << (m.run.looks == 1 ? " look" : " looks") << ", concurrency " << m.run.concurrency
     << ", timeout " << Seconds(m.run.timeout) << " per request, deadline "
     << Seconds(m.run.deadline) << ", convergence wait " << Seconds(m.run.wait) << "\n";
  os << "commands:\n";
  for (const ClusterConfig& c : m.clusters) {
    std::vector<std::string> get = discover::GetPodsArgv(c, m.source.ns, m.source.selector);
    std::string line;
    for (const std::string& w : get) {
      if (!line.empty()) line += ' ';
      line += PasteSafe(w);
    }
    os << "  " << line << "\n";
  }
  os << "  istioctl -n " << PasteSafe(m.source.ns)
     << " --context CTX proxy-config endpoints POD --cluster " << PasteSafe(m.target.envoy_cluster)
     << " -o json   # per source pod\n";
  os << "  kubectl exec -n " << PasteSafe(m.source.ns) << " -c " << PasteSafe(m.source.container)
     << " --context CTX POD -- sh -c '<curl --parallel script>'   # per source pod, "
     << "one per batch\n";
}

nlohmann::json PlanToJson(const CheckFlags& flags, const MeshConfig& m) {
  nlohmann::json clusters = nlohmann::json::array();
  for (const ClusterConfig& c : m.clusters) {
    clusters.push_back({{"name", c.name}, {"context", c.context}, {"pod_cidrs", c.pod_cidrs}});
    if (!c.gateways.empty()) clusters.back()["gateways"] = c.gateways;
  }
  nlohmann::json expect = "endpoints";
  if (!m.expect.from_endpoints) expect = m.expect.shares;
  auto secs = [](std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; };
  nlohmann::json j = {{"command", "check"},
                      {"config_file", flags.config},
                      {"clusters", clusters},
                      {"source",
                       {{"namespace", m.source.ns},
                        {"selector", m.source.selector},
                        {"container", m.source.container}}},
                      {"target",
                       {{"url", RedactUrl(m.target.url)},
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
                        {"exec_requests", flags.exec_requests},
                        {"mode", "exec"}}}};
  if (flags.seed) j["seed"] = *flags.seed;
  return j;
}

}  // namespace meshverify::cli
