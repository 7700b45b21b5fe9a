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

bool HasWords(std::string_view line, std::initializer_list<std::string_view> words) {
  size_t at = 0;
  for (std::string_view w : words) {
    at = line.find(w, at);
    if (at == std::string_view::npos) return false;
    at += w.size();
  }
  return true;
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

EndpointFormat DetectEndpointFormat(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  text = endpoints_internal::Trim(text);
  if (text.empty()) return EndpointFormat::kAuto;
  // A cluster's hosts come early in either JSON shape; 64 KiB is plenty to tell them apart.
  std::string_view head = text.substr(0, 64 * 1024);
  if (text.front() == '[') {
    return LooksLikeEds(head) ? EndpointFormat::kEdsJson : EndpointFormat::kIstioctlJson;
  }
  if (text.front() == '{') {
    bool statuses = head.find("\"cluster_statuses\"") != std::string_view::npos ||
                    head.find("\"clusterStatuses\"") != std::string_view::npos;
    if (!statuses && LooksLikeEds(head)) return EndpointFormat::kEdsJson;
    return EndpointFormat::kEnvoyClustersJson;
  }
  std::string_view first = text.substr(0, text.find('\n'));
  if (first.substr(0, 8) == "ENDPOINT" && HasWords(first, {"STATUS", "OUTLIER CHECK", "CLUSTER"})) {
    return EndpointFormat::kIstioctlTable;
  }
  if (first.substr(0, 4) == "NAME" && HasWords(first, {"STATUS", "LOCALITY", "CLUSTER"})) {
    return EndpointFormat::kEdsTable;
  }
  if (first.find("::") != std::string_view::npos) return EndpointFormat::kEnvoyClustersText;
  return EndpointFormat::kAuto;
}

Result<std::vector<Endpoint>> ParseEndpoints(std::string_view text, EndpointFormat fmt,
                                             std::string_view source) {
  namespace ei = endpoints_internal;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (fmt == EndpointFormat::kAuto) fmt = DetectEndpointFormat(text);
  switch (fmt) {
    case EndpointFormat::kIstioctlTable:
      return ei::ParseIstioctlTable(text, source);
    case EndpointFormat::kIstioctlJson:
    case EndpointFormat::kEnvoyClustersJson:
      if (auto fast = ei::FastParseClusterStatusesJson(text)) return std::move(*fast);
      return ei::ParseClusterStatusesJson(text, source);
    case EndpointFormat::kEnvoyClustersText:
      return ei::ParseEnvoyClustersText(text, source);
    case EndpointFormat::kEdsTable:
      return ei::ParseEdsTable(text, source);
    case EndpointFormat::kEdsJson:
      return ei::ParseEdsJson(text, source);
    case EndpointFormat::kAuto:
      break;
  }
  if (ei::Trim(text).empty()) {
    return Status::InvalidInput(std::string(source) + ": empty input (no endpoint view)");
  }
  return Status::InvalidInput(std::string(source) +
                              ":1: unrecognized endpoint view (want an istioctl proxy-config "
                              "endpoints/eds table or JSON, or Envoy /clusters text or JSON)");
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
