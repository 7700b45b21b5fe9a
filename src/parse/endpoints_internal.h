#pragma once
// Helpers shared by the endpoint-view parsers (src/parse/endpoints_*.cc). Not a public API.
// Addresses and CIDRs are meshverify/ip.h.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/ip.h"
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
