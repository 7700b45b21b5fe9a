// IP addresses and CIDRs (ip.h).
#include "meshverify/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "parse/endpoints_internal.h"  // Printable, ParseUint

namespace meshverify {

using endpoints_internal::ParseUint;
using endpoints_internal::Printable;

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  // INET6_ADDRSTRLEN is 46 with the NUL; longer text is not an address.
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buf, ip.bytes.data()) != 1) return std::nullopt;
  } else {
    if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
    ip.v6 = true;
  }
  return ip;
}

bool PrefixMatch(const IpAddress& a, const IpAddress& b, int prefix_len) {
  if (a.v6 != b.v6) return false;
  int full = prefix_len / 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix_len % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

Result<std::pair<IpAddress, int>> ParseCidr(std::string_view text) {
  std::string shown = Printable(text);
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidInput("'" + shown + "': not a CIDR (want address/prefix)");
  }
  std::optional<IpAddress> ip = ParseIp(text.substr(0, slash));
  if (!ip) return Status::InvalidInput("'" + shown + "': bad address");
  int max_len = ip->v6 ? 128 : 32;
  std::optional<uint64_t> len = ParseUint(text.substr(slash + 1), static_cast<uint64_t>(max_len));
  if (!len) {
    return Status::InvalidInput("'" + shown + "': prefix length must be 0.." +
                                std::to_string(max_len));
  }
  int prefix = static_cast<int>(*len);
  size_t nbytes = ip->v6 ? 16 : 4;
  for (size_t bit = static_cast<size_t>(prefix); bit < nbytes * 8; ++bit) {
    if (ip->bytes[bit / 8] & (0x80 >> (bit % 8))) {
      return Status::InvalidInput("'" + shown + "': host bits set");
    }
  }
  return std::make_pair(*ip, prefix);
}

Result<GatewayAddress> ParseGatewayAddress(std::string_view text) {
  std::string shown = Printable(text);
  std::string_view host = text, port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Status::InvalidInput("'" + shown + "': no ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return Status::InvalidInput("'" + shown + "': expected :PORT after ']'");
    }
    if (!rest.empty()) port = rest.substr(1);
    if (!rest.empty() && port.empty()) return Status::InvalidInput("'" + shown + "': empty port");
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    size_t colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return Status::InvalidInput("'" + shown + "': empty port");
  }
  std::optional<IpAddress> ip = ParseIp(host);
  if (!ip) return Status::InvalidInput("'" + shown + "': not an IP address (ADDR[:PORT])");
  GatewayAddress g;
  g.ip = *ip;
  g.address = std::string(host);
  if (!port.empty()) {
    std::optional<uint64_t> p = ParseUint(port, 65535);
    if (!p || *p == 0) return Status::InvalidInput("'" + shown + "': port must be 1..65535");
    g.port = static_cast<uint32_t>(*p);
  }
  return g;
}

bool IsGateway(const GatewayAddress& g, const IpAddress& ip, uint32_t port) {
  return g.ip.v6 == ip.v6 && g.ip.bytes == ip.bytes && (g.port == 0 || g.port == port);
}

Status ValidateCidr(std::string_view cidr) {
  Result<std::pair<IpAddress, int>> r = ParseCidr(cidr);
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace meshverify
