#pragma once
// mesh.yaml: meshverify's config for `check` and `load` (DESIGN.md "Config"), and the
// `--expect` share lists. Pure: parses text, does no I/O.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/status.h"

namespace meshverify {

// The gate (DESIGN.md "Statistics"): mesh.yaml `gate:`, the --tolerance, --alpha and
// --max-error-rate flags, and what Analyze gates with. One struct for all three.
struct GateOptions {
  double tolerance = 0.05;      // a share is balanced within expected ± tolerance
  double alpha = 0.01;          // family-wise error rate of each source's gate
  double max_error_rate = 0.0;  // errors / requests above this fail; 0 = any error fails
};

struct ClusterConfig {
  std::string name;                    // mesh cluster name, e.g. "cluster1"
  std::string context;                 // kubeconfig context, e.g. "kind-cluster1"
  std::string kubeconfig;              // "" = kubectl's default
  std::vector<std::string> pod_cidrs;  // "10.241.0.0/16", IPv4 or IPv6
  // Multi-network: the cluster's east-west gateway addresses, "ADDR[:PORT]" (ParseGatewayAddress;
  // no port = any port). An endpoint at one belongs to this cluster, reached through it.
  std::vector<std::string> gateways;
};

struct MeshConfig {
  std::vector<ClusterConfig> clusters;
  struct Source {
    std::string ns = "sample";
    std::string selector = "app=sleep";
    std::string container = "sleep";
  } source;
  struct Target {
    std::string url = "http://helloworld.sample:5000/hello";
    std::string envoy_cluster = "outbound|5000||helloworld.sample.svc.cluster.local";
    std::string destinations = "app=helloworld";  // label selector of destination pods
    std::string ns;                               // destination namespace; "" = source.ns
    std::string pattern;                          // RE2 with groups version, instance; "" = helloworld
  } target;
  struct Expect {
    bool from_endpoints = true;            // `expect: endpoints` (the default)
    std::map<std::string, double> shares;  // `expect: {v1: 0.5, v2: 0.5}` (versions or clusters)
    std::string note;                      // ParseShareList's note when they were normalised
  } expect;
  GateOptions gate;
  struct Run {
    // At most `requests` per source pod, analysed at `looks` evenly spaced points; probing
    // stops at the first look where every source's gate is decided. Each look gets alpha /
    // looks (stats::SequentialAlpha), so the error rates hold over all the looks.
    uint64_t requests = 4000;
    int looks = 4;
    int concurrency = 4;        // requests in flight per source (one curl each in the pod)
    std::chrono::milliseconds timeout{5000};    // per request
    std::chrono::milliseconds deadline{300000}; // whole probing phase
    std::chrono::milliseconds wait{60000};      // bounded wait for endpoint convergence
  } run;
};

// Parses mesh.yaml. Every key is validated; an unknown key or a bad value fails with
// InvalidInput "<source>:<line>: <key>: <reason>" (line 1-based, from yaml-cpp's mark).
Result<MeshConfig> ParseMeshConfig(std::string_view yaml, std::string_view source = "mesh.yaml");

// A parsed share list: the shares (summing to 1) and, when they were normalised, a note
// saying so, e.g. "--expect: weights 1/1/1 normalised to shares: v1=0.3333333333, ...".
struct ShareList {
  std::map<std::string, double> shares;
  std::string note;  // "" when the shares were taken as written
};

// Parses "v1=0.5,v2=0.5" (or "cluster1=0.5,cluster2=0.5"). A value is a decimal ("0.5", ".5")
// or a fraction ("1/3"). The values are taken as
//  - weights when every one is a whole number ("v1=1,v2=1,v3=1", "v1=3,v2=1"): divided by
//    their sum, with a note;
//  - shares otherwise: they must sum to 1 within 1e-6, or within what rounding to the most
//    decimals written can explain (k entries with at most d decimals: strictly less than
//    k/2 units of the d-th decimal, so "0.333333" three times and "0.33" three times pass,
//    "0.3,0.6" does not); then divided by their sum, with a note when off by more than 1e-6.
// Fails with InvalidInput "<source>: <reason>" on an empty list, a bad name or number, a
// negative share, a duplicate name, or a sum that is none of these.
Result<ShareList> ParseShareList(std::string_view text, std::string_view source = "--expect");

// ParseShareList's shares alone.
Result<std::map<std::string, double>> ParseShares(std::string_view text,
                                                  std::string_view source = "--expect");

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
// "<source>: <reason>" when the text is not YAML or not a kind Cluster (`kind: Cluster` is
// required, as kind requires it).
Result<KindNetworking> ParseKindConfig(std::string_view yaml, std::string_view source);

// Parses durations "5s", "250ms", "2m", or a bare number of seconds.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text, std::string_view source);

}  // namespace meshverify
