// CrossCheckLoadReport (load_report.h): a saved load report's numbers against each other.
#include <cmath>
#include <map>
#include <string>

#include "meshverify/json_parse.h"
#include "meshverify/load_report.h"

namespace meshverify::load {
namespace {

constexpr double kRounded = 1e-6;  // shares written with six decimals

std::string N(uint64_t n) { return std::to_string(n); }

void CheckShares(JsonPointerChecker& ck, const std::string& p,
                 const std::map<std::string, Share>& m, uint64_t ok) {
  if (m.empty()) return;
  uint64_t sum = 0;
  for (const auto& [k, s] : m) {
    sum += s.count;
    const double share = ok == 0 ? 0.0 : static_cast<double>(s.count) / static_cast<double>(ok);
    if (std::fabs(share - s.share) > kRounded) {
      return ck.Fail(JsonPointerChild(p, k) + "/share",
                     std::to_string(s.share) + ", but count / ok is " + std::to_string(share));
    }
  }
  if (sum != ok) ck.Fail(p, "counts sum to " + N(sum) + ", but ok is " + N(ok));
}

void CheckWindow(JsonPointerChecker& ck, const std::string& p, const Window& w) {
  CheckShares(ck, p + "/by_cluster", w.by_cluster, w.ok);
  CheckShares(ck, p + "/by_version", w.by_version, w.ok);
  if (w.by_instance.empty()) return;
  uint64_t sum = 0;
  for (const auto& [k, i] : w.by_instance) sum += i.count;
  if (sum != w.ok)
    ck.Fail(p + "/by_instance", "counts sum to " + N(sum) + ", but ok is " + N(w.ok));
}

}  // namespace

Status CrossCheckLoadReport(const LoadReport& r, std::string_view source) {
  JsonPointerChecker ck(source);
  CheckWindow(ck, "/summary", r.summary);
  for (size_t i = 0; i < r.windows.size(); ++i) {
    CheckWindow(ck, "/windows/" + std::to_string(i), r.windows[i]);
  }
  for (size_t i = 0; i < r.pooled.size(); ++i) {
    CheckWindow(ck, "/pooled/" + std::to_string(i), r.pooled[i]);
  }
  if (!ck.ok()) return ck.status();
  // The verdict follows from the SLOs (load's pipeline and merge): error without requests.
  bool failed = false, inconclusive = false;
  for (const SloResult& s : r.slos) {
    failed = failed || s.status == "fail";
    inconclusive = inconclusive || s.status == "inconclusive";
  }
  const Verdict want = r.requests == 0 ? Verdict::kError
                       : failed        ? Verdict::kFail
                       : inconclusive  ? Verdict::kInconclusive
                                       : Verdict::kPass;
  if (r.verdict != want) {
    ck.Fail("/verdict", std::string(VerdictName(r.verdict)) + ", but its SLOs give " +
                            std::string(VerdictName(want)));
  }
  return ck.status();
}

Result<LoadReport> ParseCheckedLoadReport(std::string_view text, std::string_view source) {
  Result<LoadReport> r = ParseLoadReport(text, source);
  if (!r.ok()) return r.status();
  if (Status s = CrossCheckLoadReport(*r, source); !s.ok()) return s;
  return r;
}

}  // namespace meshverify::load
