#pragma once
// Running whole commands through cli::Run for tests: string streams, a FakeClock, optionally a
// FakeFileSystem (no temp files).

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.h"
#include "fakes/fake_clock.h"
#include "meshverify/file_system.h"

namespace meshverify::cli::cli_test {

inline const std::string kData = std::string(MESHVERIFY_TEST_DATA) + "/analyze/";
inline const char* kV1 = "Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv\n";
inline const char* kV2 = "Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n";

struct Outcome {
  int code;
  std::string out, err;
  nlohmann::json json() const { return nlohmann::json::parse(out, nullptr, false); }
};

inline Outcome RunCli(std::vector<std::string> words, const std::string& stdin_text = "",
               FileSystem* fs = nullptr) {
  words.insert(words.begin(), "meshverify");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  testing::FakeClock clock;
  Environment env;
  env.in = &in;
  env.out = &out;
  env.err = &err;
  env.clock = &clock;
  if (fs != nullptr) env.fs = fs;
  int code = Run(argv, env);
  return {code, out.str(), err.str()};
}

inline std::string Lines(int n1, int n2) {
  std::string s;
  for (int i = 0; i < std::max(n1, n2); ++i) {
    if (i < n1) s += kV1;
    if (i < n2) s += kV2;
  }
  return s;
}

}  // namespace meshverify::cli::cli_test
