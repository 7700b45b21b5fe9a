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
  uint64_t first = 0, end = 0, concurrency = 1;
  std::string marker;
};

// Reads "marker='<marker>'", "first_seq=<first>; end_seq=<end>; concurrency=<concurrency>"
// from a generated script's parameter line.
inline std::optional<ProbeScriptParams> ParseProbeScript(const std::string& script) {
  static const std::regex re(
      R"(marker='([^']*)'.*; first_seq=(\d+); end_seq=(\d+); concurrency=(\d+))");
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

// What the script prints for requests [first, end): `concurrency` curls, curl j with requests
// first+j, first+j+concurrency, ...; their results come in seq order, each cut into two D
// pieces in the middle of its body. Stops after `max_results` results (a pod dying mid-run),
// without the end lines, when given.
inline std::string FramedProbeOutput(const ProbeScriptParams& p,
                                     const std::function<FakeAnswer(uint64_t)>& answer,
                                     int64_t max_results = -1) {
  const std::string& m = p.marker;
  const uint64_t c = p.concurrency;
  std::string out = m + " S " + std::to_string(p.first) + " " + std::to_string(p.end) + "\n";
  for (uint64_t j = 0; j < c && p.first + j < p.end; ++j) {
    out += m + " F " + std::to_string(j) + " " + std::to_string(p.first + j) + " " +
           std::to_string(c) + "\n";
  }
  auto piece = [&](uint64_t j, const std::string& bytes) {
    if (!bytes.empty()) {
      out += m + " D " + std::to_string(j) + " " + std::to_string(bytes.size()) + "\n" + bytes;
    }
  };
  for (uint64_t seq = p.first; seq < p.end; ++seq) {
    if (max_results >= 0 && static_cast<int64_t>(seq - p.first) >= max_results) return out;
    FakeAnswer a = answer(seq);
    uint64_t j = (seq - p.first) % c, urlnum = (seq - p.first) / c;
    std::string w = m + " W " + std::to_string(urlnum) + " " + std::to_string(a.code) + " " +
                    std::to_string(a.curl_exit) + " 0.000200 0.003000 " + (a.reused ? "0" : "1") +
                    " " + std::to_string(a.body.size()) + "\n";
    size_t half = a.body.size() / 2;
    piece(j, a.body.substr(0, half));
    piece(j, a.body.substr(half) + w);
  }
  for (uint64_t j = 0; j < c && p.first + j < p.end; ++j) {
    out += m + " C " + std::to_string(j) + " 0\n";
  }
  return out + m + " E\n";
}

}  // namespace meshverify::testing
