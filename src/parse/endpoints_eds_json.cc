// `istioctl proxy-config eds POD -o json`: an array of Envoy ClusterLoadAssignment objects.
#include <nlohmann/json.hpp>

#include "meshverify/endpoint_parsers.h"
#include "parse/endpoints_internal.h"
#include "parse/endpoints_json_util.h"

namespace meshverify::endpoints_internal {

namespace {

using nlohmann::json;

// Istio's workload metadata is "name;namespace;canonical-svc;canonical-rev;CLUSTER_ID".
std::string WorkloadClusterId(const json& lb) {
  const json* md = Field(lb, "metadata", "metadata");
  const json* fm =
      md && md->is_object() ? Field(*md, "filterMetadata", "filter_metadata") : nullptr;
  const json* istio = fm && fm->is_object() ? Field(*fm, "istio", "istio") : nullptr;
  const json* wl = istio && istio->is_object() ? Field(*istio, "workload", "workload") : nullptr;
  if (wl == nullptr || !wl->is_string()) return "";
  const std::string& s = wl->get_ref<const std::string&>();
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    pos = s.find(';', pos);
    if (pos == std::string::npos) return "";
    ++pos;
  }
  return s.substr(pos, s.find(';', pos) - pos);
}

Status ParseLbEndpoint(const json& lb, const JsonPath& path, Endpoint* ep, Warnings* w) {
  if (!lb.is_object()) return path.Error("", "expected an object");
  const json* e = Field(lb, "endpoint", "endpoint");
  const json* addr = e && e->is_object() ? Field(*e, "address", "address") : nullptr;
  const json* sock =
      addr && addr->is_object() ? Field(*addr, "socketAddress", "socket_address") : nullptr;
  const json* pipe = addr && addr->is_object() ? Field(*addr, "pipe", "pipe") : nullptr;
  if (sock != nullptr && sock->is_object()) {
    const json* ip = Field(*sock, "address", "address");
    if (ip == nullptr || !ip->is_string()) {
      return path.Error("endpoint.address.socketAddress.address", "expected a string");
    }
    ep->address = ip->get<std::string>();
    if (w != nullptr && !ParseIp(ep->address)) {
      w->AtPath(path.Where("endpoint.address.socketAddress.address"), NotAnIpWarning(ep->address));
    }
    const json* port = Field(*sock, "portValue", "port_value");
    if (port == nullptr) port = Field(*sock, "port", "port");  // older writers
    if (port != nullptr) {
      std::optional<uint64_t> v = JsonUint(*port, 65535);
      if (!v) return path.Error("endpoint.address.socketAddress.portValue", "expected a port");
      ep->port = static_cast<uint32_t>(*v);
    }
  } else if (pipe != nullptr && pipe->is_object() && Field(*pipe, "path", "path") &&
             Field(*pipe, "path", "path")->is_string()) {
    ep->address = "unix://" + Field(*pipe, "path", "path")->get<std::string>();
  } else {
    return path.Error("endpoint.address", "expected socketAddress or pipe");
  }
  if (const json* hn = Field(*e, "hostname", "hostname"); hn && hn->is_string()) {
    ep->hostname = hn->get<std::string>();
  }
  if (const json* h = Field(lb, "healthStatus", "health_status")) {
    if (!h->is_string() || !NormalizeHealth(h->get<std::string>(), &ep->health)) {
      return path.Error("healthStatus", "unknown health status");
    }
  }
  if (const json* w = Field(lb, "loadBalancingWeight", "load_balancing_weight")) {
    std::optional<uint64_t> v = JsonUint(*w, UINT32_MAX);
    if (!v) return path.Error("loadBalancingWeight", "expected a uint32");
    ep->weight = static_cast<uint32_t>(*v);
  }
  ep->workload_cluster_id = WorkloadClusterId(lb);
  return Status::Ok();
}

Status ParseLocalityGroup(const json& group, const std::string& cluster, const JsonPath& path,
                          std::vector<Endpoint>* out, Warnings* w) {
  if (!group.is_object()) return path.Error("", "expected a LocalityLbEndpoints object");
  std::string locality;
  if (const json* loc = Field(group, "locality", "locality")) locality = JsonLocality(*loc);
  uint32_t priority = 0;
  if (const json* p = Field(group, "priority", "priority")) {
    std::optional<uint64_t> v = JsonUint(*p, UINT32_MAX);
    if (!v) return path.Error("priority", "expected a uint32");
    priority = static_cast<uint32_t>(*v);
  }
  const json* lbs = Field(group, "lbEndpoints", "lb_endpoints");
  if (lbs == nullptr) return Status::Ok();
  if (!lbs->is_array()) return path.Error("lbEndpoints", "expected an array");
  for (size_t i = 0; i < lbs->size(); ++i) {
    Endpoint ep;
    ep.envoy_cluster = cluster;
    ep.locality = locality;
    ep.priority = priority;
    Status s = ParseLbEndpoint((*lbs)[i], path.Index("lbEndpoints", i), &ep, w);
    if (!s.ok()) return s;
    out->push_back(std::move(ep));
  }
  return Status::Ok();
}

Status ParseAssignment(const json& cla, const JsonPath& path, std::vector<Endpoint>* out,
                       Warnings* w) {
  if (!cla.is_object()) return path.Error("", "expected a ClusterLoadAssignment object");
  const json* name = Field(cla, "clusterName", "cluster_name");
  if (name == nullptr || !name->is_string()) return path.Error("clusterName", "expected a string");
  const json* groups = Field(cla, "endpoints", "endpoints");
  if (groups == nullptr) return Status::Ok();
  if (!groups->is_array()) return path.Error("endpoints", "expected an array");
  std::string cluster = name->get<std::string>();
  for (size_t i = 0; i < groups->size(); ++i) {
    Status s = ParseLocalityGroup((*groups)[i], cluster, path.Index("endpoints", i), out, w);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Endpoint>> ParseEdsJson(std::string_view text, std::string_view source,
                                           Warnings* w) {
  Result<json> doc = ParseJson(text, source);
  if (!doc.ok()) return doc.status();
  JsonPath root{source, ""};
  std::vector<Endpoint> out;
  if (doc->is_object()) {  // a single ClusterLoadAssignment
    Status s = ParseAssignment(*doc, root, &out, w);
    if (!s.ok()) return s;
    return out;
  }
  if (!doc->is_array()) return root.Error("", "expected an array of ClusterLoadAssignment");
  for (size_t i = 0; i < doc->size(); ++i) {
    Status s = ParseAssignment((*doc)[i], root.Index("", i), &out, w);
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace meshverify::endpoints_internal
