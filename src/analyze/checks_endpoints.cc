// Control plane vs data plane: endpoints_reached, instances_known, endpoints_in_cidrs.

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "analyze/checks.h"

namespace meshverify::analyze_internal {
namespace {

// The pod at the endpoint's address; with overlapping pod CIDRs (multi-network) several pods
// may share it, and then the one of the endpoint's cluster. Gateway endpoints are no pod.
const PodInfo* PodByIp(const std::vector<PodInfo>& pods, const Endpoint& e) {
  if (!e.via.empty()) return nullptr;
  const PodInfo* any = nullptr;
  for (const PodInfo& p : pods) {
    if (e.address.empty() || p.ip != e.address) continue;
    if (e.cluster.empty() || p.cluster == e.cluster) return &p;
    if (any == nullptr) any = &p;
  }
  return any;
}

// Answers from instances that are destination pods of `cluster`.
uint64_t AnsweredFromCluster(const SourceReport& r, const std::vector<PodInfo>& pods,
                             const std::string& cluster) {
  uint64_t n = 0;
  for (const auto& [name, inst] : r.by_instance) {
    for (const PodInfo& p : pods) {
      if (p.name == name && p.cluster == cluster) n += inst.count;
    }
  }
  return n;
}

// True iff the view reaches `pod`: by its IP, or through a gateway endpoint of its cluster.
bool Listed(const std::vector<Endpoint>& view, const PodInfo& pod) {
  for (const Endpoint& e : view) {
    if (e.via.empty() ? e.address == pod.ip && (e.cluster.empty() || e.cluster == pod.cluster)
                      : e.cluster == pod.cluster) {
      return true;
    }
  }
  return false;
}

const PodInfo* PodByName(const std::vector<PodInfo>& pods, const std::string& name) {
  for (const PodInfo& p : pods) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool HasView(const SourceView& s) { return s.expect != nullptr && s.expect->has_endpoint_view; }

uint64_t Answered(const SourceReport& r, const std::string& instance) {
  auto it = r.by_instance.find(instance);
  return it == r.by_instance.end() ? 0 : it->second.count;
}

}  // namespace

CheckResult CheckEndpointsReached(const CheckInput& in) {
  const char* kName = "endpoints_reached";
  if (in.destinations->empty()) {
    return Make(kName, CheckStatus::kSkipped, "no destination pods known to map endpoints to");
  }
  std::vector<std::string> missing, undecided;
  std::string gateway_hint;  // the first dead gateway's
  size_t checked = 0, unmapped = 0;
  for (const SourceView& s : in.sources) {
    if (!HasView(s)) continue;
    uint64_t total_weight = 0;
    for (const Endpoint& e : s.expect->endpoints) {
      if (e.Routable()) total_weight += e.weight;
    }
    for (const Endpoint& e : s.expect->endpoints) {
      if (!e.Routable()) continue;
      const SourceReport& r = *s.report;
      double w = static_cast<double>(e.weight) / static_cast<double>(total_weight);
      if (!e.via.empty() && !e.cluster.empty()) {  // a gateway: reached when its cluster answers
        ++checked;
        if (AnsweredFromCluster(r, *in.destinations, e.cluster) > 0) continue;
        double luck = std::pow(1.0 - w, static_cast<double>(r.ok));
        std::string what = SourceLabel(r) + " never got an answer through the gateway " +
                           e.address + ":" + std::to_string(e.port) + " (" + e.cluster +
                           ", share " + Fixed(w, 3) + ", chance by luck " + Fixed(luck, 4) + ")";
        bool dead = r.ok > 0 && luck < in.opt.alpha;
        (dead ? missing : undecided).push_back(what);
        if (dead && gateway_hint.empty()) {
          bool has_pods = false;
          for (const PodInfo& p : *in.destinations) {
            has_pods = has_pods || (p.cluster == e.cluster && p.phase == "Running" && p.ready);
          }
          gateway_hint =
              HintForDeadGateway(e.address + ":" + std::to_string(e.port), e.cluster, has_pods);
        }
        continue;
      }
      const PodInfo* pod = PodByIp(*in.destinations, e);
      if (pod == nullptr) {
        ++unmapped;
        continue;
      }
      ++checked;
      if (Answered(r, pod->name) > 0) continue;
      double luck = std::pow(1.0 - w, static_cast<double>(r.ok));
      std::string what = SourceLabel(r) + " never got an answer from " + pod->name + " (" +
                         e.address + ", " + (e.cluster.empty() ? "no cluster" : e.cluster) +
                         ", share " + Fixed(w, 3) + ", chance by luck " + Fixed(luck, 4) + ")";
      (r.ok > 0 && luck < in.opt.alpha ? missing : undecided).push_back(what);
    }
  }
  if (checked == 0) {
    return Make(kName, CheckStatus::kSkipped,
                unmapped > 0 ? "no routable endpoint maps to a known destination pod"
                             : "no endpoint views with routable endpoints");
  }
  std::string tail = unmapped > 0 ? " (" + std::to_string(unmapped) +
                                        " endpoint(s) map to no known pod, not checked)"
                                  : "";
  if (!missing.empty() && !gateway_hint.empty()) {
    return Make(kName, CheckStatus::kFail, Join(missing, "; ") + tail, gateway_hint);
  }
  if (!missing.empty()) {
    return Make(kName, CheckStatus::kFail, Join(missing, "; ") + tail,
                "the sidecar lists these endpoints as routable but they never answered: the pod "
                "is unreachable from the caller (pod routes between clusters, network policy) "
                "or not serving; compare `istioctl proxy-config endpoints` with the pods");
  }
  if (!undecided.empty()) {
    return Make(kName, CheckStatus::kInconclusive, Join(undecided, "; ") + tail,
                "too few answers to tell whether these endpoints are reached: send more requests");
  }
  return Make(kName, CheckStatus::kPass,
              "every one of " + std::to_string(checked) + " routable endpoint(s) answered" + tail);
}

CheckResult CheckInstancesKnown(const CheckInput& in) {
  const char* kName = "instances_known";
  if (in.destinations->empty()) {
    return Make(kName, CheckStatus::kSkipped, "no destination pods known");
  }
  std::vector<std::string> unknown, unlisted;
  size_t instances = 0;
  for (const SourceView& s : in.sources) {
    const SourceReport& r = *s.report;
    for (const auto& [name, inst] : r.by_instance) {
      if (inst.count == 0) continue;
      ++instances;
      const PodInfo* pod = PodByName(*in.destinations, name);
      if (pod == nullptr) {
        unknown.push_back(SourceLabel(r) + ": " + name + " (" + std::to_string(inst.count) + ")");
        continue;
      }
      if (!HasView(s)) continue;
      if (!Listed(s.expect->endpoints, *pod)) {
        unlisted.push_back(SourceLabel(r) + ": " + name + " (" + pod->ip + ", " +
                           std::to_string(inst.count) + " answers)");
      }
    }
  }
  if (instances == 0) return Make(kName, CheckStatus::kSkipped, "no answers");
  if (unknown.empty() && unlisted.empty()) {
    return Make(kName, CheckStatus::kPass,
                "every answering instance is a known destination pod" +
                    std::string(in.sources.empty() || !HasView(in.sources[0])
                                    ? ""
                                    : " listed in the caller's endpoint view"));
  }
  std::vector<std::string> parts;
  if (!unknown.empty()) parts.push_back("answers from unknown instances: " + Join(unknown, ", "));
  if (!unlisted.empty()) {
    parts.push_back("answers from pods not in the caller's endpoint view: " + Join(unlisted, ", "));
  }
  return Make(kName, CheckStatus::kFail, Join(parts, "; "),
              "control plane and data plane disagree: another workload answers for the service "
              "(selector or a stale pod), or the endpoint view was read while endpoints changed");
}

CheckResult CheckEndpointsInCidrs(const CheckInput& in) {
  const char* kName = "endpoints_in_cidrs";
  std::set<std::string> all, outside;
  for (const SourceView& s : in.sources) {
    if (!HasView(s)) continue;
    for (const Endpoint& e : s.expect->endpoints) {
      all.insert(e.address);
      if (e.cluster.empty()) outside.insert(e.address);
    }
  }
  if (all.empty()) return Make(kName, CheckStatus::kSkipped, "no endpoint views");
  if (in.clusters.empty() && outside.size() == all.size()) {
    return Make(kName, CheckStatus::kSkipped, "no cluster pod CIDRs to map endpoints to");
  }
  if (outside.empty()) {
    return Make(
        kName, CheckStatus::kPass,
        "every one of " + std::to_string(all.size()) + " endpoint address(es) maps to a cluster");
  }
  return Make(kName, CheckStatus::kFail,
              std::to_string(outside.size()) + " of " + std::to_string(all.size()) +
                  " endpoint address(es) lie outside every cluster's pod CIDRs: " +
                  Join(std::vector<std::string>(outside.begin(), outside.end()), ", "),
              "pod_cidrs in mesh.yaml do not cover these addresses (check each cluster's pod "
              "subnet), or they are east-west gateway addresses of a multi-network mesh");
}

}  // namespace meshverify::analyze_internal
