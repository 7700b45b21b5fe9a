// Pods from `kubectl get pods -o json` (discover.h).
#include <nlohmann/json.hpp>

#include "discover/util.h"
#include "meshverify/discover.h"
#include "meshverify/json_parse.h"

namespace meshverify::discover {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<PodInfo> ParsePod(const json& pod, std::string_view cluster, const std::string& where) {
  if (!pod.is_object()) return Status::InvalidInput(where + ": expected a Pod object");
  PodInfo p;
  p.cluster = std::string(cluster);
  const json& meta = pod.contains("metadata") ? pod["metadata"] : json::object();
  const json& spec = pod.contains("spec") ? pod["spec"] : json::object();
  const json& status = pod.contains("status") ? pod["status"] : json::object();
  if (!meta.is_object() || !spec.is_object() || !status.is_object()) {
    return Status::InvalidInput(where + ": metadata, spec and status must be objects");
  }
  p.name = Str(meta, "name");
  if (p.name.empty()) return Status::InvalidInput(where + ": metadata.name: missing");
  p.ns = Str(meta, "namespace");
  if (auto it = meta.find("labels"); it != meta.end() && it->is_object()) {
    for (auto& [k, v] : it->items()) {
      if (v.is_string()) p.labels[k] = v.get<std::string>();
    }
  }
  p.node = Str(spec, "nodeName");
  p.ip = Str(status, "podIP");
  p.phase = Str(status, "phase");
  if (auto it = status.find("conditions"); it != status.end() && it->is_array()) {
    for (const json& c : *it) {
      if (c.is_object() && Str(c, "type") == "Ready") p.ready = Str(c, "status") == "True";
    }
  }
  // A terminating pod may still say Ready; it is on its way out and gets no new traffic.
  if (meta.contains("deletionTimestamp") && !meta["deletionTimestamp"].is_null()) p.ready = false;
  return p;
}

}  // namespace

Result<std::vector<PodInfo>> ParsePodList(std::string_view text, std::string_view cluster,
                                          std::string_view source) {
  const std::string src(source);
  JsonParse parsed = ParseJsonText(text);
  if (!parsed.ok()) {
    return Status::InvalidInput(src + ": byte " + std::to_string(parsed.error->byte) +
                                ": not JSON");
  }
  const json& doc = parsed.value;
  std::vector<PodInfo> pods;
  if (doc.is_object() && Str(doc, "kind") == "Pod") {
    Result<PodInfo> p = ParsePod(doc, cluster, src);
    if (!p.ok()) return p.status();
    pods.push_back(std::move(*p));
    return pods;
  }
  if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array()) {
    return Status::InvalidInput(src + ": expected a List of pods (kind, items)");
  }
  size_t i = 0;
  for (const json& item : doc["items"]) {
    Result<PodInfo> p = ParsePod(item, cluster, src + ": items[" + std::to_string(i++) + "]");
    if (!p.ok()) return p.status();
    pods.push_back(std::move(*p));
  }
  return pods;
}

bool RunningAndReady(const PodInfo& pod) { return pod.phase == "Running" && pod.ready; }

std::vector<std::string> GetPodsArgv(const ClusterConfig& cluster, const std::string& ns,
                                     const std::string& selector) {
  std::vector<std::string> argv = {"kubectl", "get", "pods", "-n", ns, "-l", selector};
  AddKubeFlags(cluster, &argv);
  argv.push_back("-o");
  argv.push_back("json");
  return argv;
}

Result<std::vector<PodInfo>> ListPods(CommandRunner& runner, const ClusterConfig& cluster,
                                      const std::string& ns, const std::string& selector,
                                      std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = GetPodsArgv(cluster, ns, selector);
  Result<CommandResult> r = runner.Run(argv, timeout);
  if (Status s = CommandFailure(argv, r); !s.ok()) return s;
  return ParsePodList(r->stdout_text, cluster.name, CommandLine(argv));
}

}  // namespace meshverify::discover
