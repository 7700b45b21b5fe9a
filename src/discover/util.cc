#include "discover/util.h"

namespace meshverify::discover {

void AddKubeFlags(const ClusterConfig& cluster, std::vector<std::string>* argv) {
  if (!cluster.context.empty()) {
    argv->push_back("--context");
    argv->push_back(cluster.context);
  }
  if (!cluster.kubeconfig.empty()) {
    argv->push_back("--kubeconfig");
    argv->push_back(cluster.kubeconfig);
  }
}

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"$`\\|;&<>()*?") == std::string::npos;
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

Status CommandFailure(const std::vector<std::string>& argv, const Result<CommandResult>& r) {
  if (!r.ok()) return Status::Unavailable(CommandLine(argv) + ": " + r.status().message());
  if (r->timed_out) return Status::Unavailable(CommandLine(argv) + ": timed out");
  if (r->exit_code == 0) return Status::Ok();
  std::string_view err = r->stderr_text;
  size_t start = err.find_first_not_of(" \t\r\n");
  std::string first = "exit " + std::to_string(r->exit_code);
  if (start != std::string_view::npos) {
    err.remove_prefix(start);
    first = std::string(err.substr(0, std::min<size_t>(err.find('\n'), 300)));
  }
  return Status::Unavailable(CommandLine(argv) + ": " + first);
}

}  // namespace meshverify::discover
