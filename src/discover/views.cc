// Sidecar endpoint views and convergence (discover.h).
#include <set>

#include "discover/util.h"
#include "meshverify/discover.h"

namespace meshverify::discover {

std::string SourceKey(const PodInfo& pod) { return pod.cluster + "/" + pod.name; }

std::vector<std::string> IstioctlEndpointsArgv(const ClusterConfig& cluster, const PodInfo& pod,
                                               const std::string& envoy_cluster) {
  std::vector<std::string> argv = {"istioctl", "-n", pod.ns};
  AddKubeFlags(cluster, &argv);
  for (const std::string& w :
       {std::string("proxy-config"), std::string("endpoints"), std::string("--cluster"),
        envoy_cluster, std::string("-o"), std::string("json"), std::string("--"), pod.name}) {
    argv.push_back(w);
  }
  return argv;
}

std::vector<std::string> PilotAgentClustersArgv(const ClusterConfig& cluster, const PodInfo& pod) {
  std::vector<std::string> argv = {"kubectl", "exec", "-n", pod.ns};
  AddKubeFlags(cluster, &argv);
  for (const char* w : {"-c", "istio-proxy"}) argv.push_back(w);
  argv.insert(argv.end() - 2, "pod/" + pod.name);
  for (const char* w : {"--", "pilot-agent", "request", "GET", "clusters?format=json"}) {
    argv.push_back(w);
  }
  return argv;
}

Result<std::vector<Endpoint>> ReadEndpointView(CommandRunner& runner, const ClusterConfig& cluster,
                                               const PodInfo& pod, const std::string& envoy_cluster,
                                               const ClusterMap& cmap,
                                               const std::vector<PodInfo>& destinations,
                                               ViewMethod* method,
                                               std::chrono::milliseconds timeout,
                                               std::vector<std::string>* warnings) {
  std::vector<std::string> argv;
  Result<CommandResult> r = Status::Unavailable("not run");
  if (*method == ViewMethod::kIstioctl) {
    argv = IstioctlEndpointsArgv(cluster, pod, envoy_cluster);
    r = runner.Run(argv, timeout);
    // istioctl not installed: read Envoy's admin API through pilot-agent instead, from now on.
    if (!r.ok() && r.status().IsUnavailable()) *method = ViewMethod::kPilotAgent;
  }
  EndpointFormat format = EndpointFormat::kIstioctlJson;
  if (*method == ViewMethod::kPilotAgent) {
    argv = PilotAgentClustersArgv(cluster, pod);
    r = runner.Run(argv, timeout);
    format = EndpointFormat::kEnvoyClustersJson;
  }
  if (Status s = CommandFailure(argv, r); !s.ok()) return s;
  Result<EndpointView> parsed = ParseEndpointView(r->stdout_text, format, CommandLine(argv));
  if (!parsed.ok()) return parsed.status();
  if (warnings != nullptr) *warnings = std::move(parsed->warnings);
  std::vector<Endpoint> view = FilterByEnvoyCluster(std::move(parsed->endpoints), envoy_cluster);
  // A destination pod's IP names its cluster; with overlapping pod CIDRs (multi-network) two
  // pods may share an IP, and then the caller's own cluster's pod is the one listed.
  std::map<std::string, std::string> cluster_of_ip;
  for (const PodInfo& d : destinations) {
    if (d.ip.empty()) continue;
    auto [it, fresh] = cluster_of_ip.emplace(d.ip, d.cluster);
    if (!fresh && d.cluster == pod.cluster) it->second = d.cluster;
  }
  for (Endpoint& e : view) {
    e.source_pod = pod.name;
    // Gateways, then pod CIDRs; the workload cluster ID only after the pod IPs below.
    std::string workload = std::move(e.workload_cluster_id);
    e.workload_cluster_id.clear();
    cmap.Assign(e, pod.cluster);
    e.workload_cluster_id = std::move(workload);
    if (e.cluster.empty()) {
      auto it = cluster_of_ip.find(e.address);
      e.cluster = it != cluster_of_ip.end() ? it->second : e.workload_cluster_id;
    }
  }
  return view;
}

std::string ConvergenceGap(const std::vector<PodInfo>& sources,
                           const std::map<std::string, std::vector<Endpoint>>& views,
                           const std::vector<PodInfo>& destinations) {
  std::map<std::string, int> ready;  // cluster -> Ready destination pods
  for (const PodInfo& d : destinations) {
    if (RunningAndReady(d)) ++ready[d.cluster];
  }
  std::string gap;
  for (const PodInfo& s : sources) {
    std::set<std::string> listed;
    auto it = views.find(SourceKey(s));
    if (it != views.end()) {
      for (const Endpoint& e : it->second) listed.insert(e.cluster);
    }
    std::string missing;
    for (const auto& [cluster, n] : ready) {
      if (listed.count(cluster) != 0) continue;
      if (!missing.empty()) missing += ", ";
      missing +=
          cluster + " (" + std::to_string(n) + " Ready destination pod" + (n == 1 ? "" : "s") + ")";
    }
    if (missing.empty()) continue;
    if (!gap.empty()) gap += "; ";
    gap += SourceKey(s) + " lists no endpoint of " + missing;
  }
  return gap;
}

}  // namespace meshverify::discover
