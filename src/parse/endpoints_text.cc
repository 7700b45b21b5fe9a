// Envoy admin `/clusters` plain text: `{cluster}::{host}::{stat}::{value}` per host stat, mixed
// with cluster-level lines (`{cluster}::added_via_api::true`, `{cluster}::outlier::...`).
#include <map>

#include "meshverify/endpoint_parsers.h"
#include "parse/endpoints_internal.h"

namespace meshverify::endpoints_internal {

namespace {

struct HostState {
  Endpoint ep;
  std::string region, zone, sub_zone;
  bool eds_unhealthy = false, eds_draining = false, eds_degraded = false;
  bool active_failed = false, active_degraded = false;
  bool has_flags = false;
};

Status LineError(std::string_view source, int line, const std::string& reason) {
  return Status::InvalidInput(std::string(source) + ":" + std::to_string(line) + ": " + reason);
}

// Host-level stats: a line whose third field is one of these is a host line even when its host
// field is not an address (redacted, "<ip>").
bool IsHostStat(std::string_view stat) {
  static constexpr std::string_view kStats[] = {
      "hostname",   "health_flags",    "weight",   "region",       "zone",
      "sub_zone",   "canary",          "priority", "success_rate", "local_origin_success_rate",
      "cx_active",  "cx_connect_fail", "cx_total", "rq_active",    "rq_error",
      "rq_success", "rq_timeout",      "rq_total"};
  for (std::string_view s : kStats) {
    if (s == stat) return true;
  }
  return false;
}

// Returns the length of the host field at the start of `rest` ("1.2.3.4:80", "[fd00::1]:80",
// a pipe path, "envoy://...", or a placeholder such as "X.X.X.X:443"), or 0 when `rest` starts
// with a cluster-level stat. Cluster-level keys (added_via_api, default_priority, outlier, ...)
// never end in ":<port>" and are never followed by a host-level stat.
size_t HostFieldLength(std::string_view rest) {
  size_t end = std::string_view::npos;
  if (!rest.empty() && rest.front() == '[') {  // IPv6: brackets hide the "::" inside
    size_t close = rest.find("]:");
    if (close != std::string_view::npos) end = rest.find("::", close + 2);
  }
  if (end == std::string_view::npos) end = rest.find("::");
  if (end == std::string_view::npos || end == 0) return 0;
  std::string_view field = rest.substr(0, end);
  if (field.front() == '/' || field.front() == '@') return end;
  if (field.substr(0, 8) == "envoy://") return end;
  size_t colon = field.rfind(':');
  if (colon != std::string_view::npos && colon > 0 && ParseUint(field.substr(colon + 1), 65535)) {
    return end;
  }
  std::string_view stat = rest.substr(end + 2);
  return IsHostStat(stat.substr(0, stat.find("::"))) ? end : 0;
}

void ApplyHealthFlags(std::string_view flags, HostState* h) {
  h->has_flags = true;
  while (!flags.empty()) {
    size_t slash = flags.find('/');
    std::string_view tok = flags.substr(0, slash);
    flags = slash == std::string_view::npos ? std::string_view() : flags.substr(slash + 1);
    if (tok == "failed_outlier_check") h->ep.outlier_ejected = true;
    if (tok == "failed_eds_health") h->eds_unhealthy = true;  // EDS UNHEALTHY or TIMEOUT
    if (tok == "eds_status_draining") h->eds_draining = true;
    if (tok == "degraded_eds_health") h->eds_degraded = true;
    if (tok == "failed_active_hc" || tok == "active_hc_timeout") h->active_failed = true;
    if (tok == "degraded_active_hc") h->active_degraded = true;
    // Other tokens (healthy, pending_*, excluded_*) do not change routing to the host.
  }
}

Status ApplyStat(std::string_view stat, std::string_view value, std::string_view source, int line,
                 HostState* h) {
  auto uint32 = [&](uint32_t* out) -> Status {
    std::optional<uint64_t> v = ParseUint(value, UINT32_MAX);
    if (!v)
      return LineError(source, line,
                       std::string(stat) + ": expected a uint32, got '" + Printable(value) + "'");
    *out = static_cast<uint32_t>(*v);
    return Status::Ok();
  };
  if (stat == "hostname") {
    h->ep.hostname = std::string(value);
  } else if (stat == "health_flags") {
    ApplyHealthFlags(value, h);
  } else if (stat == "weight") {
    return uint32(&h->ep.weight);
  } else if (stat == "priority") {
    return uint32(&h->ep.priority);
  } else if (stat == "region") {
    h->region = std::string(value);
  } else if (stat == "zone") {
    h->zone = std::string(value);
  } else if (stat == "sub_zone") {
    h->sub_zone = std::string(value);
  } else if (stat == "canary" || stat == "success_rate" || stat == "local_origin_success_rate") {
    // Not counters (success rates are doubles, -1 when unknown); not needed.
  } else if (std::optional<uint64_t> v = ParseUint(value)) {
    h->ep.counters[std::string(stat)] = *v;  // cx_*, rq_*, and any other per-host counter
  }
  return Status::Ok();
}

void Finish(HostState* h) {
  h->ep.locality = LocalityString(h->region, h->zone, h->sub_zone);
  if (!h->has_flags) return;
  HealthStatus& health = h->ep.health;
  health = h->eds_draining    ? HealthStatus::kDraining
           : h->eds_unhealthy ? HealthStatus::kUnhealthy
           : h->eds_degraded  ? HealthStatus::kDegraded
                              : HealthStatus::kHealthy;
  // Envoy stops routing to a host that failed active health checking whatever EDS says.
  if (health == HealthStatus::kHealthy && h->active_failed) health = HealthStatus::kUnhealthy;
  if (health == HealthStatus::kHealthy && h->active_degraded) health = HealthStatus::kDegraded;
}

}  // namespace

Result<std::vector<Endpoint>> ParseEnvoyClustersText(const std::vector<Line>& lines,
                                                     std::string_view source, Warnings* w) {
  std::vector<HostState> hosts;
  std::map<std::pair<std::string_view, std::string_view>, size_t> index;
  size_t last = lines.size();
  while (last > 0 && Trim(lines[last - 1].text).empty()) --last;
  bool read_any = false;
  for (size_t i = 0; i < last; ++i) {
    const Line& line = lines[i];
    if (Trim(line.text).empty()) continue;
    size_t sep = line.text.find("::");
    if (sep == std::string_view::npos || sep == 0) {
      return LineError(source, line.number, "expected '<cluster>::<host>::<stat>::<value>'");
    }
    std::string_view cluster = line.text.substr(0, sep);
    std::string_view rest = line.text.substr(sep + 2);
    size_t host_len = HostFieldLength(rest);
    if (host_len == 0) {  // a cluster-level line
      read_any = true;
      continue;
    }
    std::string_view host = rest.substr(0, host_len);
    std::string_view stat_value = rest.substr(host_len + 2);
    size_t sep2 = stat_value.find("::");
    if (sep2 == std::string_view::npos) {
      // The last line of a paste cut short ("c::1.2.3.4:80::health_fl"): not an error.
      if (i + 1 == last && read_any) {
        if (w != nullptr) w->AtLine(line.number, "line cut off (no '::<value>'): ignored");
        break;
      }
      return LineError(source, line.number, "expected '<stat>::<value>' after the host");
    }
    auto [it, added] = index.try_emplace({cluster, host}, hosts.size());
    if (added) {
      HostState h;
      h.ep.envoy_cluster = std::string(cluster);
      std::string addr(host);
      if (addr.front() == '/' || addr.front() == '@') addr = "unix://" + addr;
      bool not_ip = false;
      Result<HostPort> hp = SplitEndpointOrPlaceholder(addr, &not_ip);
      if (!hp.ok()) return LineError(source, line.number, hp.status().message());
      if (not_ip && w != nullptr) w->AtLine(line.number, NotAnIpWarning(hp->address));
      h.ep.address = std::move(hp->address);
      h.ep.port = hp->port;
      hosts.push_back(std::move(h));
    }
    Status s = ApplyStat(stat_value.substr(0, sep2), stat_value.substr(sep2 + 2), source,
                         line.number, &hosts[it->second]);
    if (!s.ok()) return s;
    read_any = true;
  }
  std::vector<Endpoint> out;
  out.reserve(hosts.size());
  for (HostState& h : hosts) {
    Finish(&h);
    out.push_back(std::move(h.ep));
  }
  return out;
}

}  // namespace meshverify::endpoints_internal
