#pragma once
// Plain value types shared by every module: what a request produced, what a sidecar believes
// its endpoints are, and which pods exist. No behaviour beyond small helpers; copyable values.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace meshverify {

// One answer of the target app, e.g. "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv".
// `cluster` is set only when the answer or a --pattern names it.
struct Reply {
  std::string version;
  std::string instance;
  std::string cluster;
};

// One request made by a probe: the JSONL record "meshverify.record/v1" (see
// docs in src/parse/records.h). Times are milliseconds; a negative time is unknown.
struct ProbeRecord {
  std::string source_cluster;
  std::string source_pod;
  uint64_t seq = 0;         // 0-based request number within its source
  int http_code = 0;        // 0 when no HTTP answer came back
  int curl_exit = 0;        // curl's exit code (0 success, 6 DNS, 7 connect, 28 timeout, ...)
  double connect_ms = -1;
  double total_ms = -1;
  bool new_connection = true;  // false when curl reused a keep-alive connection
  std::string body;            // the answer, as received (may be several lines)
  std::string error;           // transport failure text, when the record stands for a lost request
};

// A pod as discovery sees it (kubectl get pods -o json).
struct PodInfo {
  std::string name;
  std::string ns;
  std::string cluster;  // mesh cluster name from mesh.yaml
  std::string ip;
  std::string node;
  std::string phase;    // "Running", ...
  bool ready = false;
  std::map<std::string, std::string> labels;
};

// One host of one Envoy cluster, as a sidecar holds it.
struct Endpoint {
  std::string source_pod;      // whose sidecar view this row comes from ("" if unknown)
  std::string envoy_cluster;   // "outbound|5000||helloworld.sample.svc.cluster.local"
  std::string address;         // IPv4, IPv6 (no brackets) or "unix://..."
  uint32_t port = 0;           // 0 when the address has none
  std::string health = "UNKNOWN";  // HEALTHY UNHEALTHY DRAINING TIMEOUT DEGRADED UNKNOWN
  bool outlier_ejected = false;    // failed outlier check (health stays HEALTHY)
  uint32_t weight = 1;
  std::string locality;        // "region/zone/sub_zone", "" when empty
  uint32_t priority = 0;
  std::string hostname;
  std::string workload_cluster_id;  // from istio workload metadata, when present
  std::string cluster;         // the mesh cluster it maps to; "" when none does
  std::map<std::string, uint64_t> counters;  // rq_total, rq_error, cx_connect_fail, ...

  // True iff Envoy would route to it: not ejected, and EDS health HEALTHY, DEGRADED or
  // UNKNOWN (Envoy routes to UNKNOWN hosts; istioctl -o json omits the zero value UNKNOWN).
  bool Routable() const {
    return (health == "HEALTHY" || health == "DEGRADED" || health == "UNKNOWN") &&
           !outlier_ejected;
  }

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

}  // namespace meshverify
