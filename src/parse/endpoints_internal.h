#pragma once
// Helpers shared by the endpoint-view parsers (src/parse/endpoints_*.cc) and the cluster map
// (src/analyze/cluster_map.cc). Not a public API.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify::endpoints_internal {

// One line of a text input, without its line end ("\n" or "\r\n"); `number` is 1-based.
struct Line {
  std::string_view text;
  int number = 0;
};
std::vector<Line> SplitLines(std::string_view text);

std::string_view Trim(std::string_view s);

// An IPv4 or IPv6 address in network byte order (IPv4 in the first 4 bytes).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// Parses "10.0.0.1", "fd00::1" or "[fd00::1]" (no zone, no port). nullopt when not an IP.
std::optional<IpAddress> ParseIp(std::string_view text);

// Parses "10.241.0.0/16" or "fd00:10:244::/56": the network and its prefix length. Fails
// with a reason (no place) when malformed or when host bits are set.
Result<std::pair<IpAddress, int>> ParseCidr(std::string_view text);

// True iff the first `prefix_len` bits of `a` and `b` are equal (same family required).
bool PrefixMatch(const IpAddress& a, const IpAddress& b, int prefix_len);

// Splits an endpoint as istioctl prints it into address and port: "10.0.0.1:80",
// "fd00::1:80" (istioctl joins IPv6 without brackets), "[fd00::1]:80", "unix:///path" or a
// bare IP (port 0). Addresses that are neither IP nor unix:// / envoy:// fail.
struct HostPort {
  std::string address;
  uint32_t port = 0;
};
Result<HostPort> SplitEndpointAddress(std::string_view text);

// Returns true and sets *health when `status` is an Envoy HealthStatus name (UNKNOWN HEALTHY
// UNHEALTHY DRAINING TIMEOUT DEGRADED), compared case-insensitively; stores upper case.
bool NormalizeHealth(std::string_view status, HealthStatus* health);

// "region/zone/sub_zone" as Istio's util.LocalityToString prints it: zone only after a
// region, sub_zone only after a zone.
std::string LocalityString(std::string_view region, std::string_view zone,
                           std::string_view sub_zone);

// Parses a decimal unsigned integer that fits in `max`; nullopt otherwise.
std::optional<uint64_t> ParseUint(std::string_view s, uint64_t max = UINT64_MAX);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `s` with control characters written as \xNN, so that error messages stay on one line.
std::string Printable(std::string_view s);

// The per-format parsers behind ParseEndpoints().
Result<std::vector<Endpoint>> ParseIstioctlTable(std::string_view text, std::string_view source);
Result<std::vector<Endpoint>> ParseEdsTable(std::string_view text, std::string_view source);
// Both the istioctl `-o json` array and the Envoy `/clusters?format=json` object.
Result<std::vector<Endpoint>> ParseClusterStatusesJson(std::string_view text,
                                                       std::string_view source);
// The same for the camelCase shape istioctl prints, without a DOM; nullopt when the input is
// anything else (including malformed): callers then use ParseClusterStatusesJson.
std::optional<std::vector<Endpoint>> FastParseClusterStatusesJson(std::string_view text);
Result<std::vector<Endpoint>> ParseEnvoyClustersText(std::string_view text,
                                                     std::string_view source);
Result<std::vector<Endpoint>> ParseEdsJson(std::string_view text, std::string_view source);

}  // namespace meshverify::endpoints_internal
