#pragma once
// Builders for analyze tests: counts, pods and endpoint views of the seed's two-cluster mesh
// (helloworld-v1 in cluster1 at 10.241.0.5, helloworld-v2 in cluster2 at 10.244.0.7).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "meshverify/aggregate.h"
#include "meshverify/analyze.h"
#include "meshverify/model.h"

namespace meshverify::testing_analyze {

inline const char* kPodV1 = "helloworld-v1-86f77cd7bd-cpxhv";
inline const char* kPodV2 = "helloworld-v2-79d5467d55-4xq2m";
inline const char* kIpV1 = "10.241.0.5";
inline const char* kIpV2 = "10.244.0.7";

// A source with `n1` answers from cluster1 (v1) and `n2` from cluster2 (v2), plus errors.
// requests == ok + sum(errors) by construction.
inline SourceCounts Counts(const std::string& cluster, const std::string& pod, uint64_t n1,
                           uint64_t n2, std::map<std::string, uint64_t> errors = {}) {
  Aggregator agg;
  // Aggregator is the real thing; latency 1 ms local, 3 ms remote keeps histograms non-empty.
  for (uint64_t i = 0; i < n1; ++i) agg.AddOk(cluster, pod, "cluster1", "v1", kPodV1, 1.0);
  for (uint64_t i = 0; i < n2; ++i) agg.AddOk(cluster, pod, "cluster2", "v2", kPodV2, 3.0);
  for (const auto& [cls, n] : errors) {
    for (uint64_t i = 0; i < n; ++i) agg.AddError(cluster, pod, cls);
  }
  if (agg.sources().empty()) {
    SourceCounts c;
    c.cluster = cluster;
    c.pod = pod;
    return c;
  }
  return agg.sources()[0];
}

// Same counts without going through the Aggregator (for huge N).
inline SourceCounts FastCounts(const std::string& cluster, const std::string& pod, uint64_t n1,
                               uint64_t n2) {
  SourceCounts c;
  c.cluster = cluster;
  c.pod = pod;
  c.requests = c.ok = n1 + n2;
  if (n1) {
    c.by_cluster["cluster1"] = c.by_version["v1"] = n1;
    c.by_instance[kPodV1] = {n1, "cluster1", "v1"};
  }
  if (n2) {
    c.by_cluster["cluster2"] = c.by_version["v2"] = n2;
    c.by_instance[kPodV2] = {n2, "cluster2", "v2"};
  }
  return c;
}

inline PodInfo Pod(const std::string& name, const std::string& cluster, const std::string& ip,
                   const std::string& version) {
  PodInfo p;
  p.name = name;
  p.ns = "sample";
  p.cluster = cluster;
  p.ip = ip;
  p.phase = "Running";
  p.ready = true;
  p.labels = {{"app", "helloworld"}, {"version", version}};
  return p;
}

inline std::vector<PodInfo> Destinations() {
  return {Pod(kPodV1, "cluster1", kIpV1, "v1"), Pod(kPodV2, "cluster2", kIpV2, "v2")};
}

inline Endpoint Ep(const std::string& source_pod, const std::string& address,
                   const std::string& cluster, const std::string& health = "HEALTHY") {
  Endpoint e;
  e.source_pod = source_pod;
  e.envoy_cluster = "outbound|5000||helloworld.sample.svc.cluster.local";
  e.address = address;
  e.port = 5000;
  e.health = ParseHealthStatus(health).value();
  e.cluster = cluster;
  return e;
}

// An endpoint of a multi-network view: reached directly (`via` "") or through an east-west
// gateway (`via` "gateway", its address and port 15443), weighing `weight`.
inline Endpoint NetworkEp(const std::string& source_pod, const std::string& address, uint32_t port,
                          const std::string& cluster, uint32_t weight, const std::string& via) {
  Endpoint e = Ep(source_pod, address, cluster);
  e.port = port;
  e.weight = weight;
  e.via = via;
  return e;
}

// Both clusters' endpoints, as a converged sidecar lists them.
inline std::vector<Endpoint> FullView(const std::string& source_pod) {
  return {Ep(source_pod, kIpV1, "cluster1"), Ep(source_pod, kIpV2, "cluster2")};
}

// requests == ok + sum(errors) for one source report.
// One source whose versions are expected as `by_version` (analyze's --expect).
inline AnalyzeInput OneSource(SourceCounts c, std::map<std::string, double> by_version) {
  AnalyzeInput in;
  in.expect[""].by_version = std::move(by_version);
  in.sources = {std::move(c)};
  return in;
}

inline bool Accounted(const SourceReport& r) {
  uint64_t e = 0;
  for (const auto& [k, n] : r.errors) e += n;
  return r.requests == r.ok + e;
}

inline const CheckResult* FindCheck(const Report& r, const std::string& name) {
  for (const CheckResult& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace meshverify::testing_analyze
