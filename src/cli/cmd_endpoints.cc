// `meshverify endpoints [FILE...|-]`: parse sidecar endpoint views, map each endpoint to its
// mesh cluster, and show health counts, expected shares and problems.
#include <algorithm>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/config.h"
#include "meshverify/endpoints.h"

namespace meshverify::cli {
namespace {

constexpr char kUsage[] = R"(Usage: meshverify endpoints [options] [FILE...|-]

Reads sidecar endpoint views (stdin when no FILE or '-'): the table or -o json of
`istioctl proxy-config endpoints POD`, Envoy admin /clusters (text or ?format=json), or
`istioctl proxy-config eds POD` (table or -o json). Maps each endpoint to a mesh cluster by
pod CIDRs (--cidr, -c mesh.yaml, --kind-config) or by Istio's workload cluster ID, and shows
per-cluster health counts and the expected traffic share (healthy, non-ejected endpoints
weighted as Envoy does). Pass one sidecar's view of one Envoy cluster (--cluster) for shares.

Warnings (an address that is not an IP, a row cut off, ...) are listed and do not change the
exit code. Exit codes: 0 no problems; 1 problems found (an endpoint in no cluster's pod CIDRs,
or pod CIDRs that overlap between clusters); 2 bad flags or unreadable/malformed input.

Options)";

struct Flags {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string envoy_cluster;
  std::vector<std::string> cidrs;
  std::vector<std::string> kind_configs;
  std::string config;
  std::string output = "text";
};

struct View {
  std::vector<Endpoint> endpoints;
  std::vector<std::string> cluster_order;  // configured clusters first
  std::vector<std::string> problems;
  // The parsers' warnings (EndpointView::warnings) of every file.
  std::vector<std::string> warnings;
  bool mapped = false;  // some mapping source was given
  bool shares_valid = false;
  std::map<std::string, double> shares;
};

Status Fail(const std::string& msg) { return Status::InvalidInput(msg); }

ClusterConfig& ClusterNamed(std::vector<ClusterConfig>& clusters, const std::string& name) {
  for (ClusterConfig& c : clusters) {
    if (c.name == name) return c;
  }
  clusters.push_back(ClusterConfig{name, "", "", {}});
  return clusters.back();
}

// "cluster1=VALUE" -> {cluster1, VALUE}.
Result<std::pair<std::string, std::string>> NameValue(const std::string& flag,
                                                      const std::string& arg) {
  size_t eq = arg.find('=');
  if (eq == 0 || eq == std::string::npos || eq + 1 == arg.size()) {
    return Status::Usage(flag + " " + arg + ": expected CLUSTER=VALUE");
  }
  return std::make_pair(arg.substr(0, eq), arg.substr(eq + 1));
}

Status CollectClusters(const Flags& f, Environment& env, std::vector<ClusterConfig>* clusters) {
  if (!f.config.empty()) {
    Result<std::string> text = ReadFileOrStdin(env, f.config);
    if (!text.ok()) return Fail(text.status().message());
    Result<MeshConfig> mesh = ParseMeshConfig(*text, f.config);
    if (!mesh.ok()) return mesh.status();
    *clusters = mesh->clusters;
  }
  for (const std::string& arg : f.cidrs) {
    auto nv = NameValue("--cidr", arg);
    if (!nv.ok()) return nv.status();
    Status s = ValidateCidr(nv->second);
    if (!s.ok()) return Status::Usage("--cidr " + arg + ": " + s.message());
    ClusterNamed(*clusters, nv->first).pod_cidrs.push_back(nv->second);
  }
  for (const std::string& arg : f.kind_configs) {
    auto nv = NameValue("--kind-config", arg);
    if (!nv.ok()) return nv.status();
    Result<std::string> text = ReadFileOrStdin(env, nv->second);
    if (!text.ok()) return Fail(text.status().message());
    Result<KindNetworking> kind = ParseKindConfig(*text, nv->second);
    if (!kind.ok()) return kind.status();
    for (const std::string& cidr : kind->pod_subnets) {
      ClusterNamed(*clusters, nv->first).pod_cidrs.push_back(cidr);
    }
  }
  return Status::Ok();
}

std::string HostPort(const Endpoint& e) {
  if (e.port == 0) return e.address;
  if (e.address.find(':') != std::string::npos) {
    return "[" + e.address + "]:" + std::to_string(e.port);
  }
  return e.address + ":" + std::to_string(e.port);
}

Result<View> BuildView(const Flags& f, EndpointFormat fmt, Environment& env) {
  View v;
  std::vector<ClusterConfig> clusters;
  Status s = CollectClusters(f, env, &clusters);
  if (!s.ok()) return s;
  v.problems = ClusterMap::FindOverlaps(clusters);
  Result<ClusterMap> map = ClusterMap::Create(clusters, OverlapPolicy::kLeaveUnmapped);
  if (!map.ok()) return map.status();
  v.cluster_order = map->cluster_names();
  std::vector<std::string> files = f.files.empty() ? std::vector<std::string>{"-"} : f.files;
  for (const std::string& file : files) {
    Result<std::string> text = ReadFileOrStdin(env, file);
    if (!text.ok()) return Fail(text.status().message());
    Result<EndpointView> eps = ParseEndpointView(*text, fmt, file == "-" ? "<stdin>" : file);
    if (!eps.ok()) return eps.status();
    for (Endpoint& e : eps->endpoints) v.endpoints.push_back(std::move(e));
    for (std::string& w : eps->warnings) v.warnings.push_back(std::move(w));
  }
  v.endpoints = FilterByEnvoyCluster(std::move(v.endpoints), f.envoy_cluster);
  map->AssignClusters(v.endpoints);
  v.mapped = !clusters.empty();
  std::set<std::string> envoy_clusters;
  for (const Endpoint& e : v.endpoints) {
    envoy_clusters.insert(e.envoy_cluster);
    if (!e.workload_cluster_id.empty()) v.mapped = true;
    if (std::find(v.cluster_order.begin(), v.cluster_order.end(), e.cluster) ==
        v.cluster_order.end()) {
      v.cluster_order.push_back(e.cluster);
    }
    // Pipes and internal addresses are local to the sidecar, not pods of any cluster.
    bool is_ip = e.address.find("://") == std::string::npos;
    if (v.mapped && e.cluster.empty() && is_ip) {
      v.problems.push_back("endpoint " + HostPort(e) + " (" + e.envoy_cluster +
                           ") is in no cluster's pod CIDRs");
    }
  }
  // Shares only mean something within one Envoy cluster (one service's load balancer).
  v.shares_valid = envoy_clusters.size() == 1;
  if (v.shares_valid) v.shares = ExpectedClusterShares(v.endpoints);
  return v;
}

struct Counts {
  size_t endpoints = 0, healthy = 0, unhealthy = 0, ejected = 0, routable = 0;
};

Counts CountOf(const View& v, const std::string& cluster) {
  Counts c;
  for (const Endpoint& e : v.endpoints) {
    if (e.cluster != cluster) continue;
    ++c.endpoints;
    c.healthy += e.health == "HEALTHY";
    c.unhealthy += e.health != "HEALTHY" && e.health != "DEGRADED";
    c.ejected += e.outlier_ejected;
    c.routable += e.Routable();
  }
  return c;
}

double ShareOf(const View& v, const std::string& cluster) {
  auto it = v.shares.find(cluster);
  return it == v.shares.end() ? 0.0 : it->second;
}

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
      os << "  " << std::left << std::setw(24) << HostPort(e) << " " << std::setw(10) << e.health
         << " " << std::setw(8) << (e.outlier_ejected ? "ejected" : "ok") << " weight "
         << std::setw(4) << e.weight << " " << std::setw(12)
         << (e.locality.empty() ? "-" : e.locality) << " " << e.envoy_cluster << "\n"
         << std::right;
    }
  }
  if (!v.mapped && !v.endpoints.empty()) {
    os << "note: no cluster mapping given (use --cidr, -c mesh.yaml or --kind-config)\n";
  }
  if (!v.shares_valid && !v.endpoints.empty()) {
    os << "note: several Envoy clusters listed; pass --cluster NAME for expected shares\n";
  }
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
                        {"warnings", v.warnings}};
  os << out.dump(2) << "\n";
}

}  // namespace

int RunEndpoints(const Args& args, Environment& env) {
  Flags f;
  po::options_description desc(kUsage, 100, 50);
  desc.add_options()("help,h", "show this help")(
      "format", po::value(&f.format)->default_value("auto"),
      "auto|table|json|envoy-json|envoy-text|eds|eds-json")(
      "cluster", po::value(&f.envoy_cluster), "keep only this Envoy cluster (exact, any case)")(
      "cidr", po::value(&f.cidrs)->composing(), "CLUSTER=CIDR pod CIDR of a cluster (repeatable)")(
      "config,c", po::value(&f.config), "mesh.yaml: clusters[].pod_cidrs")(
      "kind-config", po::value(&f.kind_configs)->composing(),
      "CLUSTER=PATH kind config whose networking.podSubnet is the cluster's (repeatable)")(
      "output,o", po::value(&f.output)->default_value("text"), "text|json");
  po::options_description hidden;
  hidden.add_options()("files", po::value(&f.files)->composing(), "input files");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("files", -1);
  po::variables_map vm;
  Status s = ParseArgs("endpoints", args, all, &positional, &vm);
  if (!s.ok()) {
    *env.err << s.message() << "\n";
    return 2;
  }
  if (vm.count("help")) {
    *env.out << desc << "\n";
    return 0;
  }
  Result<EndpointFormat> fmt = ParseEndpointFormat(f.format);
  if (!fmt.ok()) s = fmt.status();
  if (s.ok() && f.output != "text" && f.output != "json") {
    s = Status::Usage("-o " + f.output + ": expected text or json");
  }
  if (!s.ok()) {
    *env.err << "meshverify endpoints: " << s.message() << "\n";
    return 2;
  }
  Result<View> view = BuildView(f, *fmt, env);
  if (!view.ok()) {
    *env.err << "meshverify endpoints: " << view.status().message() << "\n";
    return 2;  // unreadable or malformed input is an input error (DESIGN.md exit codes)
  }
  if (f.output == "json") {
    WriteJson(*view, *env.out);
  } else {
    WriteText(*view, *env.out);
  }
  return view->problems.empty() ? 0 : 1;
}

}  // namespace meshverify::cli
