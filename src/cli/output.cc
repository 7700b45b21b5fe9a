// The output flags every report-producing command takes (-o and one file flag per format of the
// renderer registry), and writing a report to them.
#include <ostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/redact.h"
#include "meshverify/render.h"

namespace meshverify::cli {

void AddOutputOptions(po::options_description& desc, OutputOptionValues* values) {
  for (const Renderer& r : Renderers()) {
    if (r.file_flag.empty()) continue;
    std::string flag(r.file_flag);
    desc.add_options()(flag.c_str(), po::value(&values->paths[flag])->value_name("PATH"),
                       ("write " + std::string(r.summary) + " to PATH").c_str());
  }
  desc.add_options()("output,o",
                     po::value(&values->output)->value_name("FMT")->default_value("text"),
                     ("stdout format: " + RendererChoices()).c_str());
}

Result<bool> ParseTextOrJson(const std::string& output) {
  if (output != "text" && output != "json") {
    return Status::Usage("-o " + output + ": expected text or json");
  }
  return output == "json";
}

Result<OutputFlags> ResolveOutput(const OutputOptionValues& values) {
  OutputFlags out;
  out.stdout_format = FindRenderer(values.output);
  if (out.stdout_format == nullptr) {
    return Status::Usage("-o " + values.output + ": expected " + RendererNames());
  }
  for (const Renderer& r : Renderers()) {
    auto it = values.paths.find(std::string(r.file_flag));
    if (r.file_flag.empty() || it == values.paths.end() || it->second.empty()) continue;
    out.files.emplace_back(&r, it->second);
  }
  return out;
}

// Every rendering passes through RedactUrls: a URL's credentials are never written, whichever
// field or message quotes it.
ExitCode EmitReport(const Report& report, const OutputFlags& output, Environment& env,
                    std::string_view command) {
  ExitCode code = report.interrupted ? ExitCode::kInterrupted : ExitCodeFor(report.verdict);
  for (const auto& [renderer, path] : output.files) {
    Status s = env.fs->WriteFile(path, RedactUrls(renderer->render(report)));
    if (!s.ok()) code = ReportError(env, command, s);
  }
  *env.out << RedactUrls(output.stdout_format->render(report));
  env.out->flush();
  return code;
}

}  // namespace meshverify::cli
