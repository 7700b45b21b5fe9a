#include "meshverify/reply_parser.h"

#include <re2/re2.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "meshverify/utf8.h"

namespace meshverify {
namespace {

constexpr std::string_view kPrefix = "Hello version: ";
constexpr std::string_view kInstanceTag = " instance: ";

std::string_view StripLineEnd(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

// Pod names and versions are printable ASCII without spaces; rejecting anything else keeps
// invalid UTF-8 and control bytes out of report keys.
bool IsToken(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F) return false;
  }
  return !s.empty();
}

std::optional<ReplyView> ParseBuiltin(std::string_view s) {
  if (s.size() <= kPrefix.size() || std::memcmp(s.data(), kPrefix.data(), kPrefix.size()) != 0) {
    return std::nullopt;
  }
  s.remove_prefix(kPrefix.size());
  const void* comma = std::memchr(s.data(), ',', s.size());
  if (comma == nullptr) return std::nullopt;
  const size_t vlen = static_cast<const char*>(comma) - s.data();
  const std::string_view version = s.substr(0, vlen);
  std::string_view rest = s.substr(vlen + 1);
  if (rest.size() <= kInstanceTag.size() ||
      std::memcmp(rest.data(), kInstanceTag.data(), kInstanceTag.size()) != 0) {
    return std::nullopt;
  }
  const std::string_view instance = rest.substr(kInstanceTag.size());
  if (!IsToken(version) || !IsToken(instance)) return std::nullopt;
  return ReplyView{version, instance, {}};
}

bool Digits(std::string_view s, size_t at, size_t n) {
  if (s.size() < at + n) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// klog's header: "Lmmdd hh:mm:ss.uuuuuu threadid file:line] " with L one of I W E F.
bool IsKlogInfoOrWarning(std::string_view s) {
  if (s.empty() || (s[0] != 'I' && s[0] != 'W')) return false;
  if (!Digits(s, 1, 4) || s.substr(5, 1) != " " || !Digits(s, 6, 2) || s.substr(8, 1) != ":" ||
      !Digits(s, 9, 2) || s.substr(11, 1) != ":" || !Digits(s, 12, 2) || s.substr(14, 1) != "." ||
      !Digits(s, 15, 6)) {
    return false;
  }
  size_t i = 21;
  while (i < s.size() && s[i] == ' ') ++i;
  size_t tid = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == tid || i >= s.size() || s[i] != ' ') return false;
  size_t close = s.find("] ", i);
  size_t colon = s.rfind(':', close);
  return close != std::string_view::npos && colon != std::string_view::npos && colon > i &&
         Digits(s, colon + 1, close - colon - 1) && close > colon + 1;
}

}  // namespace

bool IsKubectlNotice(std::string_view line) {
  line = StripLineEnd(line);
  static constexpr std::string_view kPrefixes[] = {
      "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version.",
      "Defaulted container \"",
      "Unable to use a TTY - input is not a terminal or the right kind of file",
  };
  for (std::string_view p : kPrefixes) {
    if (line.substr(0, p.size()) == p) return true;
  }
  return IsKlogInfoOrWarning(line);
}

Result<ReplyParser> ReplyParser::Create(std::string_view pattern) {
  ReplyParser p;
  if (pattern.empty()) return p;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) return Status::InvalidInput("--pattern: " + re->error());
  const std::map<std::string, int>& groups = re->NamedCapturingGroups();
  const auto group = [&](const char* name) {
    auto it = groups.find(name);
    return it == groups.end() ? 0 : it->second;
  };
  p.version_group_ = group("version");
  p.instance_group_ = group("instance");
  p.cluster_group_ = group("cluster");
  for (const char* name : {"version", "instance"}) {
    if (group(name) == 0) {
      return Status::InvalidInput(std::string("--pattern: missing named group (?P<") + name +
                                  ">...)");
    }
  }
  p.num_groups_ = re->NumberOfCapturingGroups();
  p.re_ = std::move(re);
  return p;
}

std::optional<ReplyView> ReplyParser::Parse(std::string_view body) const {
  body = StripLineEnd(body);
  if (re_ == nullptr) return ParseBuiltin(body);
  return ParseRegex(body);
}

std::optional<ReplyView> ReplyParser::ParseRegex(std::string_view body) const {
  // Only groups up to the highest one we read need to be extracted.
  const int n = std::max({version_group_, instance_group_, cluster_group_}) + 1;
  constexpr int kStack = 16;
  re2::StringPiece stack[kStack];
  std::vector<re2::StringPiece> heap;
  re2::StringPiece* sub = stack;
  if (n > kStack) {
    heap.resize(n);
    sub = heap.data();
  }
  if (!re_->Match(re2::StringPiece(body.data(), body.size()), 0, body.size(), RE2::UNANCHORED, sub,
                  n)) {
    return std::nullopt;
  }
  const auto view = [&](int g) {
    return g == 0 ? std::string_view() : std::string_view(sub[g].data(), sub[g].size());
  };
  ReplyView v{view(version_group_), view(instance_group_), view(cluster_group_)};
  if (v.version.empty() || v.instance.empty()) return std::nullopt;
  // Captures become report keys, which must be valid UTF-8.
  if (!IsValidUtf8(v.version) || !IsValidUtf8(v.instance) || !IsValidUtf8(v.cluster)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace meshverify
