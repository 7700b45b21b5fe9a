// `meshverify plan --tolerance D --alpha A --power P [--expect v1=0.5,v2=0.5 | --categories K]`:
// from how many requests per source on the equivalence gate stays likely to pass a source whose
// shares really are as expected (stats::PlanRequests). Prints one line, or JSON with -o json.
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "meshverify/config.h"
#include "meshverify/stats.h"

namespace meshverify::cli {
namespace {

// More categories than any mesh has clusters or versions; keeps --categories typos cheap.
constexpr int kMaxCategories = 10000;

struct PlanInput {
  std::vector<std::string> names;  // empty for --categories
  std::vector<double> shares;
};

Result<PlanInput> SharesFrom(const std::string& expect, int categories, bool has_categories) {
  PlanInput in;
  if (!expect.empty() && has_categories) {
    return Status::Usage("--expect and --categories exclude each other");
  }
  if (!expect.empty()) {
    Result<std::map<std::string, double>> shares = ParseShares(expect, "--expect");
    if (!shares.ok()) return shares.status();
    for (const auto& [name, share] : *shares) {
      in.names.push_back(name);
      in.shares.push_back(share);
    }
    return in;
  }
  if (categories < 1 || categories > kMaxCategories) {
    return Status::Usage("--categories " + std::to_string(categories) + ": must be in [1, " +
                         std::to_string(kMaxCategories) + "]");
  }
  in.shares.assign(categories, 1.0 / categories);
  return in;
}

std::string Num(double v) {
  std::ostringstream os;
  os << v;  // 6 significant digits: "0.05", "0.333333"
  return os.str();
}

std::string DescribeShares(const PlanInput& in) {
  if (in.names.empty() && in.shares.size() > 6) {
    return std::to_string(in.shares.size()) + " equal shares of " + Num(in.shares[0]);
  }
  std::string s = "shares ";
  for (size_t i = 0; i < in.shares.size(); ++i) {
    if (i > 0) s += "/";
    if (!in.names.empty()) s += in.names[i] + "=";
    s += Num(in.shares[i]);
  }
  return s;
}

}  // namespace

Result<PlanFlags> ParsePlanFlags(const Args& args) {
  PlanFlags f;
  std::string output = "text";
  po::options_description desc(
      "meshverify plan [--tolerance D] [--alpha A] [--power P] [--expect v1=0.5,v2=0.5 | "
      "--categories K]");
  desc.add_options()("help,h", "show this help");
  AddGateOptions(desc, &f.gate);
  desc.add_options()("power", po::value(&f.power)->value_name("P")->default_value(0.9, "0.9"),
                     "probability that a source with the expected shares is gated balanced")(
      "expect", po::value(&f.expect)->value_name("SHARES"),
      "expected shares, e.g. v1=0.5,v2=0.5 (default: equal shares)")(
      "categories", po::value(&f.categories)->value_name("K")->default_value(2),
      "number of equal shares when --expect is not given")(
      "output,o", po::value(&output)->value_name("FMT")->default_value("text"), "text | json");
  po::variables_map vm;
  if (Status s = ParseArgs(args, desc, nullptr, &vm); !s.ok()) return s;
  if (vm.count("help") != 0) {
    f.help = HelpText("", desc,
                      "\nPrints the smallest number of requests per source N such that, at N and "
                      "at every larger\nnumber, a source whose true shares equal the expected "
                      "ones is gated balanced (every share\nwithin expected ± D, error rate alpha "
                      "A) with probability at least P: the exact power\nis a sawtooth in n, and N "
                      "is where it stops dipping below P. Exit code 0, or 2 on bad input.\n");
    return f;
  }
  if (Status s = ValidateGate(f.gate); !s.ok()) return s;
  if (!(f.power > 0 && f.power < 1)) {
    return Status::Usage("--power " + Num(f.power) + ": must be in (0, 1)");
  }
  Result<bool> json = ParseTextOrJson(output);
  if (!json.ok()) return json.status();
  f.json = *json;
  f.categories_given = !vm["categories"].defaulted();
  return f;
}

ExitCode RunPlan(const PlanFlags& f, Environment& env) {
  Result<PlanInput> in = SharesFrom(f.expect, f.categories, f.categories_given);
  if (!in.ok()) return ReportError(env, "plan", in.status());
  Result<uint64_t> n = stats::PlanRequests(in->shares, f.gate.tolerance, f.gate.alpha, f.power);
  // stats' messages say "plan: ..." themselves.
  if (!n.ok()) return ReportError(env, "", n.status());
  if (f.json) {
    nlohmann::json j = {
        {"requests_per_source", *n},
        {"shares", in->shares},
        {"tolerance", f.gate.tolerance},
        {"alpha", f.gate.alpha},
        {"power", f.power},
        {"power_at_n", stats::BalancedProbability(in->shares, *n, f.gate.tolerance, f.gate.alpha)},
        {"method",
         "smallest n from which the exact binomial power stays at or above the "
         "target for every larger n (Bonferroni lower bound over 3+ shares)"}};
    if (!in->names.empty()) j["names"] = in->names;
    *env.out << j.dump(2) << "\n";
  } else {
    *env.out << "requests per source: " << *n << " (" << DescribeShares(*in) << ", tolerance "
             << Num(f.gate.tolerance) << ", alpha " << Num(f.gate.alpha) << ", power "
             << Num(f.power) << ")\n";
  }
  return ExitCode::kPass;
}

}  // namespace meshverify::cli
