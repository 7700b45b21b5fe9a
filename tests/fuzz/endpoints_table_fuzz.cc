// libFuzzer target: istioctl proxy-config endpoints and eds tables, and format detection.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using meshverify::EndpointFormat;
  for (EndpointFormat f :
       {EndpointFormat::kIstioctlTable, EndpointFormat::kEdsTable, EndpointFormat::kAuto}) {
    auto r = meshverify::ParseEndpoints(text, f, "fuzz");
    meshverify::fuzz::CheckError(r.status(), "fuzz");
  }
  return 0;
}
