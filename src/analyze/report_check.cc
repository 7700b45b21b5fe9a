// CrossCheckReport (analyze.h): a saved report's numbers against each other, so that an edited
// file cannot re-gate a run with totals or a verdict its counts do not give.
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "meshverify/analyze.h"
#include "meshverify/format.h"
#include "meshverify/json_parse.h"

namespace meshverify {
namespace {

constexpr double kSlack = 1e-9;    // what JSON's round trip of a double may move
constexpr double kRounded = 1e-6;  // shares and intervals written with six decimals

std::string N(uint64_t n) { return std::to_string(n); }

std::string Ci(double lo, double hi) {
  std::string out(1, '[');
  out += Fixed(lo, 6);
  out += ", ";
  out += Fixed(hi, 6);
  out += ']';
  return out;
}

// One share against its counts and its gate: share = count / ok; a balanced share's interval
// lies inside expected ± tolerance and so does count / ok, a skewed one's lies wholly outside
// and so does count / ok, an inconclusive one's crosses an edge (stats.h, ShareGate). Edges get
// kSlack in the file's favour.
void CheckShare(JsonPointerChecker& ck, const std::string& p, const ShareStat& s, uint64_t ok,
                std::optional<double> tolerance) {
  const double share = ok == 0 ? 0.0 : static_cast<double>(s.count) / static_cast<double>(ok);
  if (std::fabs(s.share - share) > kRounded) {
    return ck.Fail(p + "/share", Fixed(s.share, 6) + ", but count / ok is " + Fixed(share, 6));
  }
  if (s.count > ok) return ck.Fail(p + "/count", N(s.count) + " > ok " + N(ok));
  if (s.gate == GateVerdict::kNone || !s.expected || !tolerance) return;
  const double lo = *s.expected - *tolerance, hi = *s.expected + *tolerance;
  const bool certain = *s.expected <= 0 && s.count > 0;  // skewed whatever the interval
  const bool point_inside = share >= lo - kSlack && share <= hi + kSlack;
  bool fits = true;
  if (s.gate == GateVerdict::kBalanced) {
    fits = ok > 0 && !certain && point_inside && s.ci_lo >= lo - kSlack && s.ci_hi <= hi + kSlack;
  } else if (s.gate == GateVerdict::kSkewed) {
    fits = certain || (ok > 0 && (share < lo + kSlack || share > hi - kSlack) &&
                       (s.ci_hi <= lo + kSlack || s.ci_lo >= hi - kSlack));
  } else if (ok > 0) {  // inconclusive: across an edge
    const bool inside = s.ci_lo > lo + kSlack && s.ci_hi < hi - kSlack;
    const bool outside = certain || s.ci_hi < lo - kSlack || s.ci_lo > hi + kSlack;
    fits = !inside && !outside;
  }
  if (!fits) {
    ck.Fail(p + "/gate", std::string(GateVerdictName(s.gate)) + ", but " + N(s.count) + " of " +
                             N(ok) + " (interval " + Ci(s.ci_lo, s.ci_hi) + ") against expected " +
                             Fixed(*s.expected, 4) + " ± " + Fixed(*tolerance, 4) + " is not");
  }
}

// Counts of one dimension sum to ok; each share agrees with its counts; the dimension's gates.
void CheckDimension(JsonPointerChecker& ck, const std::string& p,
                    const std::map<std::string, ShareStat>& m, uint64_t ok,
                    std::optional<double> tolerance, bool* any_gated, bool* any_skewed,
                    bool* all_balanced) {
  if (m.empty()) return;
  uint64_t sum = 0;
  for (const auto& [k, s] : m) {
    sum += s.count;
    CheckShare(ck, JsonPointerChild(p, k), s, ok, tolerance);
    if (s.gate == GateVerdict::kNone) continue;
    *any_gated = true;
    if (s.gate == GateVerdict::kSkewed) *any_skewed = true;
    if (s.gate != GateVerdict::kBalanced) *all_balanced = false;
  }
  if (ck.ok() && sum != ok) ck.Fail(p, "counts sum to " + N(sum) + ", but ok is " + N(ok));
}

void CheckSource(JsonPointerChecker& ck, const std::string& p, const SourceReport& s,
                 std::optional<double> tolerance) {
  uint64_t errors = 0;
  for (const auto& [k, n] : s.errors) errors += n;
  if (s.ok + errors != s.requests) {
    return ck.Fail(p + "/requests", N(s.requests) + ", but ok + errors is " + N(s.ok + errors));
  }
  bool gated = false, skewed = false, balanced = true;
  CheckDimension(ck, p + "/by_cluster", s.by_cluster, s.ok, tolerance, &gated, &skewed, &balanced);
  CheckDimension(ck, p + "/by_version", s.by_version, s.ok, tolerance, &gated, &skewed, &balanced);
  if (!ck.ok()) return;
  if (!s.by_instance.empty()) {
    uint64_t sum = 0;
    for (const auto& [k, i] : s.by_instance) sum += i.count;
    if (sum != s.ok) {
      return ck.Fail(p + "/by_instance", "counts sum to " + N(sum) + ", but ok is " + N(s.ok));
    }
  }
  const GateVerdict want = !gated     ? GateVerdict::kNone
                           : skewed   ? GateVerdict::kSkewed
                           : balanced ? GateVerdict::kBalanced
                                      : GateVerdict::kInconclusive;
  // A source without a gate of its own (older reports) is left to the balance check.
  if (s.gate != GateVerdict::kNone && s.gate != want) {
    ck.Fail(p + "/gate", std::string(GateVerdictName(s.gate)) + ", but its shares' gates give " +
                             (want == GateVerdict::kNone ? std::string("no gate")
                                                         : std::string(GateVerdictName(want))));
  }
}

// The total pools the sources: requests, ok and each error class add up.
void CheckTotal(JsonPointerChecker& ck, const Report& r) {
  if (r.sources.empty()) return;
  uint64_t requests = 0, ok = 0;
  std::map<std::string, uint64_t> errors;
  for (const SourceReport& s : r.sources) {
    requests += s.requests;
    ok += s.ok;
    for (const auto& [k, n] : s.errors) errors[k] += n;
  }
  if (r.total.requests != requests) {
    return ck.Fail("/total/requests",
                   N(r.total.requests) + ", but the sources sum to " + N(requests));
  }
  if (r.total.ok != ok)
    return ck.Fail("/total/ok", N(r.total.ok) + ", but the sources sum to " + N(ok));
  for (const auto& [k, n] : errors) {
    auto it = r.total.errors.find(k);
    const uint64_t got = it == r.total.errors.end() ? 0 : it->second;
    if (got != n)
      return ck.Fail(JsonPointerChild("/total/errors", k),
                     N(got) + ", but the sources sum to " + N(n));
  }
}

// The balance check follows from the sources' gates (analyze's CheckBalance), the verdict from
// the checks (VerdictOf).
void CheckVerdict(JsonPointerChecker& ck, const Report& r) {
  size_t gated = 0, skewed = 0, undecided = 0;
  for (const SourceReport& s : r.sources) {
    if (s.gate == GateVerdict::kNone) continue;
    ++gated;
    if (s.gate == GateVerdict::kSkewed) ++skewed;
    if (s.gate == GateVerdict::kInconclusive) ++undecided;
  }
  const CheckStatus balance = gated == 0      ? CheckStatus::kSkipped
                              : skewed > 0    ? CheckStatus::kFail
                              : undecided > 0 ? CheckStatus::kInconclusive
                                              : CheckStatus::kPass;
  for (size_t i = 0; i < r.checks.size(); ++i) {
    if (r.checks[i].name != "balance" || r.checks[i].status == balance) continue;
    return ck.Fail("/checks/" + std::to_string(i) + "/status",
                   std::string(CheckStatusName(r.checks[i].status)) +
                       ", but the sources' gates give " + std::string(CheckStatusName(balance)));
  }
  if (r.verdict == Verdict::kError) return;  // could not run: no verdict follows from checks
  const Verdict want = VerdictOf(r.checks);
  if (r.verdict != want) {
    ck.Fail("/verdict", std::string(VerdictName(r.verdict)) + ", but the checks give " +
                            std::string(VerdictName(want)));
  }
}

}  // namespace

Status CrossCheckReport(const Report& r, std::string_view source) {
  JsonPointerChecker ck(source);
  std::optional<double> tolerance;
  if (r.config.is_object()) {
    auto gate = r.config.find("gate");
    if (gate != r.config.end() && gate->is_object()) {
      auto t = gate->find("tolerance");
      if (t != gate->end() && t->is_number()) tolerance = t->get<double>();
    }
  }
  for (size_t i = 0; i < r.sources.size() && ck.ok(); ++i) {
    CheckSource(ck, "/sources/" + std::to_string(i), r.sources[i], tolerance);
  }
  if (ck.ok()) CheckSource(ck, "/total", r.total, tolerance);
  if (ck.ok()) CheckTotal(ck, r);
  if (ck.ok()) CheckVerdict(ck, r);
  return ck.status();
}

Result<Report> ParseCheckedReport(std::string_view text, std::string_view source) {
  Result<Report> r = ParseReport(text, source);
  if (!r.ok()) return r.status();
  if (Status s = CrossCheckReport(*r, source); !s.ok()) return s;
  return r;
}

}  // namespace meshverify
