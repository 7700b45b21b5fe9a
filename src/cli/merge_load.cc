#include "cli/merge_load.h"

#include <ostream>
#include <sstream>

#include "cli/commands.h"

namespace meshverify::cli {
namespace {

// The load report in the format of renderer `name` (the registry's names).
std::string RenderLoad(const load::LoadReport& r, std::string_view name) {
  if (name == "json") {
    std::ostringstream json;
    load::WriteLoadReportJson(r, json);
    return json.str();
  }
  if (name == "junit") return load::RenderLoadJUnit(r);
  if (name == "markdown") return load::RenderLoadMarkdown(r);
  if (name == "html") return load::RenderLoadHtml(r);
  return load::RenderLoadText(r);
}

}  // namespace

bool IsLoadReport(std::string_view text) {
  const size_t at = text.find("\"schema\"");
  if (at == std::string_view::npos) return false;
  const size_t end = std::min(text.size(), at + 64);
  return text.substr(at, end - at).find(load::kLoadSchema) != std::string_view::npos;
}

ExitCode EmitMergedLoadReport(const load::LoadReport& r, const OutputFlags& o, Environment& env,
                              std::string_view command) {
  ExitCode code = r.interrupted ? ExitCode::kInterrupted : ExitCodeFor(r.verdict);
  for (const auto& [renderer, path] : o.files) {
    Status s = env.fs->WriteFile(path, RenderLoad(r, renderer->name));
    if (!s.ok()) code = ReportError(env, command, s);
  }
  *env.out << RenderLoad(r, o.stdout_format->name);
  env.out->flush();
  return code;
}

ExitCode MergeLoadFiles(const std::vector<std::string>& texts,
                        const std::vector<std::string>& names, const OutputFlags& o,
                        Environment& env) {
  std::vector<load::LoadReport> reports;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<load::LoadReport> r = load::ParseCheckedLoadReport(texts[i], names[i]);
    if (!r.ok()) return ReportError(env, "merge", r.status());
    reports.push_back(std::move(*r));
  }
  Result<load::LoadReport> merged = load::MergeLoadReports(reports, names);
  if (!merged.ok()) return ReportError(env, "", merged.status());  // "merge: ..."
  merged->config["merged_from"] = names;
  return EmitMergedLoadReport(*merged, o, env, "merge");
}

}  // namespace meshverify::cli
