// `meshverify report FILE.json [--format text|markdown|junit|html|json] [-o PATH]`: renders a
// saved report. The exit code is the report's verdict exit code, so a saved run can be
// re-gated; a file that is not a report gives one line naming the file and place, and exit 2.
#include <ostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "meshverify/render.h"

namespace meshverify::cli {
namespace {

Result<const Renderer*> RendererFor(const std::string& format) {
  if (const Renderer* r = FindRenderer(format)) return r;
  return Status::Usage("meshverify report: --format " + format + ": expected " + RendererNames());
}

}  // namespace

int RunReport(const Args& args, Environment& env) {
  std::string file, format = "text", out_path;
  bool help = false;
  po::options_description desc("meshverify report FILE.json [options]");
  desc.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "format,f", po::value(&format)->value_name("FMT")->default_value("text"),
      "text | markdown | junit | html | json")("output,o", po::value(&out_path)->value_name("PATH"),
                                               "write to PATH instead of stdout")(
      "file", po::value(&file)->value_name("FILE"), "the JSON report ('-' = stdin)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (Status s = ParseArgs("report", args, desc, &positional, &vm); !s.ok()) {
    *env.err << s.message() << "\n";
    return 2;
  }
  if (help) {
    *env.out << desc
             << "\nExit code: the report's verdict (0 pass, 1 fail, 3 error, "
                "4 inconclusive); 2 when FILE is not a report.\n";
    return 0;
  }
  if (file.empty()) {
    *env.err << "meshverify report: missing FILE.json (see meshverify report --help)\n";
    return 2;
  }
  Result<const Renderer*> render = RendererFor(format);
  if (!render.ok()) {
    *env.err << render.status().message() << "\n";
    return 2;
  }
  Result<std::string> text = ReadFileOrStdin(env, file);
  if (!text.ok()) {
    *env.err << "meshverify report: " << text.status().message() << "\n";
    return 2;
  }
  Result<Report> report = ParseReport(*text, file == "-" ? "<stdin>" : file);
  if (!report.ok()) {
    *env.err << "meshverify report: " << report.status().message() << "\n";
    return 2;
  }
  std::string rendered = (*render)->render(*report);
  if (out_path.empty() || out_path == "-") {
    *env.out << rendered;
    env.out->flush();
  } else if (Status s = WriteFile(out_path, rendered); !s.ok()) {
    *env.err << "meshverify report: " << s.message() << "\n";
    return 3;
  }
  return ToInt(ExitCodeFor(report->verdict));
}

}  // namespace meshverify::cli
