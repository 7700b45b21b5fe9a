#include "cli/options.h"

#include <exception>
#include <sstream>

#include "meshverify/format.h"

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

namespace {

// True for an unsigned option: Boost reads "-1" into one as 2^64-1 (lexical_cast wraps).
bool IsUnsigned(const po::value_semantic* s) {
  return dynamic_cast<const po::typed_value<unsigned long>*>(s) != nullptr ||
         dynamic_cast<const po::typed_value<unsigned long long>*>(s) != nullptr ||
         dynamic_cast<const po::typed_value<unsigned int>*>(s) != nullptr ||
         dynamic_cast<const po::typed_value<unsigned short>*>(s) != nullptr;
}

// Usage "--NAME -1: must not be negative" for a signed value of an unsigned option.
Status CheckUnsigned(const po::parsed_options& parsed, const po::options_description& desc) {
  for (const po::option& o : parsed.options) {
    const po::option_description* d = desc.find_nothrow(o.string_key, false);
    if (d == nullptr || !IsUnsigned(d->semantic().get())) continue;
    for (const std::string& v : o.value) {
      if (v.find('-') != std::string::npos) {
        return Status::Usage("--" + o.string_key + " " + OneLine(v) + ": must not be negative");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

// `s` with control bytes as \xNN, so a message stays one line.
std::string OneLine(std::string_view s) { return EscapeControlBytes(s); }

Status ParseArgs(const Args& args, const po::options_description& desc,
                 const po::positional_options_description* positional, po::variables_map* vm) {
  // Boost fills its messages by replacing %canonical_option%, %value%... until none is left: a
  // word holding one of those names never ends (found by flags_fuzz). No real argument has one.
  for (const std::string& a : args) {
    for (const char* name :
         {"%canonical_option%", "%option%", "%original_token%", "%prefix%", "%value%"}) {
      if (a.find(name) != std::string::npos) {
        return Status::Usage("argument '" + OneLine(a) + "' holds " + name);
      }
    }
  }
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional != nullptr) parser.positional(*positional);
    po::parsed_options parsed = parser.run();
    if (Status s = CheckUnsigned(parsed, desc); !s.ok()) return s;
    po::store(parsed, *vm);
    po::notify(*vm);
  } catch (const std::exception& e) {  // po::error, and bad_lexical_cast from a notifier
    return Status::Usage(OneLine(e.what()));  // a value may hold a newline
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
