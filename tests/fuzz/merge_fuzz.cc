// libFuzzer target: `meshverify merge` on a pair of report JSONs (the input split at its first
// NUL byte): parsing either never throws, merging two parsed reports gives a report or an
// InvalidInput error, and a merged report renders and round-trips through its JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "meshverify/analyze.h"
#include "meshverify/render.h"
#include "meshverify/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t cut = text.find('\0');
  if (cut == std::string_view::npos) return 0;
  meshverify::Result<meshverify::Report> a = meshverify::ParseReport(text.substr(0, cut), "a");
  meshverify::Result<meshverify::Report> b = meshverify::ParseReport(text.substr(cut + 1), "b");
  if (!a.ok() || !b.ok()) return 0;
  std::vector<meshverify::Report> both = {*a, *b};
  meshverify::GateOptions gate = meshverify::GateOptionsFromConfig(a->config, meshverify::GateOptions{});
  meshverify::Result<meshverify::Report> merged = meshverify::MergeReports(both, gate);
  if (!merged.ok()) {
    if (!merged.status().IsInvalidInput()) std::abort();
    return 0;
  }
  if (meshverify::RenderJson(*merged).empty()) std::abort();
  if (!meshverify::ParseReport(meshverify::RenderJson(*merged)).ok()) std::abort();
  return 0;
}
