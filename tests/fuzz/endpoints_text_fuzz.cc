// libFuzzer target: Envoy admin /clusters plain text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = meshverify::ParseEndpoints(text, meshverify::EndpointFormat::kEnvoyClustersText, "fuzz");
  meshverify::fuzz::CheckError(r.status(), "fuzz");
  return 0;
}
