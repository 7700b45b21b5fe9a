// Shared helpers of the endpoint-view parsers.
#include <cctype>
#include <cstring>

#include "meshverify/endpoint_parsers.h"
#include "meshverify/format.h"
#include "parse/endpoints_internal.h"

namespace meshverify {
namespace endpoints_internal {

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, ++number});
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

void StripQuotePrefix(std::vector<Line>* lines) {
  auto quote_len = [](std::string_view t) {
    size_t n = 0;
    while (n < t.size() && (t[n] == '#' || t[n] == '>' || t[n] == ' ' || t[n] == '\t')) ++n;
    return n;
  };
  std::string_view common;
  bool first = true;
  for (const Line& l : *lines) {
    size_t n = quote_len(l.text);
    if (n == l.text.size()) continue;  // blank, or a lone "#"
    std::string_view p = l.text.substr(0, n);
    if (first) {
      common = p;
      first = false;
    }
    size_t k = 0;
    while (k < common.size() && k < p.size() && common[k] == p[k]) ++k;
    common = common.substr(0, k);
    if (common.empty()) return;
  }
  for (Line& l : *lines) {
    if (quote_len(l.text) == l.text.size()) {
      l.text = {};
    } else {
      l.text.remove_prefix(common.size());
    }
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Result<HostPort> SplitEndpointAddress(std::string_view text) {
  if (text.substr(0, 7) == "unix://" || text.substr(0, 8) == "envoy://") {
    return HostPort{std::string(text), 0};
  }
  if (!text.empty() && text.front() == '[') {  // "[fd00::1]:80"
    size_t close = text.find(']');
    std::optional<IpAddress> ip;
    if (close != std::string_view::npos) ip = ParseIp(text.substr(1, close - 1));
    if (ip && close + 1 == text.size()) return HostPort{std::string(text.substr(1, close - 1)), 0};
    if (ip && text.substr(close + 1, 1) == ":") {
      std::optional<uint64_t> port = ParseUint(text.substr(close + 2), 65535);
      if (port) return HostPort{std::string(text.substr(1, close - 1)), uint32_t(*port)};
    }
    return Status::InvalidInput("bad endpoint address '" + Printable(text) + "'");
  }
  // istioctl joins address and port with ':' even for IPv6; a port of 0 prints the address
  // alone. Prefer "address:port" when both halves are valid.
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    std::optional<uint64_t> port = ParseUint(text.substr(colon + 1), 65535);
    if (port && ParseIp(text.substr(0, colon))) {
      return HostPort{std::string(text.substr(0, colon)), uint32_t(*port)};
    }
  }
  if (ParseIp(text)) return HostPort{std::string(text), 0};
  return Status::InvalidInput("bad endpoint address '" + Printable(text) + "'");
}

namespace {

// Digits and dots, or hex digits and colons: an IP with a typo rather than a placeholder.
bool LooksLikeIp(std::string_view a) {
  bool colon = a.find(':') != std::string_view::npos;
  bool digit = false;
  for (char c : a) {
    bool dec = c >= '0' && c <= '9';
    bool hex = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!(dec || c == '.' || (colon && (hex || c == ':')))) return false;
    digit = digit || dec;
  }
  return digit || colon;
}

}  // namespace

Result<HostPort> SplitEndpointOrPlaceholder(std::string_view text, bool* not_ip) {
  *not_ip = false;
  Result<HostPort> hp = SplitEndpointAddress(text);
  if (hp.ok() || text.empty()) return hp;
  HostPort out{std::string(text), 0};
  std::string_view addr = text;
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && colon > 0) {
    if (std::optional<uint64_t> port = ParseUint(text.substr(colon + 1), 65535)) {
      addr = text.substr(0, colon);
      out.port = static_cast<uint32_t>(*port);
    }
  }
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') {
    addr = addr.substr(1, addr.size() - 2);
  }
  if (LooksLikeIp(addr)) return hp.status();
  out.address = std::string(addr);
  *not_ip = true;
  return out;
}

std::string NotAnIpWarning(std::string_view address) {
  std::string out = "'";
  out += Printable(address);
  out += "' is not an IP address (redacted?): kept, but no pod CIDR can map it";
  return out;
}

void Warnings::Add(std::string message) {
  if (list_.size() < kMax) {
    list_.push_back(std::move(message));
  } else {
    ++dropped_;
  }
}

void Warnings::AtLine(int line, std::string_view reason) {
  Add(source_ + ":" + std::to_string(line) + ": " + std::string(reason));
}

void Warnings::AtPath(std::string_view path, std::string_view reason) {
  Add(source_ + ": " + std::string(path) + ": " + std::string(reason));
}

std::vector<std::string> Warnings::Take() {
  if (dropped_ > 0) {
    list_.push_back(source_ + ": " + std::to_string(dropped_) + " more warning" +
                    (dropped_ == 1 ? "" : "s") + " not shown");
  }
  dropped_ = 0;
  return std::move(list_);
}

bool NormalizeHealth(std::string_view status, HealthStatus* health) {
  for (HealthStatus h : {HealthStatus::kUnknown, HealthStatus::kHealthy, HealthStatus::kUnhealthy,
                         HealthStatus::kDraining, HealthStatus::kTimeout, HealthStatus::kDegraded}) {
    if (EqualsIgnoreCase(status, HealthStatusName(h))) {
      *health = h;
      return true;
    }
  }
  return false;
}

std::string LocalityString(std::string_view region, std::string_view zone,
                           std::string_view sub_zone) {
  std::string out(region);
  if (!region.empty() && !zone.empty()) {
    out.append("/").append(zone);
    if (!sub_zone.empty()) out.append("/").append(sub_zone);
  }
  return out;
}

std::optional<uint64_t> ParseUint(std::string_view s, uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (d > max || v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// ASCII only, as istioctl's strings.EqualFold is for these names; no locale lookups.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string Printable(std::string_view s) { return EscapeControlBytes(s); }

}  // namespace endpoints_internal

}  // namespace meshverify
