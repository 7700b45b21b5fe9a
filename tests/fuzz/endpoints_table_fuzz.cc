// libFuzzer target: istioctl proxy-config endpoints and eds tables (with or without a header,
// quoted, cut off), and format detection; warnings as checked by CheckView.
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
    meshverify::fuzz::CheckView(meshverify::ParseEndpointView(text, f, "fuzz"), text, f, "fuzz");
  }
  return 0;
}
