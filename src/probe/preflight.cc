// The preflight of exec mode and the bound on execs at once (probe.h).
#include <cstdio>

#include "meshverify/probe.h"
#include "probe/exec_slot.h"

namespace meshverify::probe {
namespace {

// "curl 8.11.1 (x86_64-pc-linux-gnu) ..." -> true and the version's major and minor.
bool CurlVersion(std::string_view line, int* major, int* minor) {
  return std::sscanf(std::string(line).c_str(), "curl %d.%d", major, minor) == 2;
}

std::string Where(const ProbeSource& s) {
  return s.cluster + "/" + s.pod + " (container " + s.container + ")";
}

}  // namespace

std::string PreflightScript(std::string_view marker) {
  const std::string m(marker);
  return "echo '" + m + " sh ok'\n"
         "if command -v curl >/dev/null 2>&1; then\n"
         "  echo \"" + m + " curl $(curl --version 2>/dev/null | head -n 1)\"\n"
         "else\n"
         "  echo '" + m + " curl missing'\n"
         "fi\n"
         "found=\n"
         "for base in /dev/shm \"${TMPDIR:-/tmp}\"; do\n"
         "  dir=$(mktemp -d \"$base/meshverify.XXXXXX\" 2>/dev/null) && rm -rf \"$dir\" && "
         "found=$base && break\n"
         "done\n"
         "echo \"" + m + " tmp ${found:-missing}\"\n";
}

PreflightResult ReadPreflight(const ProbeSource& source, std::string_view marker,
                              const Result<CommandResult>& exec) {
  PreflightResult out;
  const std::string where = Where(source);
  std::string sh, curl, tmp;
  if (exec.ok()) {
    std::string_view text = exec->stdout_text;
    const std::string prefix = std::string(marker) + " ";
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (line.substr(0, prefix.size()) != prefix) continue;
      line.remove_prefix(prefix.size());
      std::string_view word = line.substr(0, line.find(' '));
      std::string_view rest = word.size() < line.size() ? line.substr(word.size() + 1) : "";
      if (word == "sh") sh = rest;
      if (word == "curl") curl = rest;
      if (word == "tmp") tmp = rest;
    }
  }
  if (sh != "ok") {
    std::string why = !exec.ok() ? exec.status().message()
                      : exec->timed_out ? std::string("timed out")
                                        : "exit " + std::to_string(exec->exit_code);
    if (exec.ok() && !exec->stderr_text.empty()) {
      why += ": " + exec->stderr_text.substr(0, std::min<size_t>(exec->stderr_text.find('\n'), 200));
    }
    out.problems.push_back(where + ": cannot run sh in the pod (" + why + ")");
    out.hints.push_back("the exec probe runs a POSIX sh script in source.container: choose a "
                        "container that has sh and curl (Istio's sleep and curl samples do), "
                        "and check that kubectl exec into it works");
    return out;
  }
  out.found = "sh";
  int major = 0, minor = 0;
  if (curl.empty() || curl == "missing") {
    out.problems.push_back(where + ": curl is not installed (every request would fail, exit 127)");
    out.hints.push_back("install curl in the source container, or point source.container at one "
                        "that has it (curlimages/curl, Istio's samples/curl)");
  } else if (!CurlVersion(curl, &major, &minor) || major < 7 || (major == 7 && minor < 75)) {
    out.problems.push_back(where + ": " + curl.substr(0, std::min<size_t>(curl.find(" ("), 40)) +
                           " is older than curl 7.75 (needs %{exitcode} and %{urlnum})");
    out.hints.push_back("use a newer curl image in the source container (7.75 or later)");
  } else {
    out.found += ", curl " + std::to_string(major) + "." + std::to_string(minor);
  }
  if (tmp.empty() || tmp == "missing") {
    out.problems.push_back(where + ": no writable temp dir (/dev/shm, $TMPDIR, /tmp)");
    out.hints.push_back("the probe keeps curl's output in a temp dir: mount an emptyDir at /tmp "
                        "(a read-only root file system has none)");
  } else {
    out.found += ", temp dir " + tmp;
  }
  return out;
}

int ExecProber::peak_parallel() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

PreflightResult ExecProber::Preflight(const ProbeSource& source, const std::atomic<bool>* cancel) {
  Slot slot(*this, cancel);
  if (!slot.ok()) return {};
  const std::string marker = options_.markers(source, 0) + "-preflight";
  Result<CommandResult> r = runner_.Run(
      ExecArgv(source, PreflightScript(marker), options_.kubectl), options_.preflight_timeout);
  if (cancel != nullptr && cancel->load()) return {};  // stopped: nothing to say about the pod
  return ReadPreflight(source, marker, r);
}

}  // namespace meshverify::probe
