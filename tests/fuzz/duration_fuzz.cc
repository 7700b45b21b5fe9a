// libFuzzer target: ParseDuration ("5s", "250ms", "2m", a bare number of seconds) never throws,
// fails with one line naming its source, and gives a non-negative duration or an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "endpoints_fuzz_util.h"
#include "meshverify/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = meshverify::ParseDuration(text, "fuzz");
  meshverify::fuzz::CheckError(d.status(), "fuzz");
  if (!d.ok()) return 0;
  if (d->count() < 0) std::abort();
  // The value read back from its own spelling in milliseconds is the same.
  auto again = meshverify::ParseDuration(std::to_string(d->count()) + "ms", "fuzz");
  if (!again.ok() || *again != *d) std::abort();
  return 0;
}
