// Writes a load report in every format asked for.
#include <ostream>

#include "cli/load_flags.h"

namespace meshverify::cli {

int EmitLoadReport(const load::LoadReport& report, const LoadFlags& f, Environment& env) {
  const nlohmann::json j = load::LoadReportToJson(report);
  struct Out {
    const std::string& path;
    std::string (*render)(const load::LoadReport&, const nlohmann::json&);
  };
  const Out outs[] = {
      {f.json_path,
       [](const load::LoadReport&, const nlohmann::json& j) { return j.dump(2) + "\n"; }},
      {f.html_path,
       [](const load::LoadReport& r, const nlohmann::json&) { return load::RenderLoadHtml(r); }},
      {f.markdown_path, [](const load::LoadReport& r,
                           const nlohmann::json&) { return load::RenderLoadMarkdown(r); }},
      {f.fortio_path,
       [](const load::LoadReport& r, const nlohmann::json&) {
         return load::RenderFortioJson(r).dump(2) + "\n";
       }},
  };
  int code = 0;
  for (const Out& o : outs) {
    if (o.path.empty()) continue;
    if (Status s = WriteFile(o.path, o.render(report, j)); !s.ok()) {
      *env.err << "meshverify load: " << s.message() << "\n";
      code = 3;
    }
  }
  *env.out << (f.output == "json" ? j.dump(2) + "\n" : load::RenderLoadText(report));
  return code;
}

}  // namespace meshverify::cli
