#pragma once
// IP addresses and CIDRs (IPv4 and IPv6), as pod addresses and pod subnets are written: the
// small piece of address arithmetic the cluster map and the config checks need. Pure;
// thread-safe.

#include <array>
#include <cstdint>
#include <optional>
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

// True iff the first `prefix_len` bits of `a` and `b` are equal (same family required).
bool PrefixMatch(const IpAddress& a, const IpAddress& b, int prefix_len);

}  // namespace meshverify
