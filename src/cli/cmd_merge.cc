// `meshverify merge FILE.json…`: combines reports of several runs or pods (MergeReports) and
// emits the merged report like `analyze` does.

#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/merge_load.h"
#include "cli/options.h"
#include "meshverify/analyze.h"

namespace meshverify::cli {

int RunMerge(const Args& args, Environment& env) {
  auto fail = [&](const Status& s) {
    const std::string& m = s.message();
    *env.err << (m.rfind("meshverify", 0) == 0 ? "" : "meshverify merge: ") << m << "\n";
    return s.ExitCode();
  };
  std::vector<std::string> files;
  GateFlags gate;
  double max_error_rate = 0;
  OutputOptions output;
  bool help = false;
  po::options_description desc("meshverify merge FILE.json... [options]");
  desc.add_options()("help,h", po::bool_switch(&help), "show this help")(
      "max-error-rate", po::value(&max_error_rate)->value_name("R")->default_value(0.0),
      "largest allowed share of failed requests");
  AddGateOptions(desc, &gate);
  AddOutputOptions(desc, &output);
  po::options_description all;
  all.add(desc).add_options()("file", po::value(&files)->multitoken(), "reports");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  if (Status s = ParseArgs("merge", args, all, &pos, &vm); !s.ok()) return fail(s);
  if (help) {
    *env.out << desc
             << "\nSums sources with the same cluster and pod, recomputes shares, intervals, "
                "gates and the\npooled total from the counts, unions endpoints and re-runs the "
                "count-based checks.\nLatency merges bucket by bucket; load reports "
                "(meshverify.load/v1) merge window by\nwall-clock window. Runs of other "
                "settings are refused.\nGate settings default to the first report's config.gate; "
                "flags override them.\nExit codes: 0 passed, 1 failed, 2 bad input, 3 an input "
                "could not run, 4 inconclusive.\n";
    return 0;
  }
  if (files.empty()) return fail(Status::Usage("meshverify merge: no reports given"));
  if (Status s = ValidateOutput(output); !s.ok()) return fail(s);
  if (Status s = ValidateGate(gate); !s.ok()) return fail(s);

  std::vector<std::string> texts;
  for (const std::string& path : files) {
    Result<std::string> text = ReadFileOrStdin(env, path);
    if (!text.ok()) return fail(Status::InvalidInput(text.status().message()));
    texts.push_back(std::move(*text));
  }
  if (IsLoadReport(texts[0])) return MergeLoadFiles(texts, files, output, env);
  std::vector<Report> reports;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& path = files[i];
    Result<Report> r = ParseReport(texts[i], path);
    if (!r.ok()) return fail(r.status());
    reports.push_back(std::move(*r));
  }
  AnalyzeOptions opt = AnalyzeOptionsFromConfig(reports[0].config, {});
  if (!vm["tolerance"].defaulted()) opt.tolerance = gate.tolerance;
  if (!vm["alpha"].defaulted()) opt.alpha = gate.alpha;
  if (!vm["max-error-rate"].defaulted()) opt.max_error_rate = max_error_rate;
  Result<Report> merged = MergeReports(reports, opt, files);
  if (!merged.ok()) return fail(merged.status());
  if (!merged->config.is_object()) merged->config = nlohmann::json::object();
  merged->config["merged_from"] = files;
  return EmitReport(*merged, output, env);
}

}  // namespace meshverify::cli
