// libFuzzer target for Histogram::FromJson (histograms read back from shard reports): never
// crashes; whatever it accepts round-trips through ToJson, merges, and has its quantiles
// inside [min, max].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "meshverify/histogram.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  meshverify::Result<meshverify::Histogram> h = meshverify::Histogram::FromJson(j, "h");
  if (!h.ok()) return 0;
  meshverify::Result<meshverify::Histogram> again =
      meshverify::Histogram::FromJson(h->ToJson(), "again");
  if (!again.ok() || !(*again == *h)) std::abort();
  for (double q : {0.0, 0.5, 0.99, 1.0}) {
    const double v = h->Quantile(q);
    if (h->count() > 0 && (v < h->min() || v > h->max())) std::abort();
  }
  meshverify::Histogram m = *h;
  m.Merge(*h);
  if (m.count() != 2 * h->count()) std::abort();
  return 0;
}
