#include "cli/options.h"

#include <exception>
#include <sstream>


namespace meshverify::cli {

void AddGateOptions(po::options_description& desc, GateOptions* gate) {
  desc.add_options()("tolerance",
                     po::value(&gate->tolerance)->value_name("D")->default_value(0.05, "0.05"),
                     "a share is balanced within expected ± D")(
      "alpha", po::value(&gate->alpha)->value_name("A")->default_value(0.01, "0.01"),
      "family-wise error rate of the gate");
}

Status ValidateGate(const GateOptions& g) {
  if (!(g.tolerance > 0 && g.tolerance <= 0.5)) {
    return Status::Usage("--tolerance " + std::to_string(g.tolerance) + ": must be in (0, 0.5]");
  }
  if (!(g.alpha > 0 && g.alpha < 1)) {
    return Status::Usage("--alpha " + std::to_string(g.alpha) + ": must be in (0, 1)");
  }
  if (!(g.max_error_rate >= 0 && g.max_error_rate <= 1)) {
    return Status::Usage("--max-error-rate " + std::to_string(g.max_error_rate) +
                         ": must be in [0, 1]");
  }
  return Status::Ok();
}

void AddKubeOptions(po::options_description& desc, KubeFlags* k) {
  desc.add_options()("context", po::value(&k->context)->value_name("NAME"),
                     "kubeconfig context (as kubectl)")(
      "kubeconfig", po::value(&k->kubeconfig)->value_name("PATH"), "kubeconfig file (as kubectl)")(
      "namespace,n", po::value(&k->ns)->value_name("NS"), "namespace (as kubectl)");
}

Status ParseArgs(const Args& args, const po::options_description& desc,
                 const po::positional_options_description* positional, po::variables_map* vm) {
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), *vm);
    po::notify(*vm);
  } catch (const std::exception& e) {  // po::error, and bad_lexical_cast from a notifier
    return Status::Usage(e.what());
  }
  return Status::Ok();
}

Status ParseArgsAndFiles(const Args& args, const po::options_description& desc,
                         std::vector<std::string>* files, po::variables_map* vm) {
  po::options_description hidden;
  hidden.add_options()("file", po::value(files)->multitoken(), "input files");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  return ParseArgs(args, all, &positional, vm);
}

std::string HelpText(const std::string& head, const po::options_description& desc,
                     const std::string& tail) {
  std::ostringstream os;
  os << head << desc << tail;
  return os.str();
}

}  // namespace meshverify::cli
