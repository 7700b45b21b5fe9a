#pragma once
// IP addresses and CIDRs (IPv4 and IPv6), as pod addresses and pod subnets are written: the
// small piece of address arithmetic the cluster map and the config checks need. Pure;
// thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "meshverify/status.h"

namespace meshverify {

// An IPv4 or IPv6 address in network byte order (IPv4 in the first 4 bytes).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// Parses "10.0.0.1", "fd00::1" or "[fd00::1]" (no zone, no port). nullopt when not an IP.
std::optional<IpAddress> ParseIp(std::string_view text);

// Parses "10.241.0.0/16" or "fd00:10:244::/56": the network and its prefix length. Fails
// with InvalidInput "'<text>': <reason>" (no place: callers add it) when malformed or when
// host bits are set ("'10.241.0.1/16': host bits set").
Result<std::pair<IpAddress, int>> ParseCidr(std::string_view text);

// Ok when ParseCidr would succeed, else its status.
Status ValidateCidr(std::string_view cidr);

// An east-west gateway's address as mesh.yaml `gateways:` and `--gateway` write it.
struct GatewayAddress {
  IpAddress ip;
  std::string address;  // as an endpoint holds it: no brackets
  uint32_t port = 0;    // 0: any port (none written)
};

// Parses "172.18.0.3:15443", "172.18.0.3" (any port), "[fd00::3]:15443" or "fd00::3". Fails
// with InvalidInput "'<text>': <reason>" (no place: callers add it) when the address is not an
// IP or the port is not 1..65535.
Result<GatewayAddress> ParseGatewayAddress(std::string_view text);

// True iff `ip:port` is the gateway `g` (same address; same port unless g.port is 0).
bool IsGateway(const GatewayAddress& g, const IpAddress& ip, uint32_t port);

// True iff the first `prefix_len` bits of `a` and `b` are equal (same family required).
bool PrefixMatch(const IpAddress& a, const IpAddress& b, int prefix_len);

}  // namespace meshverify
