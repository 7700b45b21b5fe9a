// Format detection, dispatch and the --cluster filter of endpoint views.
#include <algorithm>

#include "meshverify/endpoint_parsers.h"
#include "parse/endpoints_internal.h"

namespace meshverify {

namespace {

using endpoints_internal::EqualsIgnoreCase;

struct FormatName {
  EndpointFormat format;
  std::string_view name;
};
constexpr FormatName kFormatNames[] = {
    {EndpointFormat::kAuto, "auto"},
    {EndpointFormat::kIstioctlTable, "table"},
    {EndpointFormat::kIstioctlJson, "json"},
    {EndpointFormat::kEnvoyClustersJson, "envoy-json"},
    {EndpointFormat::kEnvoyClustersText, "envoy-text"},
    {EndpointFormat::kEdsTable, "eds"},
    {EndpointFormat::kEdsJson, "eds-json"},
};

// EDS JSON (ClusterLoadAssignment) names its cluster "clusterName"; ClusterStatus uses "name".
bool LooksLikeEds(std::string_view head) {
  return head.find("\"clusterName\"") != std::string_view::npos ||
         head.find("\"cluster_name\"") != std::string_view::npos ||
         head.find("\"lbEndpoints\"") != std::string_view::npos ||
         head.find("\"lb_endpoints\"") != std::string_view::npos;
}

std::string_view StripBom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

bool IsJson(EndpointFormat fmt) {
  return fmt == EndpointFormat::kIstioctlJson || fmt == EndpointFormat::kEnvoyClustersJson ||
         fmt == EndpointFormat::kEdsJson;
}

// JSON starts with '[' or '{'; pasted JSON may start with a comment, which the JSON parser then
// reports as such. `text` is trimmed.
bool LooksLikeJson(std::string_view text) {
  return !text.empty() && (text.front() == '[' || text.front() == '{' ||
                           text.substr(0, 2) == "//" || text.substr(0, 2) == "/*");
}

// JSON is told apart by its first byte; `text` is trimmed and LooksLikeJson.
EndpointFormat DetectJson(std::string_view text) {
  // A cluster's hosts come early in either JSON shape; 64 KiB is plenty to tell them apart.
  std::string_view head = text.substr(0, 64 * 1024);
  if (text.front() == '[') {
    return LooksLikeEds(head) ? EndpointFormat::kEdsJson : EndpointFormat::kIstioctlJson;
  }
  bool statuses = head.find("\"cluster_statuses\"") != std::string_view::npos ||
                  head.find("\"clusterStatuses\"") != std::string_view::npos;
  if (!statuses && LooksLikeEds(head)) return EndpointFormat::kEdsJson;
  return EndpointFormat::kEnvoyClustersJson;
}

}  // namespace

std::string_view EndpointFormatName(EndpointFormat fmt) {
  for (const FormatName& f : kFormatNames) {
    if (f.format == fmt) return f.name;
  }
  return "auto";
}

Result<EndpointFormat> ParseEndpointFormat(std::string_view name) {
  for (const FormatName& f : kFormatNames) {
    if (f.name == name) return f.format;
  }
  return Status::Usage("--format: unknown format '" + std::string(name) +
                       "' (auto|table|json|envoy-json|envoy-text|eds|eds-json)");
}

namespace endpoints_internal {

EndpointFormat DetectTextFormat(const std::vector<Line>& lines) {
  for (const Line& l : lines) {
    if (Trim(l.text).empty()) continue;
    if (IsTableHeader(l.text)) {
      std::string_view first = Trim(l.text);
      return first.substr(0, 4) == "NAME" ? EndpointFormat::kEdsTable
                                          : EndpointFormat::kIstioctlTable;
    }
    // A table without its header (grep): IPv6 rows hold "::" too, so this comes first.
    if (LooksLikeTableRow(l.text)) return EndpointFormat::kIstioctlTable;
    if (l.text.find("::") != std::string_view::npos) return EndpointFormat::kEnvoyClustersText;
    return EndpointFormat::kAuto;
  }
  return EndpointFormat::kAuto;
}

}  // namespace endpoints_internal

EndpointFormat DetectEndpointFormat(std::string_view text) {
  namespace ei = endpoints_internal;
  text = ei::Trim(StripBom(text));
  if (text.empty()) return EndpointFormat::kAuto;
  if (LooksLikeJson(text)) return DetectJson(text);
  // The first lines decide; a quote prefix is judged on them alone.
  std::vector<ei::Line> lines = ei::SplitLines(text.substr(0, 64 * 1024));
  ei::StripQuotePrefix(&lines);
  return ei::DetectTextFormat(lines);
}

Result<EndpointView> ParseEndpointView(std::string_view text, EndpointFormat fmt,
                                       std::string_view source) {
  namespace ei = endpoints_internal;
  text = StripBom(text);
  std::string_view trimmed = ei::Trim(text);
  if (fmt == EndpointFormat::kAuto && LooksLikeJson(trimmed)) fmt = DetectJson(trimmed);
  ei::Warnings w(source);
  Result<std::vector<Endpoint>> eps = Status::Internal("not parsed");
  if (IsJson(fmt)) {
    if (fmt == EndpointFormat::kEdsJson) {
      eps = ei::ParseEdsJson(text, source, &w);
    } else if (auto fast = ei::FastParseClusterStatusesJson(text)) {
      eps = std::move(*fast);
    } else {
      eps = ei::ParseClusterStatusesJson(text, source, &w);
    }
  } else {
    std::vector<ei::Line> lines = ei::SplitLines(text);
    ei::StripQuotePrefix(&lines);
    if (fmt == EndpointFormat::kAuto) fmt = ei::DetectTextFormat(lines);
    switch (fmt) {
      case EndpointFormat::kIstioctlTable:
        eps = ei::ParseIstioctlTable(lines, source, &w);
        break;
      case EndpointFormat::kEdsTable:
        eps = ei::ParseEdsTable(lines, source, &w);
        break;
      case EndpointFormat::kEnvoyClustersText:
        eps = ei::ParseEnvoyClustersText(lines, source, &w);
        break;
      default:
        if (trimmed.empty()) {
          return Status::InvalidInput(std::string(source) + ": empty input (no endpoint view)");
        }
        int first = 1;
        for (const ei::Line& l : lines) {
          if (!ei::Trim(l.text).empty()) {
            first = l.number;
            break;
          }
        }
        return Status::InvalidInput(std::string(source) + ":" + std::to_string(first) +
                                    ": unrecognized endpoint view (want an istioctl "
                                    "proxy-config endpoints/eds table or JSON, or Envoy "
                                    "/clusters text or JSON)");
    }
  }
  if (!eps.ok()) return eps.status();
  return EndpointView{std::move(*eps), fmt, w.Take()};
}

Result<std::vector<Endpoint>> ParseEndpoints(std::string_view text, EndpointFormat fmt,
                                             std::string_view source) {
  Result<EndpointView> view = ParseEndpointView(text, fmt, source);
  if (!view.ok()) return view.status();
  return std::move(view->endpoints);
}

std::vector<Endpoint> FilterByEnvoyCluster(std::vector<Endpoint> endpoints, std::string_view name) {
  if (name.empty()) return endpoints;
  endpoints.erase(
      std::remove_if(endpoints.begin(), endpoints.end(),
                     [&](const Endpoint& e) { return !EqualsIgnoreCase(e.envoy_cluster, name); }),
      endpoints.end());
  return endpoints;
}

}  // namespace meshverify
