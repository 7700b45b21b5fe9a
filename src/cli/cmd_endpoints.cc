// `meshverify endpoints [FILE...|-]`: parse sidecar endpoint views, map each endpoint to its
// mesh cluster, and show health counts, expected shares and problems (endpoints_output.cc).
#include <algorithm>
#include <ostream>
#include <set>

#include "cli/commands.h"
#include "cli/endpoints_output.h"
#include "meshverify/cluster_map.h"
#include "meshverify/config.h"
#include "meshverify/endpoint_parsers.h"
#include "meshverify/expected_shares.h"
#include "meshverify/ip.h"

// An endpoint at an east-west gateway address (--gateway, clusters[].gateways) belongs to the
// gateway's cluster, reached through it (JSON "via": "gateway"); gateways take precedence over
// pod CIDRs, and pod CIDRs that overlap between clusters that both have gateways are a
// multi-network mesh, not a problem.

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

ClusterConfig& ClusterNamed(std::vector<ClusterConfig>& clusters, const std::string& name) {
  for (ClusterConfig& c : clusters) {
    if (c.name == name) return c;
  }
  clusters.push_back(ClusterConfig{name, "", "", {}, {}});
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

Status CollectClusters(const EndpointsFlags& f, Environment& env,
                       std::vector<ClusterConfig>* clusters) {
  if (!f.config.empty()) {
    Result<std::string> text = ReadFileOrStdin(env, f.config);
    if (!text.ok()) return text.status();
    Result<MeshConfig> mesh = ParseMeshConfig(*text, f.config);
    if (!mesh.ok()) return mesh.status();
    *clusters = mesh->clusters;
  }
  for (const std::string& arg : f.cidrs) {
    auto nv = NameValue("--cidr", arg);
    if (!nv.ok()) return nv.status();
    Status s = ValidateCidr(nv->second);
    if (!s.ok()) return s.WithPrefix("--cidr " + arg);
    ClusterNamed(*clusters, nv->first).pod_cidrs.push_back(nv->second);
  }
  for (const std::string& arg : f.gateways) {
    auto nv = NameValue("--gateway", arg);
    if (!nv.ok()) return nv.status();
    Result<GatewayAddress> g = ParseGatewayAddress(nv->second);
    if (!g.ok()) return Status::Usage("--gateway " + arg + ": " + g.status().message());
    ClusterNamed(*clusters, nv->first).gateways.push_back(nv->second);
  }
  for (const std::string& arg : f.kind_configs) {
    auto nv = NameValue("--kind-config", arg);
    if (!nv.ok()) return nv.status();
    Result<std::string> text = ReadFileOrStdin(env, nv->second);
    if (!text.ok()) return text.status();
    Result<KindNetworking> kind = ParseKindConfig(*text, nv->second);
    if (!kind.ok()) return kind.status();
    for (const std::string& cidr : kind->pod_subnets) {
      ClusterNamed(*clusters, nv->first).pod_cidrs.push_back(cidr);
    }
  }
  return Status::Ok();
}

bool IsVia(const Endpoint& e) { return !e.via.empty(); }

// Whose view this is, for addresses inside pod CIDRs that two networks share: a sidecar lists
// the gateways of the other networks, never its own, so the one cluster with gateways whose
// gateway the view does not list ("" when not exactly one).
std::string LocalCluster(const ClusterMap& map, const std::vector<ClusterConfig>& clusters,
                         const std::vector<Endpoint>& view) {
  std::set<std::string> listed;
  for (const Endpoint& e : view) {
    std::string gw = map.GatewayOf(e.address, e.port);
    if (!gw.empty()) listed.insert(gw);
  }
  if (listed.empty()) return "";
  std::string local;
  for (const ClusterConfig& c : clusters) {
    if (c.gateways.empty() || listed.count(c.name) != 0) continue;
    if (!local.empty()) return "";
    local = c.name;
  }
  return local;
}

Result<View> BuildView(const EndpointsFlags& f, Environment& env) {
  View v;
  bool table_with_gateway = false;
  std::vector<ClusterConfig> clusters;
  Status s = CollectClusters(f, env, &clusters);
  if (!s.ok()) return s;
  v.problems = ClusterMap::FindOverlaps(clusters);
  Result<ClusterMap> map = ClusterMap::Create(clusters, OverlapPolicy::kLeaveUnmapped);
  if (!map.ok()) return map.status();
  v.cluster_order = map->cluster_names();
  for (const std::string& file : f.files) {
    Result<std::string> text = ReadFileOrStdin(env, file);
    if (!text.ok()) return text.status();
    Result<EndpointView> eps = ParseEndpointView(*text, f.format, file == "-" ? "<stdin>" : file);
    if (!eps.ok()) return eps.status();
    std::vector<Endpoint> mine = FilterByEnvoyCluster(std::move(eps->endpoints), f.envoy_cluster);
    map->AssignClusters(mine, LocalCluster(*map, clusters, mine));
    if (eps->format == EndpointFormat::kIstioctlTable || eps->format == EndpointFormat::kEdsTable) {
      table_with_gateway = table_with_gateway || std::any_of(mine.begin(), mine.end(), IsVia);
    }
    for (Endpoint& e : mine) v.endpoints.push_back(std::move(e));
    for (std::string& w : eps->warnings) v.warnings.push_back(std::move(w));
  }
  if (table_with_gateway) {
    v.notes.push_back(
        "a table has no weights: each gateway endpoint counts as one endpoint here, while Istio "
        "weights it by the number of remote endpoints behind it; read the view with -o json for "
        "the shares Envoy uses");
  }
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

}  // namespace

Result<EndpointsFlags> ParseEndpointsFlags(const Args& args) {
  EndpointsFlags f;
  std::string format = "auto", output = "text";
  po::options_description desc(kUsage, 100, 50);
  desc.add_options()("help,h", "show this help")(
      "format", po::value(&format)->default_value("auto"),
      "auto|table|json|envoy-json|envoy-text|eds|eds-json")(
      "cluster", po::value(&f.envoy_cluster), "keep only this Envoy cluster (exact, any case)")(
      "cidr", po::value(&f.cidrs)->composing(), "CLUSTER=CIDR pod CIDR of a cluster (repeatable)")(
      "gateway", po::value(&f.gateways)->composing(),
      "CLUSTER=ADDR[:PORT] east-west gateway of a cluster (repeatable; multi-network)")(
      "config,c", po::value(&f.config), "mesh.yaml: clusters[].pod_cidrs and gateways")(
      "kind-config", po::value(&f.kind_configs)->composing(),
      "CLUSTER=PATH kind config whose networking.podSubnet is the cluster's (repeatable)")(
      "output,o", po::value(&output)->default_value("text"), "text|json");
  po::variables_map vm;
  if (Status s = ParseArgsAndFiles(args, desc, &f.files, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText("", desc, "\n");
    return f;
  }
  Result<EndpointFormat> fmt = ParseEndpointFormat(format);
  if (!fmt.ok()) return fmt.status();
  f.format = *fmt;
  Result<bool> json = ParseTextOrJson(output);
  if (!json.ok()) return json.status();
  f.json = *json;
  if (f.files.empty()) f.files.push_back("-");
  return f;
}

ExitCode RunEndpoints(const EndpointsFlags& f, Environment& env) {
  // Unreadable or malformed input is an input error (DESIGN.md exit codes).
  Result<View> view = BuildView(f, env);
  if (!view.ok()) return ReportError(env, "endpoints", view.status());
  if (f.json) {
    WriteJson(*view, *env.out);
  } else {
    WriteText(*view, *env.out);
  }
  return view->problems.empty() ? ExitCode::kPass : ExitCode::kFail;
}

}  // namespace meshverify::cli
