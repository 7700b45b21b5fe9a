#pragma once
// Endpoint views: what one sidecar believes the endpoints of its Envoy clusters are, read from
// istioctl or Envoy admin output (src/parse/endpoints_*.cc). Pure: the parsers take text and
// return values, do no I/O, and may be called from any thread.

#include <string>
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

// Guesses the format of `text` from its first non-blank content: JSON by its first byte, a
// table by its header or, without one, by the shape of its first row (an address, then a
// STATUS name: `istioctl pc endpoints POD | grep ...`), else Envoy /clusters text by "::". A
// prefix every line shares ("# ", "> ", indentation) is ignored. Returns kAuto when no format
// matches (ParseEndpointView then fails naming the source).
EndpointFormat DetectEndpointFormat(std::string_view text);

// An endpoint view as read, with what was odd about it.
struct EndpointView {
  std::vector<Endpoint> endpoints;
  // The format read (detected when kAuto was asked). Tables carry no weights: every endpoint
  // read from one has weight 1 whatever Envoy uses.
  EndpointFormat format = EndpointFormat::kAuto;
  // Problems that did not stop the view from being read, one line each and located like the
  // errors below ("<source>:<line>: <reason>", "<source>: <json path>: <reason>"), at most 50
  // (then a last line says how many more). Callers show them (`endpoints`: text and JSON;
  // `check`: report notes). They are:
  //  - an address that is not an IP ("X.X.X.X:443", redacted): kept as written, so that no
  //    view silently reads as "no endpoints"; no pod CIDR maps it;
  //  - a table row that ends before its CLUSTER column (a paste cut short): kept, with the
  //    cells it has and an empty envoy_cluster;
  //  - the last line of Envoy /clusters text cut inside a stat: ignored;
  //  - a ClusterStatus JSON that lists a cluster twice: its hosts are kept twice.
  std::vector<std::string> warnings;
};

// Parses an endpoint view in format `fmt` (kAuto: detected). Returns one Endpoint per host of
// every Envoy cluster, in input order; `source_pod` and `cluster` are left empty. An empty
// view (a table with only its header, `[]`, an empty /clusters dump) gives no endpoints and
// no error. Accepted as people paste them: CRLF line ends; leading blank lines; a prefix every
// line shares ("# "); tables without their header (columns found by shape: address, STATUS,
// OK|FAILED, LOCALITY, CLUSTER), the pre-1.1 three-column ENDPOINT STATUS CLUSTER table,
// rows spaced differently from the header, several listings one after the other; addresses
// without a port (unix://, envoy://, a bare IP: port 0). Unknown JSON fields are ignored;
// camelCase and snake_case spellings are accepted in every JSON format, and so are the
// older Envoy forms (`socket_address.port` for `port_value`, integers bare or as
// {"value": N}). Fails with InvalidInput:
//   JSON:  "<source>: byte N, line L, column C: <reason>" (from the JSON parser; a `//` or
//          `/*` comment says so: JSON has none) or "<source>: <json path>: <reason>";
//   text:  "<source>:<line>: <reason>" (line 1-based), e.g. an unknown STATUS value or an
//          address with a typo ("10.0.0.999").
Result<EndpointView> ParseEndpointView(std::string_view text, EndpointFormat fmt,
                                       std::string_view source = "<input>");

// ParseEndpointView without the warnings.
Result<std::vector<Endpoint>> ParseEndpoints(std::string_view text, EndpointFormat fmt,
                                             std::string_view source = "<input>");

// Returns the endpoints whose Envoy cluster equals `name`, compared case-insensitively
// (as `istioctl proxy-config endpoints --cluster`). An empty `name` keeps every endpoint.
std::vector<Endpoint> FilterByEnvoyCluster(std::vector<Endpoint> endpoints, std::string_view name);

}  // namespace meshverify
