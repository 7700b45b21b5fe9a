#include "cli/merge_load.h"

#include <ostream>
#include <sstream>

namespace meshverify::cli {

bool IsLoadReport(std::string_view text) {
  const size_t at = text.find("\"schema\"");
  if (at == std::string_view::npos) return false;
  const size_t end = std::min(text.size(), at + 64);
  return text.substr(at, end - at).find(load::kLoadSchema) != std::string_view::npos;
}

int EmitMergedLoadReport(const load::LoadReport& r, const OutputOptions& o, Environment& env) {
  bool wrote_all = true;
  auto write = [&](const std::string& path, const std::string& text) {
    if (path.empty()) return;
    if (Status s = WriteFile(path, text); !s.ok()) {
      *env.err << "meshverify: " << s.message() << "\n";
      wrote_all = false;
    }
  };
  std::ostringstream json;
  load::WriteLoadReportJson(r, json);
  write(o.json_path, json.str());
  write(o.junit_path, load::RenderLoadJUnit(r));
  write(o.markdown_path, load::RenderLoadMarkdown(r));
  write(o.html_path, load::RenderLoadHtml(r));
  *env.out << (o.output == "json" ? json.str() : load::RenderLoadText(r));
  env.out->flush();
  if (!wrote_all) return 3;
  return r.interrupted ? 130 : ExitCodeFor(r.verdict);
}

int MergeLoadFiles(const std::vector<std::string>& texts, const std::vector<std::string>& names,
                   const OutputOptions& o, Environment& env) {
  std::vector<load::LoadReport> reports;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<load::LoadReport> r = load::ParseLoadReport(texts[i], names[i]);
    if (!r.ok()) {
      *env.err << "meshverify merge: " << r.status().message() << "\n";
      return 2;
    }
    reports.push_back(std::move(*r));
  }
  Result<load::LoadReport> merged = load::MergeLoadReports(reports, names);
  if (!merged.ok()) {
    *env.err << merged.status().message() << "\n";
    return merged.status().ExitCode();
  }
  merged->config["merged_from"] = names;
  return EmitMergedLoadReport(*merged, o, env);
}

}  // namespace meshverify::cli
