#pragma once
// Endpoint views: what one sidecar believes the endpoints of its Envoy clusters are, read from
// istioctl or Envoy admin output (src/parse/endpoints_*.cc). Pure: the parsers take text and
// return values, do no I/O, and may be called from any thread.

#include <string_view>
#include <vector>

#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

enum class EndpointFormat {
  kAuto,           // detect with DetectEndpointFormat()
  kIstioctlTable,  // `istioctl proxy-config endpoints POD` (ENDPOINT STATUS OUTLIER CHECK CLUSTER)
  kIstioctlJson,   // `istioctl proxy-config endpoints POD -o json` (array of ClusterStatus)
  kEnvoyClustersJson,  // Envoy admin `/clusters?format=json` ({"cluster_statuses": [...]})
  kEnvoyClustersText,  // Envoy admin `/clusters` ({cluster}::{addr}::{stat}::{value})
  kEdsTable,           // `istioctl proxy-config eds POD` (NAME STATUS LOCALITY CLUSTER)
  kEdsJson,            // `istioctl proxy-config eds POD -o json` (array of ClusterLoadAssignment)
};

// Returns the CLI spelling of `fmt`: auto, table, json, envoy-json, envoy-text, eds, eds-json.
std::string_view EndpointFormatName(EndpointFormat fmt);

// Parses a CLI spelling (see EndpointFormatName). Fails with Usage
// "--format: unknown format '<name>' (auto|table|json|envoy-json|envoy-text|eds|eds-json)".
Result<EndpointFormat> ParseEndpointFormat(std::string_view name);

// Guesses the format of `text` from its first non-blank content. Returns kAuto when no format
// matches (ParseEndpoints then fails naming the source).
EndpointFormat DetectEndpointFormat(std::string_view text);

// Parses an endpoint view in format `fmt` (kAuto: detected). Returns one Endpoint per host of
// every Envoy cluster, in input order; `source_pod` and `cluster` are left empty. An empty
// view (a table with only its header, `[]`, an empty /clusters dump) gives an empty vector.
// CRLF line ends are accepted. Unknown JSON fields are ignored; both camelCase and snake_case
// spellings are accepted in every JSON format. Fails with InvalidInput:
//   JSON:  "<source>: byte N: <reason>" (N from the JSON parser) or "<source>: <json path>:
//   <reason>" text:  "<source>:<line>: <reason>" (line 1-based), e.g. an unknown STATUS value.
Result<std::vector<Endpoint>> ParseEndpoints(std::string_view text, EndpointFormat fmt,
                                             std::string_view source = "<input>");

// Returns the endpoints whose Envoy cluster equals `name`, compared case-insensitively
// (as `istioctl proxy-config endpoints --cluster`). An empty `name` keeps every endpoint.
std::vector<Endpoint> FilterByEnvoyCluster(std::vector<Endpoint> endpoints, std::string_view name);

}  // namespace meshverify
