// libFuzzer target: every command's flag parser (ParseXFlags, src/cli/commands.h) on any argv
// (the input split at NUL bytes; the first byte picks the command) returns flags or a Usage
// error of one line, and never throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/load_flags.h"
#include "cli/options.h"

namespace {

using meshverify::cli::Args;

template <typename F>
void Check(F parse, const Args& args) {
  auto r = parse(args);
  if (r.ok()) return;
  const std::string& m = r.status().message();
  // What the user sees is ReportError's line: OneLine(message), one line whatever the argv held.
  if (m.empty() || meshverify::cli::OneLine(m).find('\n') != std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Args args;
  while (!text.empty()) {
    size_t nul = text.find('\0');
    args.emplace_back(text.substr(0, nul));
    text = nul == std::string_view::npos ? std::string_view() : text.substr(nul + 1);
  }
  namespace cli = meshverify::cli;
  switch (data[0] % 7) {
    case 0: Check(cli::ParseCheckFlags, args); break;
    case 1: Check(cli::ParseAnalyzeFlags, args); break;
    case 2: Check(cli::ParseEndpointsFlags, args); break;
    case 3: Check(cli::ParsePlanFlags, args); break;
    case 4: Check(cli::ParseReportFlags, args); break;
    case 5: Check(cli::ParseMergeFlags, args); break;
    default: Check(cli::ParseLoadFlags, args); break;
  }
  return 0;
}
