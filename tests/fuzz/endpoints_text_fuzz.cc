// libFuzzer target: Envoy admin /clusters plain text (placeholders, a cut last line, quoted).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  constexpr auto kText = meshverify::EndpointFormat::kEnvoyClustersText;
  meshverify::fuzz::CheckView(meshverify::ParseEndpointView(text, kText, "fuzz"), text, kText,
                              "fuzz");
  return 0;
}
