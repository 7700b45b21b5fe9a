// `meshverify merge FILE.json…`: combines reports of several runs or pods (MergeReports) and
// emits the merged report like `analyze` does.

#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/merge_load.h"
#include "meshverify/analyze.h"

namespace meshverify::cli {
namespace {

constexpr char kHelpTail[] =
    "\nSums sources with the same cluster and pod, recomputes shares, intervals, gates and the\n"
    "pooled total from the counts, unions endpoints and re-runs the count-based checks.\n"
    "Latency merges bucket by bucket; load reports (meshverify.load/v1) merge window by\n"
    "wall-clock window. Runs of other settings are refused.\n"
    "Gate settings default to the first report's config.gate; flags override them.\n"
    "Exit codes: 0 passed, 1 failed, 2 bad input, 3 an input could not run, 4 inconclusive.\n";

}  // namespace

Result<MergeFlags> ParseMergeFlags(const Args& args) {
  MergeFlags f;
  OutputOptionValues output;
  po::options_description desc("meshverify merge FILE.json... [options]");
  desc.add_options()("help,h", "show this help")(
      "tolerance", Optional(&f.tolerance)->value_name("D"),
      "a share is balanced within expected ± D (default: the first report's)")(
      "alpha", Optional(&f.alpha)->value_name("A"), "family-wise error rate of the gate")(
      "max-error-rate", Optional(&f.max_error_rate)->value_name("R"),
      "largest allowed share of failed requests");
  AddOutputOptions(desc, &output);
  po::variables_map vm;
  if (Status s = ParseArgsAndFiles(args, desc, &f.files, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText("", desc, kHelpTail);
    return f;
  }
  if (f.files.empty()) return Status::Usage("no reports given");
  Result<OutputFlags> out = ResolveOutput(output);
  if (!out.ok()) return out.status();
  f.output = *out;
  GateOptions gate{f.tolerance.value_or(0.05), f.alpha.value_or(0.01),
                   f.max_error_rate.value_or(0)};
  if (Status s = ValidateGate(gate); !s.ok()) return s;
  return f;
}

ExitCode RunMerge(const MergeFlags& f, Environment& env) {
  std::vector<std::string> texts;
  for (const std::string& path : f.files) {
    Result<std::string> text = ReadFileOrStdin(env, path);
    if (!text.ok()) return ReportError(env, "merge", text.status());
    texts.push_back(std::move(*text));
  }
  if (IsLoadReport(texts[0])) return MergeLoadFiles(texts, f.files, f.output, env);
  std::vector<Report> reports;
  for (size_t i = 0; i < f.files.size(); ++i) {
    Result<Report> r = ParseCheckedReport(texts[i], f.files[i]);
    if (!r.ok()) return ReportError(env, "merge", r.status());
    reports.push_back(std::move(*r));
  }
  GateOptions opt = GateOptionsFromConfig(reports[0].config, {});
  if (f.tolerance) opt.tolerance = *f.tolerance;
  if (f.alpha) opt.alpha = *f.alpha;
  if (f.max_error_rate) opt.max_error_rate = *f.max_error_rate;
  Result<Report> merged = MergeReports(reports, opt, f.files);
  if (!merged.ok()) return ReportError(env, "merge", merged.status());
  if (!merged->config.is_object()) merged->config = nlohmann::json::object();
  merged->config["merged_from"] = f.files;
  return EmitReport(*merged, f.output, env, "merge");
}

}  // namespace meshverify::cli
