#pragma once
// Plain value types shared by every module: what a request produced, what a sidecar believes
// its endpoints are, and which pods exist. No behaviour beyond small helpers; copyable values.

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
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
  // Set by probers that know them (DirectProber): times in ms since the call's schedule
  // origin (ProbeSpec::origin), < 0 unknown. Open loop: intended_ms is when the schedule
  // wanted the request sent (latency from it is free of coordinated omission); closed loop:
  // intended_ms == sent_ms.
  double intended_ms = -1;
  double sent_ms = -1;  // when it was handed to the transport
  bool late = false;    // open loop: sent after it was due (see the prober's slack)
  // Which connection carried it: 1, 2, ... in order of first use, unique within one source's
  // Probe call; 0 unknown. With `peer` ("ip:port" of the remote end, "" unknown) it shows
  // per-connection stickiness (e.g. through an east-west gateway).
  uint64_t connection = 0;
  std::string peer;
};

// The answers of one destination instance (a pod name from the answers): how many, and the
// cluster and version they came from ("" when unknown).
struct InstanceStat {
  uint64_t count = 0;
  std::string cluster;
  std::string version;

  // Adds `n` answers from this instance seen in `cluster` with `version`: counts add up, and
  // the first non-empty cluster and version are kept. The one rule for counting, pooling and
  // merging reports.
  void Add(uint64_t n, std::string_view in_cluster, std::string_view in_version) {
    count += n;
    if (cluster.empty()) cluster = in_cluster;
    if (version.empty()) version = in_version;
  }

  friend bool operator==(const InstanceStat&, const InstanceStat&) = default;
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

// A host's request counters (rq_total, rq_error, cx_connect_fail, ...), sorted by name. The
// interface of the std::map it replaces, kept flat: a 10,000-host dump holds 80,000 counters,
// and one allocation per host instead of one per counter halves the cost of parsing it.
class Counters {
 public:
  using value_type = std::pair<std::string, uint64_t>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = const_iterator;

  Counters() = default;
  Counters(std::initializer_list<value_type> init) {
    for (const value_type& kv : init) (*this)[kv.first] = kv.second;
  }

  // The value named `name`, inserted as 0 if absent.
  uint64_t& operator[](std::string_view name) {
    if (items_.empty() || items_.back().first < name) {  // dumps list most names in order
      return items_.emplace_back(std::string(name), 0).second;
    }
    auto it = LowerBound(name);
    if (it != items_.end() && it->first == name) return it->second;
    return items_.emplace(it, std::string(name), 0)->second;
  }
  uint64_t at(std::string_view name) const {  // throws std::out_of_range, as map::at does
    auto it = LowerBound(name);
    if (it == items_.end() || it->first != name) throw std::out_of_range("no counter");
    return it->second;
  }
  size_t count(std::string_view name) const {
    auto it = LowerBound(name);
    return it != items_.end() && it->first == name ? 1 : 0;
  }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void reserve(size_t n) { items_.reserve(n); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }

  friend bool operator==(const Counters&, const Counters&) = default;

 private:
  std::vector<value_type>::iterator LowerBound(std::string_view name) {
    return std::lower_bound(items_.begin(), items_.end(), name,
                            [](const value_type& kv, std::string_view n) { return kv.first < n; });
  }
  const_iterator LowerBound(std::string_view name) const {
    return std::lower_bound(items_.begin(), items_.end(), name,
                            [](const value_type& kv, std::string_view n) { return kv.first < n; });
  }

  std::vector<value_type> items_;
};

// A host's health as Envoy's EDS has it (envoy.config.core.v3.HealthStatus, same numbers).
enum class HealthStatus {
  kUnknown = 0,
  kHealthy = 1,
  kUnhealthy = 2,
  kDraining = 3,
  kTimeout = 4,
  kDegraded = 5,
};

// "UNKNOWN", "HEALTHY", "UNHEALTHY", "DRAINING", "TIMEOUT", "DEGRADED": Envoy's spelling, the
// one istioctl prints and reports hold.
constexpr std::string_view HealthStatusName(HealthStatus h) {
  switch (h) {
    case HealthStatus::kUnknown:
      return "UNKNOWN";
    case HealthStatus::kHealthy:
      return "HEALTHY";
    case HealthStatus::kUnhealthy:
      return "UNHEALTHY";
    case HealthStatus::kDraining:
      return "DRAINING";
    case HealthStatus::kTimeout:
      return "TIMEOUT";
    case HealthStatus::kDegraded:
      return "DEGRADED";
  }
  return "UNKNOWN";
}

// The status spelled exactly `name` (see HealthStatusName), or nullopt.
inline std::optional<HealthStatus> ParseHealthStatus(std::string_view name) {
  for (HealthStatus h : {HealthStatus::kUnknown, HealthStatus::kHealthy, HealthStatus::kUnhealthy,
                         HealthStatus::kDraining, HealthStatus::kTimeout, HealthStatus::kDegraded}) {
    if (HealthStatusName(h) == name) return h;
  }
  return std::nullopt;
}

// "ejected" or "ok": the outlier state as reports and `meshverify endpoints` write it.
constexpr std::string_view OutlierName(bool ejected) { return ejected ? "ejected" : "ok"; }

// One host of one Envoy cluster, as a sidecar holds it.
struct Endpoint {
  std::string source_pod;      // whose sidecar view this row comes from ("" if unknown)
  std::string envoy_cluster;   // "outbound|5000||helloworld.sample.svc.cluster.local"
  std::string address;         // IPv4, IPv6 (no brackets) or "unix://..."
  uint32_t port = 0;           // 0 when the address has none
  HealthStatus health = HealthStatus::kUnknown;
  bool outlier_ejected = false;  // failed outlier check (health stays HEALTHY); OutlierName
  uint32_t weight = 1;
  std::string locality;        // "region/zone/sub_zone", "" when empty
  uint32_t priority = 0;
  std::string hostname;
  std::string workload_cluster_id;  // from istio workload metadata, when present
  std::string cluster;         // the mesh cluster it maps to; "" when none does
  // How the sidecar reaches it: "gateway" when the address is an east-west gateway of
  // `cluster` (multi-network; ClusterConfig::gateways), "" when directly (a pod).
  std::string via;
  Counters counters;          // rq_total, rq_error, cx_connect_fail, ...

  // True iff Envoy would route to it: not ejected, and EDS health HEALTHY, DEGRADED or
  // UNKNOWN (Envoy routes to UNKNOWN hosts; istioctl -o json omits the zero value UNKNOWN).
  bool Routable() const {
    return (health == HealthStatus::kHealthy || health == HealthStatus::kDegraded ||
            health == HealthStatus::kUnknown) &&
           !outlier_ejected;
  }

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

}  // namespace meshverify
