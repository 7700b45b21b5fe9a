// Placeholder until report_json.cc lands (issue #2).
#include "meshverify/report.h"

namespace meshverify {
std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kInconclusive: return "inconclusive";
    case Verdict::kError: return "error";
  }
  return "error";
}
int ExitCodeFor(Verdict v) {
  switch (v) {
    case Verdict::kPass: return 0;
    case Verdict::kFail: return 1;
    case Verdict::kInconclusive: return 4;
    case Verdict::kError: return 3;
  }
  return 3;
}
nlohmann::json ReportToJson(const Report& r) {
  return {{"schema", r.schema}, {"verdict", VerdictName(r.verdict)}};
}
}  // namespace meshverify
