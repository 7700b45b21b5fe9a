#pragma once
// What a source pod would print for the probe script (meshverify/probe.h), synthesized from the
// script's own parameters, so that fakes of `kubectl exec ... sh -c SCRIPT` answer any batch.

#include <cstdint>
#include <functional>
#include <optional>
#include <regex>
#include <string>

namespace meshverify::testing {

struct ProbeScriptParams {
  uint64_t first = 0, end = 0, chunk = 1;
  std::string marker;
};

// Reads "m='<marker>'", "s=<first>; e=<end>; k=<chunk>" from a generated script.
inline std::optional<ProbeScriptParams> ParseProbeScript(const std::string& script) {
  static const std::regex re(R"(m='([^']*)'.*; s=(\d+); e=(\d+); k=(\d+))");
  std::smatch m;
  if (!std::regex_search(script, m, re)) return std::nullopt;
  return ProbeScriptParams{std::stoull(m[2]), std::stoull(m[3]), std::stoull(m[4]), m[1]};
}

struct FakeAnswer {
  int code = 200;
  int curl_exit = 0;
  std::string body;
  bool reused = true;
};

// The framed output of blocks [first, end) in chunks, completions in reverse order within a
// block. Stops after `max_blocks` blocks (a pod dying mid-run) when given.
inline std::string FramedProbeOutput(const ProbeScriptParams& p,
                                     const std::function<FakeAnswer(uint64_t)>& answer,
                                     int max_blocks = -1) {
  const std::string& m = p.marker;
  std::string out;
  int blocks = 0;
  for (uint64_t s = p.first; s < p.end; s += p.chunk) {
    if (max_blocks >= 0 && blocks++ >= max_blocks) break;
    uint64_t b = std::min(p.end, s + p.chunk);
    out += m + " S " + std::to_string(s) + " " + std::to_string(b) + "\n";
    std::string sizes, bodies;
    for (uint64_t seq = b; seq-- > s;) {
      FakeAnswer a = answer(seq);
      char name[16];
      std::snprintf(name, sizeof(name), "%010llu", static_cast<unsigned long long>(seq));
      out += m + " W " + name + " " + std::to_string(a.code) + " " + std::to_string(a.curl_exit) +
             " 0.000200 0.003000 " + (a.reused ? "0" : "1") + " " + std::to_string(a.body.size()) +
             "\n";
    }
    out += m + " C 0\n";
    for (uint64_t seq = s; seq < b; ++seq) {
      FakeAnswer a = answer(seq);
      if (a.body.empty()) continue;
      char name[16];
      std::snprintf(name, sizeof(name), "%010llu", static_cast<unsigned long long>(seq));
      sizes += std::to_string(a.body.size()) + " " + name + "\n";
      bodies += a.body;
    }
    out += sizes + m + " B\n" + bodies + m + " E\n";
  }
  return out;
}

}  // namespace meshverify::testing
