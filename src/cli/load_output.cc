// Writes a load report in every format asked for.
#include <ostream>
#include <sstream>

#include "cli/load_flags.h"
#include "meshverify/redact.h"

namespace meshverify::cli {
namespace {

// The JSON report, through env.fs (atomic for a regular file, written through otherwise).
Status WriteJsonReport(const std::string& path, const load::LoadReport& r, Environment& env) {
  std::ostringstream json;
  load::WriteLoadReportJson(r, json);
  return env.fs->WriteFile(path, RedactUrls(json.str()));
}

}  // namespace

ExitCode EmitLoadReport(const load::LoadReport& report, const LoadFlags& f, Environment& env) {
  ExitCode code = ExitCode::kPass;
  auto check = [&](const Status& s) {
    if (!s.ok()) code = ReportError(env, "load", s);
  };
  if (!f.json_path.empty()) check(WriteJsonReport(f.json_path, report, env));
  if (!f.html_path.empty())
    check(env.fs->WriteFile(f.html_path, RedactUrls(load::RenderLoadHtml(report))));
  if (!f.markdown_path.empty())
    check(env.fs->WriteFile(f.markdown_path, RedactUrls(load::RenderLoadMarkdown(report))));
  if (!f.fortio_path.empty()) {
    check(env.fs->WriteFile(f.fortio_path,
                            RedactUrls(load::RenderFortioJson(report).dump(2) + "\n")));
  }
  if (f.output == "json") {
    std::ostringstream json;
    load::WriteLoadReportJson(report, json);
    *env.out << RedactUrls(json.str());
  } else {
    *env.out << RedactUrls(load::RenderLoadText(report));
  }
  return code;
}

}  // namespace meshverify::cli
