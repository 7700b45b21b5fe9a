// ClusterStatus JSON: `istioctl proxy-config endpoints -o json` (an array, camelCase) and Envoy
// admin `/clusters?format=json` ({"cluster_statuses": [...]}, snake_case). Real dumps mix the
// two spellings (istioctl's own test data does), so every key is looked up both ways.
#include <map>
#include <nlohmann/json.hpp>

#include "meshverify/endpoint_parsers.h"
#include "parse/endpoints_internal.h"
#include "parse/endpoints_json_util.h"

namespace meshverify::endpoints_internal {

namespace {

using nlohmann::json;

// Warns about a socket address that is not an IP (a redacted "X.X.X.X"); Envoy prints
// resolved addresses only.
void CheckIp(const Endpoint& ep, const JsonPath& path, std::string_view sub, Warnings* w) {
  if (w != nullptr && !ParseIp(ep.address)) w->AtPath(path.Where(sub), NotAnIpWarning(ep.address));
}

Status ParseAddress(const json& addr, const JsonPath& path, Endpoint* ep, Warnings* w) {
  if (!addr.is_object()) return path.Error("address", "expected an object");
  if (const json* sock = Field(addr, "socketAddress", "socket_address")) {
    if (!sock->is_object()) return path.Error("address.socketAddress", "expected an object");
    const json* ip = Field(*sock, "address", "address");
    if (ip == nullptr || !ip->is_string()) {
      return path.Error("address.socketAddress.address", "expected a string");
    }
    ep->address = ip->get<std::string>();
    CheckIp(*ep, path, "address.socketAddress.address", w);
    // Envoy's early streaming /clusters JSON writer printed the port as "port".
    const json* port = Field(*sock, "portValue", "port_value");
    if (port == nullptr) port = Field(*sock, "port", "port");
    if (port != nullptr) {
      std::optional<uint64_t> v = JsonUint(*port, 65535);
      if (!v) return path.Error("address.socketAddress.portValue", "expected a port 0..65535");
      ep->port = static_cast<uint32_t>(*v);
    }
    return Status::Ok();
  }
  if (const json* pipe = Field(addr, "pipe", "pipe")) {
    const json* p = pipe->is_object() ? Field(*pipe, "path", "path") : nullptr;
    if (p == nullptr || !p->is_string())
      return path.Error("address.pipe.path", "expected a string");
    ep->address = "unix://" + p->get<std::string>();
    return Status::Ok();
  }
  if (const json* in = Field(addr, "envoyInternalAddress", "envoy_internal_address")) {
    const json* listener =
        in->is_object() ? Field(*in, "serverListenerName", "server_listener_name") : nullptr;
    const json* id = in->is_object() ? Field(*in, "endpointId", "endpoint_id") : nullptr;
    ep->address =
        "envoy://" +
        (listener && listener->is_string() ? listener->get<std::string>() : std::string()) + "/" +
        (id && id->is_string() ? id->get<std::string>() : std::string());
    return Status::Ok();
  }
  return path.Error("address", "expected socketAddress, pipe or envoyInternalAddress");
}

Status ParseHealth(const json& h, const JsonPath& path, Endpoint* ep) {
  if (!h.is_object()) return path.Error("healthStatus", "expected an object");
  if (const json* eds = Field(h, "edsHealthStatus", "eds_health_status")) {
    bool ok = eds->is_string() && NormalizeHealth(eds->get<std::string>(), &ep->health);
    if (!ok && eds->is_number_unsigned() && eds->get<uint64_t>() < 6) {
      ep->health = static_cast<HealthStatus>(eds->get<uint64_t>());  // Envoy's enum numbers
      ok = true;
    }
    if (!ok) return path.Error("healthStatus.edsHealthStatus", "unknown health status");
  }
  ep->outlier_ejected = JsonTrue(h, "failedOutlierCheck", "failed_outlier_check");
  // Envoy stops routing to a host that failed active health checking whatever EDS says.
  if (ep->health == HealthStatus::kHealthy &&
      (JsonTrue(h, "failedActiveHealthCheck", "failed_active_health_check") ||
       JsonTrue(h, "activeHcTimeout", "active_hc_timeout"))) {
    ep->health = HealthStatus::kUnhealthy;
  } else if (ep->health == HealthStatus::kHealthy &&
             JsonTrue(h, "failedActiveDegradedCheck", "failed_active_degraded_check")) {
    ep->health = HealthStatus::kDegraded;
  }
  return Status::Ok();
}

Status ParseStats(const json& stats, const JsonPath& path, Endpoint* ep) {
  if (!stats.is_array()) return path.Error("stats", "expected an array");
  for (size_t i = 0; i < stats.size(); ++i) {
    const json& s = stats[i];
    const json* name = s.is_object() ? Field(s, "name", "name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      return path.Error("stats[" + std::to_string(i) + "].name", "expected a string");
    }
    uint64_t value = 0;  // zero values are omitted
    if (const json* v = Field(s, "value", "value")) {
      std::optional<uint64_t> parsed = JsonUint(*v);
      if (!parsed) {
        return path.Error("stats[" + std::to_string(i) + "].value", "expected a uint64");
      }
      value = *parsed;
    }
    ep->counters[name->get<std::string>()] = value;
  }
  return Status::Ok();
}

Status ParseHost(const json& host, const std::string& cluster, const JsonPath& path, Endpoint* ep,
                 Warnings* w) {
  if (!host.is_object()) return path.Error("", "expected an object");
  ep->envoy_cluster = cluster;
  const json* addr = Field(host, "address", "address");
  if (addr == nullptr) return path.Error("address", "missing");
  Status s = ParseAddress(*addr, path, ep, w);
  if (s.ok()) {
    if (const json* stats = Field(host, "stats", "stats")) s = ParseStats(*stats, path, ep);
  }
  if (s.ok()) {
    if (const json* h = Field(host, "healthStatus", "health_status")) s = ParseHealth(*h, path, ep);
  }
  if (!s.ok()) return s;
  if (const json* w = Field(host, "weight", "weight")) {
    std::optional<uint64_t> v = JsonUint(*w, UINT32_MAX);
    if (!v) return path.Error("weight", "expected a uint32");
    ep->weight = static_cast<uint32_t>(*v);
  }
  if (const json* p = Field(host, "priority", "priority")) {
    std::optional<uint64_t> v = JsonUint(*p, UINT32_MAX);
    if (!v) return path.Error("priority", "expected a uint32");
    ep->priority = static_cast<uint32_t>(*v);
  }
  if (const json* loc = Field(host, "locality", "locality")) {
    ep->locality = JsonLocality(*loc);
  }
  if (const json* hn = Field(host, "hostname", "hostname"); hn && hn->is_string()) {
    ep->hostname = hn->get<std::string>();
  }
  return Status::Ok();
}

Status ParseCluster(const json& c, const JsonPath& path, std::vector<Endpoint>* out, Warnings* w) {
  if (!c.is_object()) return path.Error("", "expected a ClusterStatus object");
  const json* name = Field(c, "name", "name");
  if (name == nullptr || !name->is_string()) return path.Error("name", "expected a string");
  const json* hosts = Field(c, "hostStatuses", "host_statuses");
  if (hosts == nullptr) return Status::Ok();
  if (!hosts->is_array()) return path.Error("hostStatuses", "expected an array");
  std::string cluster = name->get<std::string>();
  for (size_t i = 0; i < hosts->size(); ++i) {
    Endpoint ep;
    Status s = ParseHost((*hosts)[i], cluster, path.Index("hostStatuses", i), &ep, w);
    if (!s.ok()) return s;
    out->push_back(std::move(ep));
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Endpoint>> ParseClusterStatusesJson(std::string_view text,
                                                       std::string_view source, Warnings* w) {
  Result<json> doc = ParseJson(text, source);
  if (!doc.ok()) return doc.status();
  const json* clusters = &*doc;
  JsonPath root{source, ""};
  std::string key;
  if (doc->is_object()) {
    clusters = Field(*doc, "clusterStatuses", "cluster_statuses");
    if (clusters == nullptr) {
      if (doc->empty()) return std::vector<Endpoint>{};  // Envoy with no clusters prints {}
      return root.Error("", "expected cluster_statuses (Envoy /clusters?format=json)");
    }
    key = doc->contains("clusterStatuses") ? "clusterStatuses" : "cluster_statuses";
  }
  if (!clusters->is_array()) {
    return root.Error(key, "expected an array of ClusterStatus objects");
  }
  std::vector<Endpoint> out;
  std::map<std::string, std::string> first_at;  // cluster name -> where it was first listed
  for (size_t i = 0; i < clusters->size(); ++i) {
    JsonPath at = root.Index(key, i);
    Status s = ParseCluster((*clusters)[i], at, &out, w);
    if (!s.ok()) return s;
    const std::string& name =
        Field((*clusters)[i], "name", "name")->get_ref<const std::string&>();  // checked above
    auto [it, added] = first_at.try_emplace(name, at.Where(""));
    if (!added && w != nullptr) {
      w->AtPath(at.Where(""), "cluster '" + Printable(name) + "' is listed again (first at " +
                                  it->second + "): its hosts are kept twice");
    }
  }
  return out;
}

}  // namespace meshverify::endpoints_internal
