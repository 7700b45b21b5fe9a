#pragma once
// Helpers shared by the endpoint-view parsers (src/parse/endpoints_*.cc). Not a public API.
// Addresses and CIDRs are meshverify/ip.h.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/endpoint_parsers.h"
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

// Removes a prefix that every non-blank line shares and that is made of '#', '>', spaces and
// tabs: pastes quoted as comments ("# ENDPOINT ...") or indented. A line that is blank once
// the prefix is gone (e.g. a lone "#") becomes empty. Column offsets within lines are kept.
void StripQuotePrefix(std::vector<Line>* lines);

std::string_view Trim(std::string_view s);

// Splits an endpoint as istioctl prints it into address and port: "10.0.0.1:80",
// "fd00::1:80" (istioctl joins IPv6 without brackets), "[fd00::1]:80", "unix:///path" or a
// bare IP (port 0). Addresses that are neither IP nor unix:// / envoy:// fail.
struct HostPort {
  std::string address;
  uint32_t port = 0;
};
Result<HostPort> SplitEndpointAddress(std::string_view text);

// As SplitEndpointAddress, but an address that is not an IP and does not look like a mistyped
// one either (redacted "X.X.X.X:443", "<ip>", a host name) is returned as written, with the
// port split off when it ends in ":<port>", and *not_ip set. Digits-and-dots (or hex and
// colons) that are not an IP ("10.0.0.999") still fail: a typo, not a placeholder.
Result<HostPort> SplitEndpointOrPlaceholder(std::string_view text, bool* not_ip);

// The warning for an address kept by SplitEndpointOrPlaceholder.
std::string NotAnIpWarning(std::string_view address);

// The warnings of one parse (EndpointView::warnings): at most kMax of them are kept; the rest
// are counted, and Take() ends with a line saying how many were left out.
class Warnings {
 public:
  static constexpr size_t kMax = 50;
  explicit Warnings(std::string_view source) : source_(source) {}
  void AtLine(int line, std::string_view reason);               // "<source>:<line>: <reason>"
  void AtPath(std::string_view path, std::string_view reason);  // "<source>: <path>: <reason>"
  std::vector<std::string> Take();

 private:
  void Add(std::string message);
  std::string source_;
  std::vector<std::string> list_;
  size_t dropped_ = 0;
};

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

// Format detection on the lines of a text view (after StripQuotePrefix): a table header, a
// table row without its header (grep), or Envoy /clusters text. kAuto when none matches.
EndpointFormat DetectTextFormat(const std::vector<Line>& lines);
// True iff `line` is a table header: first cell ENDPOINT or NAME, then STATUS ... CLUSTER.
bool IsTableHeader(std::string_view line);
// True iff `line` has the shape of a table row: an address-like word, then a STATUS name.
bool LooksLikeTableRow(std::string_view line);

// The per-format parsers behind ParseEndpointView(). Text parsers take the lines of the view
// (StripQuotePrefix done); every parser adds its warnings to `w` when it is not null.
Result<std::vector<Endpoint>> ParseIstioctlTable(const std::vector<Line>& lines,
                                                 std::string_view source, Warnings* w = nullptr);
Result<std::vector<Endpoint>> ParseEdsTable(const std::vector<Line>& lines, std::string_view source,
                                            Warnings* w = nullptr);
// Both the istioctl `-o json` array and the Envoy `/clusters?format=json` object.
Result<std::vector<Endpoint>> ParseClusterStatusesJson(std::string_view text,
                                                       std::string_view source,
                                                       Warnings* w = nullptr);
// The same for the camelCase shape istioctl prints, without a DOM; nullopt when the input is
// anything else (including malformed, and anything ParseClusterStatusesJson would warn
// about): callers then use ParseClusterStatusesJson.
std::optional<std::vector<Endpoint>> FastParseClusterStatusesJson(std::string_view text);
Result<std::vector<Endpoint>> ParseEnvoyClustersText(const std::vector<Line>& lines,
                                                     std::string_view source,
                                                     Warnings* w = nullptr);
Result<std::vector<Endpoint>> ParseEdsJson(std::string_view text, std::string_view source,
                                           Warnings* w = nullptr);

}  // namespace meshverify::endpoints_internal
