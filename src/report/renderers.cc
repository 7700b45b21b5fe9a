// The renderer registry (render.h): one row per output format.
#include "meshverify/render.h"

namespace meshverify {
namespace {

constexpr Renderer kRenderers[] = {
    {"text", "txt", "", "a text report", RenderText},
    {"json", "json", "json", "the JSON report", RenderJson},
    {"markdown", "md", "markdown", "a Markdown report", RenderMarkdown},
    {"junit", "xml", "junit", "a JUnit XML report", RenderJUnit},
    {"html", "html", "html", "an HTML report", RenderHtml},
};

}  // namespace

std::span<const Renderer> Renderers() { return kRenderers; }

const Renderer* FindRenderer(std::string_view name) {
  for (const Renderer& r : kRenderers) {
    if (r.name == name || r.extension == name) return &r;
  }
  return nullptr;
}

std::string RendererNames() {
  std::string out;
  const size_t n = std::size(kRenderers);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += i + 1 == n ? " or " : ", ";
    out += kRenderers[i].name;
  }
  return out;
}

std::string RendererChoices() {
  std::string out;
  for (const Renderer& r : kRenderers) out += (out.empty() ? "" : " | ") + std::string(r.name);
  return out;
}

}  // namespace meshverify
