// libFuzzer target: ClusterStatus JSON (istioctl -o json, Envoy /clusters?format=json). The
// fast path must agree with the DOM parser whenever it accepts an input, and accept nothing
// the DOM parser warns about (it has no warnings to give).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/endpoints.h"
#include "parse/endpoints_internal.h"

namespace {

bool Same(const meshverify::Endpoint& a, const meshverify::Endpoint& b) {
  return a.envoy_cluster == b.envoy_cluster && a.address == b.address && a.port == b.port &&
         a.health == b.health && a.outlier_ejected == b.outlier_ejected && a.weight == b.weight &&
         a.locality == b.locality && a.priority == b.priority && a.hostname == b.hostname &&
         a.counters == b.counters;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ei = meshverify::endpoints_internal;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ei::Warnings warnings("fuzz");
  auto dom = ei::ParseClusterStatusesJson(text, "fuzz", &warnings);
  meshverify::fuzz::CheckError(dom.status(), "fuzz");
  const std::vector<std::string> warned = warnings.Take();
  for (auto f : {meshverify::EndpointFormat::kIstioctlJson, meshverify::EndpointFormat::kAuto}) {
    meshverify::fuzz::CheckView(meshverify::ParseEndpointView(text, f, "fuzz"), text, f, "fuzz");
  }
  if (auto fast = ei::FastParseClusterStatusesJson(text)) {
    if (!dom.ok() || dom->size() != fast->size() || !warned.empty()) std::abort();
    for (size_t i = 0; i < fast->size(); ++i) {
      if (!Same((*dom)[i], (*fast)[i])) std::abort();
    }
  }
  return 0;
}
