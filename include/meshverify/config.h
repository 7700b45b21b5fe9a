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

// Parses "v1=0.5,v2=0.5" (or "cluster1=0.5,cluster2=0.5"). Fails with InvalidInput
// "<source>: <reason>" on an empty list, a bad name or number, a negative share, a duplicate
// name, or shares that do not sum to 1 (within 1e-6).
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
// "<source>: <reason>" when the text is not YAML or not a kind Cluster.
Result<KindNetworking> ParseKindConfig(std::string_view yaml, std::string_view source);

// Parses durations "5s", "250ms", "2m", or a bare number of seconds.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text, std::string_view source);

}  // namespace meshverify
