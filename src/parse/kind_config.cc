// kind Cluster config (kind.x-k8s.io/v1alpha4): only `networking` is read, for pod CIDRs.
#include <yaml-cpp/yaml.h>

#include "meshverify/config.h"
#include "meshverify/ip.h"
#include "parse/endpoints_internal.h"

namespace meshverify {
namespace {

// kind's defaults (pkg/apis/config/v1alpha4/default.go).
constexpr char kPodV4[] = "10.244.0.0/16";
constexpr char kPodV6[] = "fd00:10:244::/56";
constexpr char kServiceV4[] = "10.96.0.0/16";
constexpr char kServiceV6[] = "fd00:10:96::/112";

Status Fail(std::string_view source, const YAML::Node& at, const std::string& key,
            const std::string& reason) {
  std::string where(source);
  if (at.Mark().line >= 0) {
    // Appended piecewise: GCC 12 -O3 warns -Wrestrict (a false positive) on "lit" + string&&.
    where += ':';
    where += std::to_string(at.Mark().line + 1);
  }
  return Status::InvalidInput(where + ": " + endpoints_internal::Printable(key + ": " + reason));
}

// "10.244.0.0/16,fd00:10:244::/56" -> both, each checked.
Status Subnets(std::string_view source, const YAML::Node& n, const std::string& key,
               std::vector<std::string>* out) {
  if (!n.IsScalar() || n.Scalar().empty()) return Fail(source, n, key, "expected a CIDR");
  std::string_view rest = n.Scalar();
  while (true) {
    size_t comma = rest.find(',');
    std::string cidr(rest.substr(0, comma));
    while (!cidr.empty() && cidr.front() == ' ') cidr.erase(0, 1);
    while (!cidr.empty() && cidr.back() == ' ') cidr.pop_back();
    Status s = ValidateCidr(cidr);
    if (!s.ok()) return Fail(source, n, key, s.message());
    out->push_back(cidr);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

Result<KindNetworking> Read(const YAML::Node& root, std::string_view source) {
  if (!root.IsMap())
    return Status::InvalidInput(std::string(source) + ": expected a kind Cluster config");
  if (const YAML::Node kind = root["kind"];
      kind && (!kind.IsScalar() || kind.Scalar() != "Cluster")) {
    return Fail(source, kind, "kind", "expected 'Cluster'");
  }
  KindNetworking out;
  out.ip_family = "ipv4";
  const YAML::Node net = root["networking"];
  if (net && !net.IsNull() && !net.IsMap())
    return Fail(source, net, "networking", "expected a map");
  if (net && net.IsMap()) {
    if (const YAML::Node f = net["ipFamily"]) {
      if (!f.IsScalar() || (f.Scalar() != "ipv4" && f.Scalar() != "ipv6" && f.Scalar() != "dual")) {
        return Fail(source, f, "networking.ipFamily", "expected ipv4, ipv6 or dual");
      }
      out.ip_family = f.Scalar();
    }
    if (const YAML::Node p = net["podSubnet"]) {
      Status s = Subnets(source, p, "networking.podSubnet", &out.pod_subnets);
      if (!s.ok()) return s;
    }
    if (const YAML::Node p = net["serviceSubnet"]) {
      Status s = Subnets(source, p, "networking.serviceSubnet", &out.service_subnets);
      if (!s.ok()) return s;
    }
  }
  bool v4 = out.ip_family != "ipv6";
  bool v6 = out.ip_family != "ipv4";
  if (out.pod_subnets.empty()) {
    out.pod_subnet_defaulted = true;
    if (v4) out.pod_subnets.push_back(kPodV4);
    if (v6) out.pod_subnets.push_back(kPodV6);
  }
  if (out.service_subnets.empty()) {
    if (v4) out.service_subnets.push_back(kServiceV4);
    if (v6) out.service_subnets.push_back(kServiceV6);
  }
  return out;
}

}  // namespace

Result<KindNetworking> ParseKindConfig(std::string_view yaml, std::string_view source) {
  try {
    return Read(YAML::Load(std::string(yaml)), source);
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1);
    return Status::InvalidInput(where + ": " + endpoints_internal::Printable(e.msg));
  }
}

}  // namespace meshverify
