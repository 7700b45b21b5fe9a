#pragma once
// `meshverify endpoints`' output: the view it built (endpoints with clusters, problems, shares)
// as text or JSON. Private to src/cli.

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "meshverify/model.h"

namespace meshverify::cli {

struct View {
  std::vector<Endpoint> endpoints;
  std::vector<std::string> cluster_order;  // configured clusters first
  std::vector<std::string> problems;
  // The parsers' warnings (EndpointView::warnings) of every file.
  std::vector<std::string> warnings;
  std::vector<std::string> notes;  // how to read the shares (e.g. a table's missing weights)
  bool mapped = false;  // some mapping source was given
  bool shares_valid = false;
  std::map<std::string, double> shares;
};

// "10.0.0.1:80", "[fd00::1]:80", or the address alone when it has no port.
std::string HostPort(const Endpoint& e);

// Per cluster: counts, expected share, one line per endpoint; notes and problems.
void WriteText(const View& v, std::ostream& os);
// {"endpoints": [...], "clusters": {...}, "problems": [...]}.
void WriteJson(const View& v, std::ostream& os);

}  // namespace meshverify::cli
