// `meshverify endpoints`' text and JSON output (endpoints_output.h).
#include "cli/endpoints_output.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "meshverify/report.h"

namespace meshverify::cli {
namespace {

struct Counts {
  size_t endpoints = 0, healthy = 0, unhealthy = 0, ejected = 0, routable = 0;
};

Counts CountOf(const View& v, const std::string& cluster) {
  Counts c;
  for (const Endpoint& e : v.endpoints) {
    if (e.cluster != cluster) continue;
    ++c.endpoints;
    c.healthy += e.health == HealthStatus::kHealthy;
    c.unhealthy += e.health != HealthStatus::kHealthy && e.health != HealthStatus::kDegraded;
    c.ejected += e.outlier_ejected;
    c.routable += e.Routable();
  }
  return c;
}

double ShareOf(const View& v, const std::string& cluster) {
  auto it = v.shares.find(cluster);
  return it == v.shares.end() ? 0.0 : it->second;
}

}  // namespace

void WriteText(const View& v, std::ostream& os) {
  if (v.endpoints.empty()) os << "no endpoints\n";
  for (const std::string& cluster : v.cluster_order) {
    Counts c = CountOf(v, cluster);
    os << (cluster.empty() ? "(no cluster)" : cluster) << ": " << c.endpoints << " endpoints, "
       << c.healthy << " healthy, " << c.unhealthy << " unhealthy, " << c.ejected << " ejected, "
       << c.routable << " routable";
    if (v.shares_valid) {
      os << ", expected share " << std::fixed << std::setprecision(3) << ShareOf(v, cluster);
      os.unsetf(std::ios::fixed);
    }
    os << "\n";
    for (const Endpoint& e : v.endpoints) {
      if (e.cluster != cluster) continue;
        os << "  " << std::left << std::setw(24) << HostPort(e) << " " << std::setw(10)
         << HealthStatusName(e.health) << " " << std::setw(8) << OutlierName(e.outlier_ejected)
         << " weight "
         << std::setw(4) << e.weight << " " << std::setw(12)
         << (e.locality.empty() ? "-" : e.locality) << " " << e.envoy_cluster
         << (e.via.empty() ? "" : " via " + e.via) << "\n"
         << std::right;
    }
  }
  if (!v.mapped && !v.endpoints.empty()) {
    os << "note: no cluster mapping given (use --cidr, -c mesh.yaml or --kind-config)\n";
  }
  if (!v.shares_valid && !v.endpoints.empty()) {
    os << "note: several Envoy clusters listed; pass --cluster NAME for expected shares\n";
  }
  for (const std::string& n : v.notes) os << "note: " << n << "\n";
  for (const auto* list : {&v.warnings, &v.problems}) {
    if (list->empty()) continue;
    os << (list == &v.warnings ? "warnings:\n" : "problems:\n");
    constexpr size_t kMaxShown = 20;  // the JSON output lists every one
    for (size_t i = 0; i < list->size() && i < kMaxShown; ++i) os << "  - " << (*list)[i] << "\n";
    if (list->size() > kMaxShown) {
      os << "  ... and " << list->size() - kMaxShown << " more (see -o json)\n";
    }
  }
}

void WriteJson(const View& v, std::ostream& os) {
  nlohmann::json eps = nlohmann::json::array();
  for (const Endpoint& e : v.endpoints) {
    nlohmann::json j = EndpointToJson(e);
    if (e.source_pod.empty()) j.erase("source_pod");
    eps.push_back(std::move(j));
  }
  nlohmann::json clusters = nlohmann::json::object();
  for (const std::string& cluster : v.cluster_order) {
    Counts c = CountOf(v, cluster);
    clusters[cluster] = {{"endpoints", c.endpoints},
                         {"healthy", c.healthy},
                         {"unhealthy", c.unhealthy},
                         {"ejected", c.ejected},
                         {"routable", c.routable}};
    clusters[cluster]["expected_share"] =
        v.shares_valid ? nlohmann::json(ShareOf(v, cluster)) : nlohmann::json(nullptr);
  }
  nlohmann::json out = {{"endpoints", std::move(eps)},
                        {"clusters", std::move(clusters)},
                        {"problems", v.problems},
                        {"warnings", v.warnings},
                        {"notes", v.notes}};
  os << out.dump(2) << "\n";
}

std::string HostPort(const Endpoint& e) {
  if (e.port == 0) return e.address;
  if (e.address.find(':') != std::string::npos) {
    return "[" + e.address + "]:" + std::to_string(e.port);
  }
  return e.address + ":" + std::to_string(e.port);
}

}  // namespace meshverify::cli
