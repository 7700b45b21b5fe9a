// libFuzzer target for Histogram::FromJson (histograms read back from shard reports): never
// crashes; whatever it accepts round-trips through ToJson, merges, and has its quantiles
// inside [min, max]. Input that is not JSON is read as doubles (any bit pattern: NaN, inf,
// subnormal, negative) for Histogram::AddAll, which must equal one Add per value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "meshverify/histogram.h"

namespace {

void CheckAddAll(const uint8_t* data, size_t size) {
  std::vector<double> values(size / sizeof(double));
  if (!values.empty()) std::memcpy(values.data(), data, values.size() * sizeof(double));
  meshverify::Histogram one, all;
  one.Add(1.5);  // a stored bucket to merge with
  all.Add(1.5);
  for (double v : values) one.Add(v);
  all.AddAll(values);
  if (!(one == all)) std::abort();
  const double a = one.sum(), b = all.sum();
  if (std::memcmp(&a, &b, sizeof a) != 0) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) {
    CheckAddAll(data, size);
    return 0;
  }
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
