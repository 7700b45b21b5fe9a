// libFuzzer target: the kubectl pod-list parser (discover::ParsePodList) never throws, fails
// with one line naming its source, and lets through only DNS-1123 pod names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/discover.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pods = meshverify::discover::ParsePodList(text, "c1", "fuzz");
  meshverify::fuzz::CheckError(pods.status(), "fuzz");
  if (!pods.ok()) return 0;
  for (const meshverify::PodInfo& p : *pods) {
    if (p.name.empty() || p.name.size() > 253 || p.name[0] == '-' || p.cluster != "c1") {
      std::abort();
    }
    for (char c : p.name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) std::abort();
    }
    if (meshverify::discover::RunningAndReady(p) && p.phase != "Running") std::abort();
  }
  return 0;
}
