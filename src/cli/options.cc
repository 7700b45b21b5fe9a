#include "cli/options.h"

#include <exception>

namespace meshverify::cli {

void AddOutputOptions(po::options_description& desc, OutputOptions* o) {
  desc.add_options()
      ("json", po::value(&o->json_path)->value_name("PATH"), "write the JSON report to PATH")
      ("junit", po::value(&o->junit_path)->value_name("PATH"), "write a JUnit XML report to PATH")
      ("markdown", po::value(&o->markdown_path)->value_name("PATH"), "write a Markdown report to PATH")
      ("html", po::value(&o->html_path)->value_name("PATH"), "write an HTML report to PATH")
      ("output,o", po::value(&o->output)->value_name("FMT")->default_value("text"),
       "stdout format: text | json");
}

void AddGateOptions(po::options_description& desc, GateFlags* g) {
  desc.add_options()
      ("tolerance", po::value(&g->tolerance)->value_name("D")->default_value(0.05, "0.05"),
       "a share is balanced within expected ± D")
      ("alpha", po::value(&g->alpha)->value_name("A")->default_value(0.01, "0.01"),
       "family-wise error rate of the gate")
      ("seed", po::value<uint64_t>()->value_name("N")->notifier([g](uint64_t s) { g->seed = s; }),
       "seed for any randomness (reproducible runs)");
}

void AddKubeOptions(po::options_description& desc, KubeFlags* k) {
  desc.add_options()
      ("context", po::value(&k->context)->value_name("NAME"), "kubeconfig context (as kubectl)")
      ("kubeconfig", po::value(&k->kubeconfig)->value_name("PATH"), "kubeconfig file (as kubectl)")
      ("namespace,n", po::value(&k->ns)->value_name("NS"), "namespace (as kubectl)");
}

Status ParseArgs(const std::string& command, const Args& args, const po::options_description& desc,
                 const po::positional_options_description* positional, po::variables_map* vm) {
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    return Status::Usage("meshverify " + command + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Usage("meshverify " + command + ": " + e.what());
  }
  return Status::Ok();
}

Status ValidateOutput(const OutputOptions& o) {
  if (o.output != "text" && o.output != "json") {
    return Status::Usage("-o " + o.output + ": expected text or json");
  }
  return Status::Ok();
}

Status ValidateGate(const GateFlags& g) {
  if (!(g.tolerance > 0 && g.tolerance <= 0.5)) {
    return Status::Usage("--tolerance " + std::to_string(g.tolerance) + ": must be in (0, 0.5]");
  }
  if (!(g.alpha > 0 && g.alpha < 1)) {
    return Status::Usage("--alpha " + std::to_string(g.alpha) + ": must be in (0, 1)");
  }
  return Status::Ok();
}

}  // namespace meshverify::cli
