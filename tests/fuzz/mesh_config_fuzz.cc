// libFuzzer target: mesh.yaml and kind config loaders never throw and fail with one line.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/config.h"
#include "meshverify/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::fuzz::CheckError(meshverify::ParseMeshConfig(text, "fuzz").status(), "fuzz");
  meshverify::fuzz::CheckError(meshverify::ParseKindConfig(text, "fuzz").status(), "fuzz");
  return 0;
}
