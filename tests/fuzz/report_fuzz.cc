// libFuzzer target for ParseReport and the renderers: any bytes must give either an error or a
// report that renders in every format and round-trips through its JSON form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "meshverify/render.h"
#include "meshverify/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::Report> r = meshverify::ParseReport(text, "fuzz");
  if (!r.ok()) {
    if (r.status().message().rfind("fuzz: ", 0) != 0) std::abort();  // errors name the source
    return 0;
  }
  for (const meshverify::Renderer& renderer : meshverify::Renderers()) {
    if (renderer.render(*r).empty()) std::abort();
  }
  meshverify::Result<meshverify::Report> back = meshverify::ParseReport(meshverify::RenderJson(*r));
  if (!back.ok()) std::abort();
  return 0;
}
