#pragma once
// FakeCommandRunner: answers argv with canned results, for tests of discovery, probing and
// whole commands. Rules are tried in the order added; the first whose matcher accepts the argv
// answers. Unmatched calls get exit 1 and "fake: unexpected command: <argv>" on stderr.
// Stream() hands stdout to the callback in small pieces (chunk_bytes) so that parsers see
// splits at arbitrary places. Thread-safe; every call is recorded.

#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "meshverify/command_runner.h"

namespace meshverify::testing {

class FakeCommandRunner : public CommandRunner {
 public:
  using Argv = std::vector<std::string>;
  using Matcher = std::function<bool(const Argv&)>;
  using Responder = std::function<Result<CommandResult>(const Argv&)>;

  // Answers argv that start with `prefix` and contain every word of `contains`.
  static Matcher Prefix(Argv prefix, Argv contains = {}) {
    return [prefix, contains](const Argv& argv) {
      if (argv.size() < prefix.size() || !std::equal(prefix.begin(), prefix.end(), argv.begin())) {
        return false;
      }
      for (const std::string& w : contains) {
        if (std::find(argv.begin(), argv.end(), w) == argv.end()) return false;
      }
      return true;
    };
  }

  void On(Matcher m, Responder r) {
    std::lock_guard<std::mutex> lock(mu_);
    rules_.push_back({std::move(m), std::move(r)});
  }
  void On(Matcher m, CommandResult canned) {
    On(std::move(m), [canned](const Argv&) -> Result<CommandResult> { return canned; });
  }
  static CommandResult Ok(std::string out) {
    CommandResult r;
    r.stdout_text = std::move(out);
    return r;
  }
  static CommandResult Fail(int code, std::string err) {
    CommandResult r;
    r.exit_code = code;
    r.stderr_text = std::move(err);
    return r;
  }

  Result<CommandResult> Run(const Argv& argv, std::chrono::milliseconds) override {
    return Answer(argv);
  }

  Result<CommandResult> Stream(const Argv& argv, std::chrono::milliseconds,
                               const std::function<void(std::string_view)>& on_chunk) override {
    Result<CommandResult> r = Answer(argv);
    if (!r.ok()) return r;
    std::string_view out = r->stdout_text;
    while (!out.empty()) {
      size_t n = std::min(out.size(), chunk_bytes);
      on_chunk(out.substr(0, n));
      out.remove_prefix(n);
    }
    r->stdout_text.clear();
    return r;
  }

  std::vector<Argv> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  size_t CountCalls(const Matcher& m) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<size_t>(std::count_if(calls_.begin(), calls_.end(), m));
  }

  size_t chunk_bytes = 7;

 private:
  Result<CommandResult> Answer(const Argv& argv) {
    Responder responder;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(argv);
      for (const Rule& rule : rules_) {
        if (rule.matcher(argv)) {
          responder = rule.responder;
          break;
        }
      }
    }
    if (responder) return responder(argv);
    std::string joined;
    for (const std::string& a : argv) joined += (joined.empty() ? "" : " ") + a;
    return Fail(1, "fake: unexpected command: " + joined + "\n");
  }

  struct Rule {
    Matcher matcher;
    Responder responder;
  };
  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  std::vector<Argv> calls_;
};

}  // namespace meshverify::testing
