// libFuzzer target for the --slo parser: never crashes; a refusal is one line naming a column
// inside the expression; an accepted expression has a known metric and an ordered bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "meshverify/load_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::load::Slo> s = meshverify::load::ParseSlo(text);
  if (!s.ok()) {
    const std::string& m = s.status().message();
    if (m.find('\n') != std::string::npos || m.rfind("--slo '", 0) != 0) std::abort();
    if (s.status().ExitCode() != meshverify::ExitCode::kUsage) std::abort();
    return 0;
  }
  if (s->lo > s->hi || !(s->quantile > 0 && s->quantile <= 1)) std::abort();
  if (s->metric == meshverify::load::Slo::Metric::kShare && s->name.empty()) std::abort();
  meshverify::load::Window w;
  w.requests = 10;
  w.ok = 9;
  w.by_cluster["c"].count = 9;
  w.latency_hist["c"].Add(3);
  const meshverify::load::SloResult r = meshverify::load::EvaluateSlo(*s, w, 1, 0.01);
  if (r.status != "pass" && r.status != "fail" && r.status != "inconclusive") std::abort();
  return 0;
}
