#include "cli/direct_view.h"

#include "meshverify/endpoint_parsers.h"
#include "transport/http_get.h"

namespace meshverify::cli {

void ReadOwnSidecarView(CheckSettings* settings) {
  constexpr size_t kMaxView = 64u << 20;  // a /clusters dump of a very large mesh fits
  const std::string url = kEnvoyAdminClustersUrl;
  Result<std::string> text = HttpGet(url, std::chrono::seconds(5), kMaxView);
  if (!text.ok()) {
    settings->direct_view_from = "its sidecar's view could not be read: " + text.status().message();
    return;
  }
  Result<std::vector<Endpoint>> view =
      ParseEndpoints(*text, EndpointFormat::kEnvoyClustersText, url);
  if (!view.ok()) {
    settings->direct_view_from = "its sidecar's view could not be read: " + view.status().message();
    return;
  }
  settings->direct_view =
      FilterByEnvoyCluster(std::move(*view), settings->mesh.target.envoy_cluster);
  settings->direct_view_from = "GET " + url;
}

}  // namespace meshverify::cli
