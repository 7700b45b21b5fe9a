#pragma once
// Discovery for `check`: the source and destination pods of every cluster and each source
// sidecar's view of the target's endpoints, read through CommandRunner only (kubectl and
// istioctl from PATH; the lab's front-ends in tests), and the bounded wait for convergence.
// Functions are thread-compatible; they never print kubeconfig contents: errors quote the
// command (without its kubeconfig path's contents) and the first line of its stderr.

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/cluster_map.h"
#include "meshverify/command_runner.h"
#include "meshverify/config.h"
#include "meshverify/endpoint_parsers.h"
#include "meshverify/model.h"
#include "meshverify/report.h"
#include "meshverify/status.h"

namespace meshverify::discover {

// Parses `kubectl get pods -o json` (a v1 List, or one Pod). Every pod gets `cluster`.
// Terminating pods (metadata.deletionTimestamp set) are reported not ready. Fails with
// InvalidInput "<source>: byte N: <reason>" or "<source>: <reason>" when it is not that shape,
// and "<source>: items[I]: metadata.name: \"NAME\" is not a pod name (a DNS-1123 subdomain)"
// for a name Kubernetes would not accept (so no name reaches kubectl or istioctl as a flag).
Result<std::vector<PodInfo>> ParsePodList(std::string_view json, std::string_view cluster,
                                          std::string_view source);

// True iff the pod is Running and Ready (and not terminating).
bool RunningAndReady(const PodInfo& pod);

// argv of `kubectl get pods -n NS -l SELECTOR --context CTX [--kubeconfig K] -o json`.
std::vector<std::string> GetPodsArgv(const ClusterConfig& cluster, const std::string& ns,
                                     const std::string& selector);

// Runs GetPodsArgv. Fails with Unavailable "<command>: <first stderr line>" when kubectl
// cannot run or exits non-zero, InvalidInput when its output is not a pod list.
Result<std::vector<PodInfo>> ListPods(CommandRunner& runner, const ClusterConfig& cluster,
                                      const std::string& ns, const std::string& selector,
                                      std::chrono::milliseconds timeout);

// How a sidecar's endpoint view is read.
enum class ViewMethod { kIstioctl, kPilotAgent };

// argv of `istioctl -n NS --context CTX [--kubeconfig K] proxy-config endpoints --cluster
// ENVOY_CLUSTER -o json -- POD`, and of the fallback `kubectl exec -n NS --context CTX
// [--kubeconfig K] pod/POD -c istio-proxy -- pilot-agent request GET clusters?format=json`:
// the pod is after `--` or typed (`pod/`), never where a flag could be read.
std::vector<std::string> IstioctlEndpointsArgv(const ClusterConfig& cluster, const PodInfo& pod,
                                               const std::string& envoy_cluster);
std::vector<std::string> PilotAgentClustersArgv(const ClusterConfig& cluster, const PodInfo& pod);

// Reads one source's view of `envoy_cluster`, with clusters assigned: by `cmap` (pod CIDRs),
// else by the address of a known destination pod, else workload cluster id. `*method` starts
// as kIstioctl and switches, for this and later calls, to kPilotAgent when istioctl cannot be
// started. Sets `*warnings`, when not null, to the parser's warnings about the whole output
// (EndpointView::warnings, located by the command line). Fails with Unavailable "<command>:
// <first stderr line>" or InvalidInput (output not parsable).
Result<std::vector<Endpoint>> ReadEndpointView(CommandRunner& runner, const ClusterConfig& cluster,
                                               const PodInfo& pod, const std::string& envoy_cluster,
                                               const ClusterMap& cmap,
                                               const std::vector<PodInfo>& destinations,
                                               ViewMethod* method,
                                               std::chrono::milliseconds timeout,
                                               std::vector<std::string>* warnings = nullptr);

// Returns "" when every view lists at least one endpoint of every cluster that has a Ready
// destination pod; otherwise one sentence naming, per source, the clusters it misses.
std::string ConvergenceGap(const std::vector<PodInfo>& sources,
                           const std::map<std::string, std::vector<Endpoint>>& views,
                           const std::vector<PodInfo>& destinations);

// The port of an east-west gateway's mTLS passthrough (AUTO_PASSTHROUGH) listener.
inline constexpr uint32_t kGatewayPort = 15443;

// What `kubectl get services -n istio-system -l istio=eastwestgateway -o json` says about a
// cluster's east-west gateways.
struct GatewayServices {
  // "ADDR:PORT" of each load balancer ingress IP and external IP, on the service port of
  // 15443 (the port that is, or targets, 15443).
  std::vector<std::string> addresses;
  // Node ports of 15443 of services with neither (reached at every node's InternalIP).
  std::vector<uint32_t> node_ports;
  std::vector<std::string> notes;  // services skipped, hostnames not resolved
};

// Parses the service List. Fails with InvalidInput "<source>: ..." when it is not a List.
Result<GatewayServices> ParseGatewayServices(std::string_view json, std::string_view source);

// The InternalIP addresses of `kubectl get nodes -o json`.
Result<std::vector<std::string>> ParseNodeAddresses(std::string_view json, std::string_view source);

// argv of `kubectl get services -n istio-system -l istio=eastwestgateway --context CTX
// [--kubeconfig K] -o json`.
std::vector<std::string> GatewayServicesArgv(const ClusterConfig& cluster);

// The cluster's gateway addresses ("ADDR:PORT"): load balancer ingress IPs, external IPs, or
// every node's InternalIP with the node port (then `kubectl get nodes -o json` is run too).
// Empty when the cluster has no east-west gateway (one network). Appends to `*notes`.
// Fails with Unavailable (kubectl failed) or InvalidInput (output not a List).
Result<std::vector<std::string>> DiscoverGateways(CommandRunner& runner,
                                                  const ClusterConfig& cluster,
                                                  std::chrono::milliseconds timeout,
                                                  std::vector<std::string>* notes);

// "<cluster>/<pod>": the key of views and of AnalyzeInput::expect.
std::string SourceKey(const PodInfo& pod);

struct DiscoverOptions {
  std::chrono::milliseconds wait{60000};  // bound of the convergence wait
  std::chrono::milliseconds poll{1000};   // between convergence reads
  std::chrono::milliseconds command_timeout{30000};
  const std::atomic<bool>* interrupted = nullptr;
};

struct Discovery {
  std::vector<PodInfo> sources;                        // Running and Ready, config cluster order
  std::vector<PodInfo> destinations;                   // every destination pod found (any state)
  std::map<std::string, std::vector<Endpoint>> views;  // SourceKey -> its view
  ViewMethod method = ViewMethod::kIstioctl;
  std::vector<CheckResult> checks;  // sources_found, endpoint_views, converged
  // The config's clusters with the gateways used: configured, or else discovered.
  std::vector<ClusterConfig> clusters;
  // Includes the view parsers' warnings (EndpointView::warnings) of the last read.
  std::vector<std::string> notes;
  int view_reads = 0;  // rounds of view reads (1 = converged at once)
  double waited_s = 0;
};

// Lists sources and destinations in every cluster, reads every source's view and, until it
// converges or `wait` passes, reads them again every `poll`. Fails (Unavailable) only when a
// kubectl call fails; an empty source list or a view that never converges are failed checks.
Result<Discovery> Discover(CommandRunner& runner, Clock& clock, const MeshConfig& config,
                           const DiscoverOptions& options);

}  // namespace meshverify::discover
