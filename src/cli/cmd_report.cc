// `meshverify report FILE.json [-o FORMAT] [--json|--junit|--markdown|--html PATH]`: renders a
// saved report, of check/analyze/merge or of load (meshverify.load/v1, by its "schema"). The exit
// code is the report's verdict exit code, so a saved run can be re-gated; a file that is not a
// report gives one line naming the file and place, and exit 2.
#include <ostream>

#include "cli/commands.h"
#include "cli/merge_load.h"
#include "meshverify/analyze.h"
#include "meshverify/render.h"

namespace meshverify::cli {
namespace {

constexpr char kHelpTail[] =
    "\nA load report (meshverify.load/v1) is rendered with load's renderers.\n"
    "-f/--format is the old spelling of -o. --list-formats prints each format's name and\n"
    "file extension.\n"
    "Exit code: the report's verdict (0 pass, 1 fail, 3 error, 4 inconclusive); 2 when FILE is\n"
    "not a report, or its numbers disagree (totals, shares, gates or verdict not what its\n"
    "counts give: an edited file).\n";

}  // namespace

Result<ReportFlags> ParseReportFlags(const Args& args) {
  ReportFlags f;
  OutputOptionValues output;
  std::optional<std::string> format;
  po::options_description desc("meshverify report FILE.json [options]");
  desc.add_options()("help,h", "show this help")("format,f", Optional(&format)->value_name("FMT"),
                                                 ("the same as -o: " + RendererChoices()).c_str())(
      "list-formats", po::bool_switch(&f.list_formats), "list the output formats and exit");
  AddOutputOptions(desc, &output);
  po::options_description all;
  all.add(desc).add_options()("file", po::value(&f.file)->value_name("FILE"),
                              "the JSON report ('-' = stdin)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (Status s = ParseArgs(args, all, &positional, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText("", desc, kHelpTail);
    return f;
  }
  if (f.list_formats) return f;
  if (format) {
    if (!vm["output"].defaulted() && output.output != *format) {
      return Status::Usage("--format " + *format + " and -o " + output.output + " disagree");
    }
    output.output = *format;
  }
  Result<OutputFlags> out = ResolveOutput(output);
  if (!out.ok()) return out.status();
  f.output = *out;
  if (f.file.empty()) return Status::Usage("missing FILE.json (see meshverify report --help)");
  return f;
}

ExitCode RunReport(const ReportFlags& f, Environment& env) {
  if (f.list_formats) {
    for (const Renderer& r : Renderers()) *env.out << r.name << " " << r.extension << "\n";
    return ExitCode::kPass;
  }
  Result<std::string> text = ReadFileOrStdin(env, f.file);
  if (!text.ok()) return ReportError(env, "report", text.status());
  const std::string name = f.file == "-" ? "<stdin>" : f.file;
  if (IsLoadReport(*text)) {
    Result<load::LoadReport> load = load::ParseCheckedLoadReport(*text, name);
    if (!load.ok()) return ReportError(env, "report", load.status());
    return EmitMergedLoadReport(*load, f.output, env, "report");
  }
  Result<Report> report = ParseCheckedReport(*text, name);
  if (!report.ok()) return ReportError(env, "report", report.status());
  return EmitReport(*report, f.output, env, "report");
}

}  // namespace meshverify::cli
