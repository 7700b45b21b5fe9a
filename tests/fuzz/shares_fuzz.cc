// libFuzzer target for ParseShareList (--expect and mesh.yaml's expect:): never crashes, and a
// list it accepts is shares a gate can use: non-empty, finite, non-negative, summing to 1.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "meshverify/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::ShareList> r = meshverify::ParseShareList(text, "--expect");
  if (!r.ok()) {
    if (r.status().message().rfind("--expect: ", 0) != 0) std::abort();
    return 0;
  }
  if (r->shares.empty()) std::abort();
  double sum = 0;
  for (const auto& [name, share] : r->shares) {
    if (name.empty() || !std::isfinite(share) || share < 0) std::abort();
    sum += share;
  }
  if (std::fabs(sum - 1) > 1e-9) std::abort();
  return 0;
}
