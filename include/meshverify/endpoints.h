#pragma once
// Endpoint views: what one sidecar believes the endpoints of its Envoy clusters are, read from
// istioctl or Envoy admin output, and the mapping of those endpoints onto mesh clusters.
//
// Parsers (src/parse/endpoints_*.cc) and the cluster map and share functions
// (src/analyze/cluster_map.cc) are pure: they take text and values, return values, do no I/O,
// and may be called from any thread. A ClusterMap is immutable after Create(); its const
// methods may be called from several threads without synchronization.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/config.h"
#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

enum class EndpointFormat {
  kAuto,           // detect with DetectEndpointFormat()
  kIstioctlTable,  // `istioctl proxy-config endpoints POD` (ENDPOINT STATUS OUTLIER CHECK CLUSTER)
  kIstioctlJson,   // `istioctl proxy-config endpoints POD -o json` (array of ClusterStatus)
  kEnvoyClustersJson,  // Envoy admin `/clusters?format=json` ({"cluster_statuses": [...]})
  kEnvoyClustersText,  // Envoy admin `/clusters` ({cluster}::{addr}::{stat}::{value})
  kEdsTable,           // `istioctl proxy-config eds POD` (NAME STATUS LOCALITY CLUSTER)
  kEdsJson,            // `istioctl proxy-config eds POD -o json` (array of ClusterLoadAssignment)
};

// Returns the CLI spelling of `fmt`: auto, table, json, envoy-json, envoy-text, eds, eds-json.
std::string_view EndpointFormatName(EndpointFormat fmt);

// Parses a CLI spelling (see EndpointFormatName). Fails with Usage
// "--format: unknown format '<name>' (auto|table|json|envoy-json|envoy-text|eds|eds-json)".
Result<EndpointFormat> ParseEndpointFormat(std::string_view name);

// Guesses the format of `text` from its first non-blank content: JSON by its first byte, a
// table by its header or, without one, by the shape of its first row (an address, then a
// STATUS name: `istioctl pc endpoints POD | grep ...`), else Envoy /clusters text by "::". A
// prefix every line shares ("# ", "> ", indentation) is ignored. Returns kAuto when no format
// matches (ParseEndpointView then fails naming the source).
EndpointFormat DetectEndpointFormat(std::string_view text);

// An endpoint view as read, with what was odd about it.
struct EndpointView {
  std::vector<Endpoint> endpoints;
  // The format read (detected when kAuto was asked). Tables carry no weights: every endpoint
  // read from one has weight 1 whatever Envoy uses.
  EndpointFormat format = EndpointFormat::kAuto;
  // Problems that did not stop the view from being read, one line each and located like the
  // errors below ("<source>:<line>: <reason>", "<source>: <json path>: <reason>"), at most 50
  // (then a last line says how many more). Callers show them (`endpoints`: text and JSON;
  // `check`: report notes). They are:
  //  - an address that is not an IP ("X.X.X.X:443", redacted): kept as written, so that no
  //    view silently reads as "no endpoints"; no pod CIDR maps it;
  //  - a table row that ends before its CLUSTER column (a paste cut short): kept, with the
  //    cells it has and an empty envoy_cluster;
  //  - the last line of Envoy /clusters text cut inside a stat: ignored;
  //  - a ClusterStatus JSON that lists a cluster twice: its hosts are kept twice.
  std::vector<std::string> warnings;
};

// Parses an endpoint view in format `fmt` (kAuto: detected). Returns one Endpoint per host of
// every Envoy cluster, in input order; `source_pod` and `cluster` are left empty. An empty
// view (a table with only its header, `[]`, an empty /clusters dump) gives no endpoints and
// no error. Accepted as people paste them: CRLF line ends; leading blank lines; a prefix every
// line shares ("# "); tables without their header (columns found by shape: address, STATUS,
// OK|FAILED, LOCALITY, CLUSTER), the pre-1.1 three-column ENDPOINT STATUS CLUSTER table,
// rows spaced differently from the header, several listings one after the other; addresses
// without a port (unix://, envoy://, a bare IP: port 0). Unknown JSON fields are ignored;
// camelCase and snake_case spellings are accepted in every JSON format, and so are the
// older Envoy forms (`socket_address.port` for `port_value`, integers bare or as
// {"value": N}). Fails with InvalidInput:
//   JSON:  "<source>: byte N, line L, column C: <reason>" (from the JSON parser; a `//` or
//          `/*` comment says so: JSON has none) or "<source>: <json path>: <reason>";
//   text:  "<source>:<line>: <reason>" (line 1-based), e.g. an unknown STATUS value or an
//          address with a typo ("10.0.0.999").
Result<EndpointView> ParseEndpointView(std::string_view text, EndpointFormat fmt,
                                       std::string_view source = "<input>");

// ParseEndpointView without the warnings.
Result<std::vector<Endpoint>> ParseEndpoints(std::string_view text, EndpointFormat fmt,
                                             std::string_view source = "<input>");

// Returns the endpoints whose Envoy cluster equals `name`, compared case-insensitively
// (as `istioctl proxy-config endpoints --cluster`). An empty `name` keeps every endpoint.
std::vector<Endpoint> FilterByEnvoyCluster(std::vector<Endpoint> endpoints, std::string_view name);

// Networking of a kind Cluster config (kind.x-k8s.io/v1alpha4 `networking:`).
struct KindNetworking {
  std::string ip_family;                     // "ipv4" (default), "ipv6" or "dual"
  std::vector<std::string> pod_subnets;      // `podSubnet`, split on commas (dual stack)
  std::vector<std::string> service_subnets;  // `serviceSubnet`, split on commas
  bool pod_subnet_defaulted = false;  // true when podSubnet was absent and kind's default is used
};

// Parses a kind Cluster config file. When `networking.podSubnet` (or `serviceSubnet`) is absent
// the subnets are kind's defaults for the IP family (pods 10.244.0.0/16 and/or
// fd00:10:244::/56, services 10.96.0.0/16 and/or fd00:10:96::/112). Every subnet is checked to
// be a CIDR. Fails with InvalidInput "<source>:<line>: <dotted key>: <reason>" or
// "<source>: <reason>" when the text is not YAML or not a kind Cluster.
Result<KindNetworking> ParseKindConfig(std::string_view yaml, std::string_view source);

// Validates "10.241.0.0/16" or "fd00:10:244::/56". Fails with InvalidInput "<reason>" (no place:
// callers add it). Host bits set are an error ("10.241.0.1/16: host bits set").
Status ValidateCidr(std::string_view cidr);

// What to do when two clusters' CIDRs overlap.
enum class OverlapPolicy {
  kReject,         // Create() fails
  kLeaveUnmapped,  // Create() succeeds; addresses inside an overlap map to no cluster
};

// Maps addresses (IPv4 and IPv6) to mesh clusters by their pod CIDRs.
class ClusterMap {
 public:
  // Builds the map from each cluster's `name` and `pod_cidrs` (other fields are ignored).
  // Fails with InvalidInput when a CIDR is invalid ("<cluster>: pod_cidrs: <reason>"), or,
  // under kReject, when CIDRs of two clusters overlap:
  // "pod CIDRs overlap: cluster1 10.0.0.0/8 and cluster2 10.244.0.0/16".
  static Result<ClusterMap> Create(std::vector<ClusterConfig> clusters,
                                   OverlapPolicy policy = OverlapPolicy::kReject);

  // Returns one line per pair of overlapping CIDRs of two different clusters, in the form of the
  // kReject error message; empty when none overlap. Invalid CIDRs are skipped.
  static std::vector<std::string> FindOverlaps(const std::vector<ClusterConfig>& clusters);

  // Returns the mesh cluster whose pod CIDRs contain `address` (IPv4, IPv6 with or without
  // brackets); "" when none does, when `address` is not an IP (e.g. "unix://..."), or when it
  // lies inside an overlap (kLeaveUnmapped). The longest matching prefix wins within a cluster.
  std::string ClusterOf(std::string_view address) const;

  // Sets each endpoint's `cluster`: ClusterOf(address) when non-empty, else its
  // `workload_cluster_id` (Istio's cluster ID from EDS metadata), else "".
  void AssignClusters(std::vector<Endpoint>& endpoints) const;

  // Names of the configured clusters, in config order.
  const std::vector<std::string>& cluster_names() const { return names_; }

  // An IP network: 4 or 16 address bytes and a prefix length.
  struct Range {
    std::string cluster;
    std::string cidr;  // as configured
    bool v6 = false;
    std::array<uint8_t, 16> net{};
    int prefix_len = 0;
  };

 private:
  std::vector<Range> ranges_;    // every cluster's CIDRs
  std::vector<Range> overlaps_;  // intersections of two clusters' CIDRs (kLeaveUnmapped)
  std::vector<std::string> names_;
};

// The `expect: endpoints` mode of DESIGN.md. Returns the expected share of traffic per mesh
// cluster (Endpoint::cluster; unmapped endpoints under ""), from the routable endpoints
// (Endpoint::Routable) weighted by Envoy weight. Across priorities, load is split as Envoy does
// (overprovisioning factor 1.4, Istio's default; no panic mode, as Istio's default
// minHealthPercent is 0). Shares sum to 1; the map is empty when no endpoint is routable.
// Callers pass one sidecar's view of one Envoy cluster (see FilterByEnvoyCluster).
std::map<std::string, double> ExpectedClusterShares(const std::vector<Endpoint>& endpoints);

// Same as ExpectedClusterShares, keyed by endpoint address (so per pod when each pod has one
// address); endpoints sharing an address add up.
std::map<std::string, double> ExpectedEndpointShares(const std::vector<Endpoint>& endpoints);

}  // namespace meshverify
