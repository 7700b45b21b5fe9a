// The report model's own helpers (report.h): how a source is named, its errors, and how many
// more requests would decide it.
#include <algorithm>

#include "meshverify/report.h"

namespace meshverify {

std::string SourceLabel(const SourceReport& s) {
  if (!s.cluster.empty() && !s.pod.empty()) return s.cluster + "/" + s.pod;
  if (!s.pod.empty()) return s.pod;
  if (!s.cluster.empty()) return s.cluster;
  return "(unnamed source)";
}

uint64_t ErrorCount(const SourceReport& s) {
  uint64_t n = 0;
  for (const auto& [k, v] : s.errors) n += v;
  return n;
}

uint64_t MoreRequestsToDecide(const SourceReport& s) {
  if (s.gate != GateVerdict::kInconclusive || s.requests_to_decide <= s.ok) return 0;
  return s.requests_to_decide - s.ok;
}

uint64_t MoreRequestsToDecide(const Report& r) {
  uint64_t more = 0;
  for (const SourceReport& s : r.sources) more = std::max(more, MoreRequestsToDecide(s));
  if (r.sources.empty()) more = MoreRequestsToDecide(r.total);
  return more;
}

}  // namespace meshverify
