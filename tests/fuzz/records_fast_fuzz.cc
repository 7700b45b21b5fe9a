// libFuzzer target: ParseRecordLineFast agrees with the DOM parser on every input. When the
// fast path takes a line, the DOM parser must accept it too and give the same record, field by
// field (doubles bit for bit), and the same answer to "has a seq key"; when it declines,
// ParseRecordLine must give what the DOM gives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "meshverify/json_parse.h"
#include "meshverify/records.h"

namespace {

bool Same(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool SameRecord(const meshverify::ProbeRecord& a, const meshverify::ProbeRecord& b) {
  return a.source_cluster == b.source_cluster && a.source_pod == b.source_pod && a.seq == b.seq &&
         a.http_code == b.http_code && a.curl_exit == b.curl_exit &&
         Same(a.connect_ms, b.connect_ms) && Same(a.total_ms, b.total_ms) &&
         a.new_connection == b.new_connection && a.body == b.body && a.error == b.error &&
         Same(a.intended_ms, b.intended_ms) && Same(a.sent_ms, b.sent_ms) && a.late == b.late &&
         a.connection == b.connection && a.peer == b.peer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  meshverify::ProbeRecord fast;
  fast.body = "stale";  // reused buffers must not leak into the next record
  fast.seq = 99;
  bool has_seq = true;
  const bool took = meshverify::ParseRecordLineFast(line, &fast, &has_seq);
  const meshverify::Result<meshverify::ProbeRecord> dom =
      meshverify::ParseRecordLineDom(line, "fuzz", 1);
  if (took) {
    if (!dom.ok() || !SameRecord(fast, *dom)) std::abort();
    std::string_view text = line;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (has_seq != meshverify::ParseJsonText(text).value.contains("seq")) std::abort();
  }
  const meshverify::Result<meshverify::ProbeRecord> both =
      meshverify::ParseRecordLine(line, "fuzz", 1);
  if (both.ok() != dom.ok()) std::abort();
  if (both.ok() ? !SameRecord(*both, *dom) : both.status().message() != dom.status().message()) {
    std::abort();
  }
  return 0;
}
