// Writes a load report in every format asked for.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <ostream>

#include "cli/load_flags.h"

namespace meshverify::cli {
namespace {

// The JSON report streamed to `path` (temp file + rename, as WriteFile).
Status WriteJsonReport(const std::string& path, const load::LoadReport& r) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::Unavailable(path + ": " + std::strerror(errno));
    load::WriteLoadReportJson(r, f);
    f.flush();
    if (!f) return Status::Unavailable(path + ": write error");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return Status::Unavailable(path + ": " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace

ExitCode EmitLoadReport(const load::LoadReport& report, const LoadFlags& f, Environment& env) {
  ExitCode code = ExitCode::kPass;
  auto check = [&](const Status& s) {
    if (!s.ok()) code = ReportError(env, "load", s);
  };
  if (!f.json_path.empty()) check(WriteJsonReport(f.json_path, report));
  if (!f.html_path.empty()) check(env.fs->WriteFile(f.html_path, load::RenderLoadHtml(report)));
  if (!f.markdown_path.empty()) check(env.fs->WriteFile(f.markdown_path, load::RenderLoadMarkdown(report)));
  if (!f.fortio_path.empty()) {
    check(env.fs->WriteFile(f.fortio_path, load::RenderFortioJson(report).dump(2) + "\n"));
  }
  if (f.output == "json") {
    load::WriteLoadReportJson(report, *env.out);
  } else {
    *env.out << load::RenderLoadText(report);
  }
  return code;
}

}  // namespace meshverify::cli
