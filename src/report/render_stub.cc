// Placeholder until the renderers land (issue #2); replaced by render_*.cc.
#include "meshverify/render.h"

namespace meshverify {
std::string RenderJson(const Report& report) { return ReportToJson(report).dump(2) + "\n"; }
std::string RenderText(const Report&) { return "not implemented\n"; }
std::string RenderMarkdown(const Report&) { return "not implemented\n"; }
std::string RenderJUnit(const Report&) { return "not implemented\n"; }
std::string RenderHtml(const Report&) { return "not implemented\n"; }
}  // namespace meshverify
