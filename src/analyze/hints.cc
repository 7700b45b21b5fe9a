// Hints: the likely cause of a failing pattern (DESIGN.md "Statistics", "Hints"), in the
// words of the seed's set-up (remote secrets, static pod routes, locality load balancing).

#include <string>
#include <vector>

#include "analyze/checks.h"
#include "meshverify/aggregate.h"

namespace meshverify::analyze_internal {
namespace {

uint64_t Get(const std::map<std::string, uint64_t>& m, std::string_view key) {
  auto it = m.find(std::string(key));
  return it == m.end() ? 0 : it->second;
}

std::string ClusterList(const std::vector<Unreached>& missing) {
  std::vector<std::string> names;
  for (const Unreached& m : missing) names.push_back(m.cluster);
  return Join(names, ", ");
}

}  // namespace

std::string HintForErrors(const std::map<std::string, uint64_t>& errors) {
  std::vector<std::string> hints;
  if (Get(errors, kErrDns) > 0) {
    hints.push_back(
        "dns: the caller could not resolve the service name: the Service must exist in the "
        "caller's cluster too (even with no pods there), or DNS proxying is off");
  }
  if (Get(errors, kErrConnect) > 0) {
    hints.push_back(
        "connect: connections refused or unreachable: pod routes between clusters are missing "
        "or the destination pods are down");
  }
  if (Get(errors, kErrTimeout) > 0 || Get(errors, kErrReset) > 0) {
    hints.push_back(
        "timeout/reset: packets to some endpoints are dropped: check the static pod routes "
        "between the clusters' nodes, or a slow endpoint");
  }
  if (Get(errors, kErrHttp5xx) > 0) {
    hints.push_back(
        "http_5xx: the sidecar or the app answered 5xx: 503 with 'upstream connect error' means "
        "an endpoint is listed but unreachable (pod routes), else the app itself fails");
  }
  if (Get(errors, kErrHttp4xx) > 0 || Get(errors, kErrHttpOther) > 0) {
    hints.push_back("http 4xx/other: wrong URL, host or authorization policy for the target");
  }
  if (Get(errors, kErrUnparsed) > 0) {
    hints.push_back(
        "unparsed: answers did not match the expected format: pass --pattern with named groups "
        "version and instance, or check --format");
  }
  if (Get(errors, kErrTransport) > 0) {
    hints.push_back("transport: requests were lost: the exec failed or the source pod went away");
  }
  if (Get(errors, kErrCurl) > 0) hints.push_back("curl_other: see curl's exit codes");
  return Join(hints, " ");
}

std::string HintForUnreached(const SourceReport& r, const std::vector<Unreached>& missing,
                             bool view_known) {
  const std::string who = SourceLabel(r);
  const std::string where = r.cluster.empty() ? "the caller's cluster" : r.cluster;
  std::vector<Unreached> unlisted, unhealthy, routable, pod_ips;
  for (const Unreached& m : missing) {
    if (!view_known) continue;
    (m.listed == 0                   ? unlisted
     : m.routable == 0               ? unhealthy
     : m.pod_ips_across_networks > 0 ? pod_ips
                                     : routable)
        .push_back(m);
  }
  std::vector<std::string> hints;
  if (!unlisted.empty()) {
    hints.push_back(
        who + "'s sidecar lists no endpoint of " + ClusterList(unlisted) +
        ": endpoint discovery across clusters is broken — istiod in " + where +
        " has no remote secret for it (`istioctl create-remote-secret --name=<cluster> | kubectl "
        "apply --context=<" +
        where +
        "> -f -`), or the clusters do not share a mesh ID / root "
        "CA; check `istioctl remote-clusters`.");
  }
  if (!unhealthy.empty()) {
    hints.push_back(who + "'s sidecar lists endpoints of " + ClusterList(unhealthy) +
                    " but none is healthy: health checks or outlier ejection removed them; "
                    "check those pods and `istioctl proxy-config endpoints`.");
  }
  if (!pod_ips.empty()) {
    hints.push_back(
        who + "'s sidecar lists " + ClusterList(pod_ips) + " endpoints by their pod IPs, but " +
        ClusterList(pod_ips) +
        " is on a network of its own (it has an east-west gateway): pod IPs are not routable "
        "across networks, and Istio should list "
        "the remote gateway on port 15443 instead. Istio does not see the two networks as "
        "different: check the topology.istio.io/network label on the istio-system namespace "
        "of each cluster (and on its east-west gateway), and the mesh's network setting "
        "(values.global.network, meshNetworks); see istio.io's multicluster troubleshooting.");
  }
  if (!routable.empty()) {
    hints.push_back(
        who + "'s sidecar lists " + ClusterList(routable) +
        " endpoints as HEALTHY but none answered: the pod network between the clusters is "
        "broken — on " +
        where +
        "'s node add the static route to the remote pod CIDR via the "
        "remote node (`ip route add <remote pod CIDR> via <remote node IP>`), or a firewall "
        "drops the traffic." +
        (r.errors.empty() ? "" : " Errors seen: " + DescribeErrors(r.errors) + "."));
  }
  if (!view_known) {
    hints.push_back(who + " never reached " + ClusterList(missing) +
                    ": without its endpoint view the cause may be endpoint discovery (remote "
                    "secret) or pod routes between clusters; run `meshverify check` or "
                    "`istioctl proxy-config endpoints` on the source pod to tell which.");
  }
  return Join(hints, " ");
}

std::string HintForSkew() {
  return "look at locality load balancing (traffic kept in the caller's zone or region), "
         "outlier ejection of some endpoints, and endpoint weights (DestinationRule, "
         "ServiceEntry, replicas per version).";
}

std::string HintForNoSources(const std::string& selector) {
  return "deploy the source pods (e.g. Istio's sleep sample) in every cluster, check the "
         "selector and namespace in mesh.yaml, and wait until `kubectl get pods " +
         selector + "` shows them Ready";
}

std::string HintForNotConverged() {
  return "the control plane has not given these sidecars the other cluster's endpoints: check "
         "the remote secrets (istioctl remote-clusters), istiod's logs, and that the service "
         "exists in every cluster";
}

std::string HintForLostRequests() {
  return "a source pod or its exec failed during the run (pod restarted or deleted, node or "
         "API server unreachable, or --deadline too short); the lost requests are counted "
         "as `transport` errors";
}

std::string HintForStickiness() {
  return "the caller's sidecar keeps few long-lived connections to the gateway, and each is "
         "passed through to one pod: open more connections (more concurrent clients, "
         "`--concurrency`), or cap requests per connection on the caller's side "
         "(DestinationRule trafficPolicy.connectionPool.http.maxRequestsPerConnection) so that "
         "connections are renewed and spread over the remote pods";
}

std::string HintForDeadGateway(const std::string& address, const std::string& cluster,
                               bool cluster_has_pods) {
  if (!cluster_has_pods) {
    return "the east-west gateway " + address + " of " + cluster +
           " is listed HEALTHY but nothing answers through it and no Ready pod of " + cluster +
           " is known: Istio does not health-check remote gateways (istio/istio#35082), so a "
           "gateway stays listed after its cluster is gone; bring " +
           cluster +
           " back or remove its remote secret (istioctl create-remote-secret ... | kubectl "
           "delete -f -)";
  }
  return "the sidecar lists the east-west gateway " + address + " of " + cluster +
         " but no request through it was answered: check the gateway's address and port "
         "(15443; kubectl get svc -n istio-system -l istio=eastwestgateway in " +
         cluster + "), that the gateway runs, and that this network routes to it";
}

}  // namespace meshverify::analyze_internal
