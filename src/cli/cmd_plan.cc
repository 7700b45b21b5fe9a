// `meshverify plan --tolerance D --alpha A --power P [--expect v1=0.5,v2=0.5 | --categories K]`:
// from how many requests per source on the equivalence gate stays likely to pass a source whose
// shares really are as expected (stats::PlanRequests). Prints one line, or JSON with -o json.
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
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
    if (!shares.ok()) return Status::Usage(shares.status().message());
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

int RunPlan(const Args& args, Environment& env) {
  GateFlags gate;
  double power = 0.9;
  std::string expect, output = "text";
  int categories = 2;
  bool help = false;
  po::options_description desc(
      "meshverify plan [--tolerance D] [--alpha A] [--power P] [--expect v1=0.5,v2=0.5 | "
      "--categories K]");
  desc.add_options()("help,h", po::bool_switch(&help), "show this help");
  AddGateOptions(desc, &gate);
  desc.add_options()("power", po::value(&power)->value_name("P")->default_value(0.9),
                     "probability that a source with the expected shares is gated balanced")(
      "expect", po::value(&expect)->value_name("SHARES"),
      "expected shares, e.g. v1=0.5,v2=0.5 (default: equal shares)")(
      "categories", po::value(&categories)->value_name("K")->default_value(2),
      "number of equal shares when --expect is not given")(
      "output,o", po::value(&output)->value_name("FMT")->default_value("text"), "text | json");
  po::variables_map vm;
  auto usage_error = [&](const std::string& message) {
    *env.err << "meshverify plan: " << message << "\n";
    return 2;
  };
  if (Status s = ParseArgs("plan", args, desc, nullptr, &vm); !s.ok()) {
    *env.err << s.message() << "\n";
    return 2;
  }
  if (help) {
    *env.out << desc
             << "\nPrints the smallest number of requests per source N such that, at N and at "
                "every larger\nnumber, a source whose true shares equal the expected ones is "
                "gated balanced (every share\nwithin expected ± D, error rate alpha A) with "
                "probability at least P: the exact power\nis a sawtooth in n, and N is where it "
                "stops dipping below P. Exit code 0, or 2 on bad input.\n";
    return 0;
  }
  if (Status s = ValidateGate(gate); !s.ok()) return usage_error(s.message());
  if (!(power > 0 && power < 1))
    return usage_error("--power " + Num(power) + ": must be in (0, 1)");
  if (output != "text" && output != "json") {
    return usage_error("-o " + output + ": expected text or json");
  }
  Result<PlanInput> in = SharesFrom(expect, categories, !vm["categories"].defaulted());
  if (!in.ok()) return usage_error(in.status().message());
  Result<uint64_t> n = stats::PlanRequests(in->shares, gate.tolerance, gate.alpha, power);
  if (!n.ok()) {
    *env.err << "meshverify " << n.status().message() << "\n";  // "plan: ..."
    return 2;
  }
  if (output == "json") {
    nlohmann::json j = {
        {"requests_per_source", *n},
        {"shares", in->shares},
        {"tolerance", gate.tolerance},
        {"alpha", gate.alpha},
        {"power", power},
        {"power_at_n", stats::BalancedProbability(in->shares, *n, gate.tolerance, gate.alpha)},
        {"method",
         "smallest n from which the exact binomial power stays at or above the "
         "target for every larger n (Bonferroni lower bound over 3+ shares)"}};
    if (!in->names.empty()) j["names"] = in->names;
    *env.out << j.dump(2) << "\n";
  } else {
    *env.out << "requests per source: " << *n << " (" << DescribeShares(*in) << ", tolerance "
             << Num(gate.tolerance) << ", alpha " << Num(gate.alpha) << ", power " << Num(power)
             << ")\n";
  }
  return 0;
}

}  // namespace meshverify::cli
