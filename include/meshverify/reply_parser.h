#pragma once
// Parsing the target app's answer into (version, instance[, cluster]).
//
// The built-in format is Istio's helloworld sample: "Hello version: v1, instance: <pod>".
// Other apps are read with --pattern, an RE2 regular expression (linear time, safe on hostile
// input) with named groups `version` and `instance` and optionally `cluster`.
// A ReplyParser is an immutable value: copies share the compiled pattern, and const methods may
// be called from several threads without synchronization. Does no I/O.

#include <memory>
#include <optional>
#include <string_view>

#include "meshverify/status.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace meshverify {

// The fields of one answer, as views into the parsed body: valid as long as the body is.
struct ReplyView {
  std::string_view version;
  std::string_view instance;
  std::string_view cluster;  // "" unless the pattern has a `cluster` group that matched
};

// True iff `line` (without its line end) is a notice kubectl writes to stderr next to a
// command's output, found in captures of `kubectl exec ... curl` made with 2>&1 or copied
// from a terminal. They are not answers of the app: the Ingestor skips them (never counted as
// requests) and says how many it skipped. Known notices, matched at the start of the line:
//  - "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. ..."
//  - "Defaulted container \"sleep\" out of: sleep, istio-proxy, istio-init (init)"
//  - "Unable to use a TTY - input is not a terminal or the right kind of file"
//  - client-go log lines of level I or W: "W0518 10:12:01.123456   12345 loader.go:223] ..."
// Errors are not notices ("error: ...", "E0518 ...", "command terminated with exit code 7"):
// they stand for requests that failed and stay unparsed answers.
bool IsKubectlNotice(std::string_view line);

class ReplyParser {
 public:
  // Returns a parser for `pattern`: "" selects the built-in helloworld format (a hand-written
  // fast path, no regex). Otherwise `pattern` is an RE2 regex searched anywhere in the body
  // (anchor it with ^...$ to match whole answers) that must have the named groups `version`
  // and `instance`, and may have `cluster`. Fails with InvalidInput "--pattern: <reason>" when
  // the regex does not compile or a required group is missing.
  [[nodiscard]] static Result<ReplyParser> Create(std::string_view pattern = {});

  // Parses one answer. A trailing "\n" or "\r\n" is ignored. Returns nullopt when the body does
  // not match, or when version or instance is empty.
  // Built-in format: exactly "Hello version: <v>, instance: <pod>", where <v> holds no ',' and
  // <pod> no whitespace.
  std::optional<ReplyView> Parse(std::string_view body) const;

  // True iff the parser can report a destination cluster (a pattern with a `cluster` group).
  bool has_cluster() const { return cluster_group_ > 0; }
  // True iff this is the built-in helloworld format.
  bool builtin() const { return re_ == nullptr; }

 private:
  ReplyParser() = default;
  std::optional<ReplyView> ParseRegex(std::string_view body) const;

  std::shared_ptr<const re2::RE2> re_;  // null: built-in format
  int version_group_ = 0;               // 1-based capture group indexes; 0 = absent
  int instance_group_ = 0;
  int cluster_group_ = 0;
  int num_groups_ = 0;
};

}  // namespace meshverify
