// East-west gateway discovery (discover.h): the addresses of the `istio=eastwestgateway`
// services in istio-system, as Istio's own network gateway discovery reads them.
#include <nlohmann/json.hpp>
#include <set>

#include "discover/util.h"
#include "meshverify/discover.h"
#include "meshverify/format.h"
#include "meshverify/ip.h"
#include "meshverify/json_parse.h"

namespace meshverify::discover {
namespace {

using nlohmann::json;

const json* Find(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string Str(const json* j, const char* key) {
  const json* v = j != nullptr ? Find(*j, key) : nullptr;
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

uint32_t Port(const json* j, const char* key) {
  const json* v = j != nullptr ? Find(*j, key) : nullptr;
  if (v == nullptr || !v->is_number_unsigned()) return 0;
  uint64_t n = v->get<uint64_t>();
  return n <= 65535 ? static_cast<uint32_t>(n) : 0;
}

// A name from the service list for a note: control characters as \xNN, so a note stays one
// line (found by tests/fuzz/gateway_services_fuzz.cc).
std::string Shown(const std::string& s) { return EscapeControlBytes(s); }

std::string HostPort(const std::string& ip, uint32_t port) {
  std::string host = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
  return host + ":" + std::to_string(port);
}

Result<json> ParseList(std::string_view text, const std::string& source) {
  JsonParse parsed = ParseJsonText(text);
  if (!parsed.ok()) {
    return Status::InvalidInput(source + ": byte " + std::to_string(parsed.error->byte) +
                                ": not JSON");
  }
  const json* items = Find(parsed.value, "items");
  if (items == nullptr || !items->is_array()) {
    return Status::InvalidInput(source + ": expected a List (kind, items)");
  }
  return *items;
}

}  // namespace

Result<GatewayServices> ParseGatewayServices(std::string_view text, std::string_view source) {
  Result<json> items = ParseList(text, std::string(source));
  if (!items.ok()) return items.status();
  GatewayServices out;
  std::set<std::string> seen;
  auto add = [&](const std::string& a) {
    if (seen.insert(a).second) out.addresses.push_back(a);
  };
  for (const json& svc : *items) {
    const json* spec = Find(svc, "spec");
    const std::string name = Shown(Str(Find(svc, "metadata"), "name"));
    // The port mTLS passthrough listens on: 15443 (or the port whose target is 15443).
    uint32_t port = 0, node_port = 0;
    const json* ports = spec != nullptr ? Find(*spec, "ports") : nullptr;
    for (const json& p : ports != nullptr && ports->is_array() ? *ports : json::array()) {
      if (Port(&p, "port") == kGatewayPort || Port(&p, "targetPort") == kGatewayPort) {
        port = Port(&p, "port");
        node_port = Port(&p, "nodePort");
      }
    }
    if (port == 0) {
      out.notes.push_back("service istio-system/" + name + " has no port " +
                          std::to_string(kGatewayPort) + ": not used as a gateway");
      continue;
    }
    bool any = false;
    const json* lb = Find(svc, "status");
    lb = lb != nullptr ? Find(*lb, "loadBalancer") : nullptr;
    const json* ingress = lb != nullptr ? Find(*lb, "ingress") : nullptr;
    for (const json& in : ingress != nullptr && ingress->is_array() ? *ingress : json::array()) {
      std::string ip = Str(&in, "ip");
      if (ParseIp(ip)) {
        add(HostPort(ip, port));
        any = true;
      } else if (!Str(&in, "hostname").empty()) {
        out.notes.push_back("service istio-system/" + name + ": load balancer hostname " +
                            Shown(Str(&in, "hostname")) + " not resolved: pass --gateway");
      }
    }
    const json* external = spec != nullptr ? Find(*spec, "externalIPs") : nullptr;
    for (const json& ip : external != nullptr && external->is_array() ? *external : json::array()) {
      if (ip.is_string() && ParseIp(ip.get<std::string>())) {
        add(HostPort(ip.get<std::string>(), port));
        any = true;
      }
    }
    if (!any && node_port != 0) out.node_ports.push_back(node_port);
  }
  return out;
}

Result<std::vector<std::string>> ParseNodeAddresses(std::string_view text,
                                                    std::string_view source) {
  Result<json> items = ParseList(text, std::string(source));
  if (!items.ok()) return items.status();
  std::vector<std::string> out;
  for (const json& node : *items) {
    const json* status = Find(node, "status");
    const json* addrs = status != nullptr ? Find(*status, "addresses") : nullptr;
    for (const json& a : addrs != nullptr && addrs->is_array() ? *addrs : json::array()) {
      if (Str(&a, "type") == "InternalIP" && ParseIp(Str(&a, "address"))) {
        out.push_back(Str(&a, "address"));
      }
    }
  }
  return out;
}

std::vector<std::string> GatewayServicesArgv(const ClusterConfig& cluster) {
  std::vector<std::string> argv = {
      "kubectl", "get", "services", "-n", "istio-system", "-l", "istio=eastwestgateway"};
  AddKubeFlags(cluster, &argv);
  argv.push_back("-o");
  argv.push_back("json");
  return argv;
}

Result<std::vector<std::string>> DiscoverGateways(CommandRunner& runner,
                                                  const ClusterConfig& cluster,
                                                  std::chrono::milliseconds timeout,
                                                  std::vector<std::string>* notes) {
  std::vector<std::string> argv = GatewayServicesArgv(cluster);
  Result<CommandResult> r = runner.Run(argv, timeout);
  if (Status s = CommandFailure(argv, r); !s.ok()) return s;
  Result<GatewayServices> svc = ParseGatewayServices(r->stdout_text, CommandLine(argv));
  if (!svc.ok()) return svc.status();
  for (const std::string& n : svc->notes) notes->push_back(cluster.name + ": " + n);
  std::vector<std::string> out = svc->addresses;
  if (svc->node_ports.empty()) return out;
  std::vector<std::string> nodes_argv = {"kubectl", "get", "nodes"};
  AddKubeFlags(cluster, &nodes_argv);
  nodes_argv.push_back("-o");
  nodes_argv.push_back("json");
  r = runner.Run(nodes_argv, timeout);
  if (Status s = CommandFailure(nodes_argv, r); !s.ok()) return s;
  Result<std::vector<std::string>> ips =
      ParseNodeAddresses(r->stdout_text, CommandLine(nodes_argv));
  if (!ips.ok()) return ips.status();
  for (uint32_t port : svc->node_ports) {
    for (const std::string& ip : *ips) out.push_back(HostPort(ip, port));
  }
  return out;
}

}  // namespace meshverify::discover
