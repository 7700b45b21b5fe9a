// libFuzzer target: istioctl proxy-config eds -o json (ClusterLoadAssignment), then the
// cluster map and shares over whatever parsed.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr auto kEds = meshverify::EndpointFormat::kEdsJson;
  meshverify::fuzz::CheckView(meshverify::ParseEndpointView(text, kEds, "fuzz"), text, kEds,
                              "fuzz");
  auto r = meshverify::ParseEndpoints(text, kEds, "fuzz");
  if (!r.ok()) return 0;
  auto map = meshverify::ClusterMap::Create(
      {{"c1", "", "", {"10.241.0.0/16", "fd00::/8"}, {}}, {"c2", "", "", {"10.244.0.0/16"}, {}}});
  map->AssignClusters(*r);
  double sum = 0;
  for (const auto& [k, v] : meshverify::ExpectedClusterShares(*r)) sum += v;
  if (sum != 0 && std::fabs(sum - 1) > 1e-9) std::abort();  // shares sum to 1 or are empty
  return 0;
}
