// The Jobs' manifests: ValidateSpec, JobName, ContainerArgs, BuildManifests.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>

#include "meshverify/jobs.h"
#include "meshverify/load.h"

namespace meshverify::jobs {
namespace {

using nlohmann::json;

Status Bad(const std::string& why) { return Status::Usage(why); }

// Flags the Job sets itself, and files the pod cannot keep.
const std::set<std::string>& Refused() {
  static const std::set<std::string> kRefused = {
      "--shard", "--source-cluster", "--source-name", "--direct", "-o",         "--output",
      "-c",      "--config",         "--json",        "--html",   "--markdown", "--fortio",
      "--jsonl", "--junit",          "--records",     "--help",   "-h"};
  return kRefused;
}

bool Quantity(const std::string& q) {
  static const std::regex kQuantity("^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$");
  return std::regex_match(q, kQuantity);
}

json Labels(const JobSpec& spec, const std::string& cluster) {
  return {{"app.kubernetes.io/name", "meshverify"},
          {"app.kubernetes.io/component", spec.command},
          {std::string(kRunLabel), spec.run_id},
          {std::string(kClusterLabel), cluster},
          {"meshverify.io/command", spec.command}};
}

json Container(const JobSpec& spec, const std::string& cluster) {
  json env = json::array(
      {{{"name", "MESHVERIFY_SHARD"},
        {"valueFrom",
         {{"fieldRef",
           {{"fieldPath", "metadata.annotations['" + std::string(kIndexAnnotation) + "']"}}}}}},
       {{"name", "MESHVERIFY_POD"},
        {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}});
  json c = {{"name", std::string(kContainer)},
            {"image", spec.image},
            {"imagePullPolicy", spec.image_pull_policy},
            {"args", ContainerArgs(spec, cluster)},
            {"env", std::move(env)},
            {"resources",
             {{"requests", {{"cpu", spec.cpu_request}, {"memory", spec.memory_request}}},
              {"limits", {{"memory", spec.memory_limit}}}}},
            {"securityContext",
             {{"runAsNonRoot", true},
              {"runAsUser", kUser},
              {"runAsGroup", kUser},
              {"allowPrivilegeEscalation", false},
              {"readOnlyRootFilesystem", true},
              {"capabilities", {{"drop", {"ALL"}}}},
              {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
            {"terminationMessagePolicy", "FallbackToLogsOnError"}};
  if (spec.command == "check") {
    c["volumeMounts"] =
        json::array({{{"name", "mesh"}, {"mountPath", "/etc/meshverify"}, {"readOnly", true}}});
  }
  return c;
}

}  // namespace

std::string JobName(const JobSpec& spec) {
  return "meshverify-" + spec.command + "-" + spec.run_id;
}

Status ValidateSpec(const MeshConfig& mesh, const JobSpec& spec) {
  if (spec.command != "load" && spec.command != "check") {
    return Bad("after --, expected check or load, got '" + spec.command + "'");
  }
  static const std::regex kRunId("^[a-z0-9]{1,12}$");
  if (!std::regex_match(spec.run_id, kRunId)) {
    return Bad("--run-id '" + spec.run_id + "': expected 1 to 12 of [a-z0-9]");
  }
  if (spec.shards < 1 || spec.shards > 1000) return Bad("--shards must be in [1, 1000]");
  if (spec.image.empty() || spec.image.find_first_of(" \t\n\"'") != std::string::npos) {
    return Bad("--image '" + spec.image + "': expected an image reference");
  }
  for (const std::string* q : {&spec.cpu_request, &spec.memory_request, &spec.memory_limit}) {
    if (!Quantity(*q)) return Bad("resource quantity '" + *q + "': expected e.g. 250m or 64Mi");
  }
  if (spec.active_deadline_s < 1) return Bad("--deadline must be positive");
  if (mesh.clusters.empty()) return Bad("mesh.yaml lists no cluster");
  if (spec.url.empty()) return Bad("no target URL (mesh.yaml target.url)");
  for (const std::string& a : spec.args) {
    const std::string flag = a.substr(0, a.find('='));
    if (Refused().count(flag) != 0) {
      return Bad(spec.command + " " + flag + ": set by the Job itself or a file in the pod; " +
                 "give it to `jobs` (--json etc. go to `jobs run`)");
    }
    if (flag == "--at") return Bad("load --at: fault commands cannot run inside the Jobs' pods");
  }
  return Status::Ok();
}

std::vector<std::string> ContainerArgs(const JobSpec& spec, const std::string& cluster) {
  std::vector<std::string> a = {spec.command};
  if (spec.command == "check") a.insert(a.end(), {"-c", "/etc/meshverify/mesh.yaml"});
  a.insert(a.end(), {"--direct", "--source-cluster", cluster, "--shard",
                     "$(MESHVERIFY_SHARD)/" + std::to_string(spec.shards), "--source-name",
                     "$(MESHVERIFY_POD)"});
  const bool has_url = std::any_of(spec.args.begin(), spec.args.end(), [](const std::string& s) {
    return s == "--url" || s.rfind("--url=", 0) == 0;
  });
  if (spec.command == "load" && !has_url) a.insert(a.end(), {"--url", spec.url});
  for (const auto& [pod, c] : spec.instance_clusters) {
    a.insert(a.end(), {"--instance-cluster", pod + "=" + c});
  }
  // check maps its own sidecar's view (expect: endpoints) to the pods by their IPs.
  for (const auto& [pod, ip] : spec.instance_ips) {
    if (spec.command == "check") a.insert(a.end(), {"--instance-ip", pod + "=" + ip});
  }
  a.insert(a.end(), spec.args.begin(), spec.args.end());
  if (spec.sidecar == SidecarMode::kQuit) a.push_back("--quit-sidecar");
  a.insert(a.end(), {"-o", "json"});
  return a;
}

std::vector<ClusterManifests> BuildManifests(const MeshConfig& mesh, const JobSpec& spec) {
  std::vector<ClusterManifests> out;
  const std::string name = JobName(spec);
  for (const ClusterConfig& c : mesh.clusters) {
    ClusterManifests m;
    m.cluster = c.name;
    m.context = c.context;
    m.kubeconfig = c.kubeconfig;
    m.ns = mesh.source.ns;
    m.job_name = name;
    const json labels = Labels(spec, c.name);
    json pod_labels = labels;
    pod_labels["sidecar.istio.io/inject"] = "true";
    json annotations = {{"proxy.istio.io/config", "{\"holdApplicationUntilProxyStarts\": true}"}};
    if (spec.sidecar == SidecarMode::kNative)
      annotations["sidecar.istio.io/nativeSidecar"] = "true";
    json pod_spec = {{"restartPolicy", "Never"},
                     {"automountServiceAccountToken", false},
                     {"terminationGracePeriodSeconds", 30},
                     {"containers", json::array({Container(spec, c.name)})}};
    if (spec.command == "check") {
      m.objects.push_back({{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", name}, {"namespace", m.ns}, {"labels", labels}}},
                           {"data", {{"mesh.yaml", spec.mesh_yaml}}}});
      pod_spec["volumes"] = json::array({{{"name", "mesh"}, {"configMap", {{"name", name}}}}});
    }
    m.objects.push_back(
        {{"apiVersion", "batch/v1"},
         {"kind", "Job"},
         {"metadata", {{"name", name}, {"namespace", m.ns}, {"labels", labels}}},
         {"spec",
          {{"completionMode", "Indexed"},
           {"completions", spec.shards},
           {"parallelism", spec.shards},
           {"backoffLimitPerIndex", 0},
           {"maxFailedIndexes", spec.shards},
           {"activeDeadlineSeconds", spec.active_deadline_s},
           {"ttlSecondsAfterFinished", spec.ttl_after_finished_s},
           {"template",
            {{"metadata", {{"labels", std::move(pod_labels)}, {"annotations", annotations}}},
             {"spec", std::move(pod_spec)}}}}}});
    out.push_back(std::move(m));
  }
  return out;
}

uint64_t PlannedRequests(const JobSpec& spec, int index) {
  const size_t steps = std::max<size_t>(1, spec.step_rates.size());
  if (spec.requests > 0) return steps * load::ShardPart(spec.requests, index, spec.shards);
  uint64_t n = 0;
  for (double rate : spec.step_rates) {
    if (rate > 0) n += static_cast<uint64_t>(std::ceil(rate / spec.shards * spec.duration_s));
  }
  return n;
}

}  // namespace meshverify::jobs
