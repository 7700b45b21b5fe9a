#include <ostream>

#include "cli/options.h"
#include "meshverify/render.h"

namespace meshverify::cli {

int EmitReport(const Report& report, const OutputOptions& o, Environment& env) {
  struct Target {
    const std::string& path;
    std::string (*render)(const Report&);
  };
  const Target targets[] = {{o.json_path, RenderJson},
                            {o.junit_path, RenderJUnit},
                            {o.markdown_path, RenderMarkdown},
                            {o.html_path, RenderHtml}};
  bool wrote_all = true;
  for (const Target& t : targets) {
    if (t.path.empty()) continue;
    Status s = WriteFile(t.path, t.render(report));
    if (!s.ok()) {
      *env.err << "meshverify: " << s.message() << "\n";
      wrote_all = false;
    }
  }
  *env.out << (o.output == "json" ? RenderJson(report) : RenderText(report));
  env.out->flush();
  return wrote_all ? ToInt(ExitCodeFor(report.verdict)) : 3;
}

}  // namespace meshverify::cli
