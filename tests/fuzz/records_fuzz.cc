// libFuzzer target for ParseRecordLine: never crash; a parsed record written back with
// RecordToJsonLine must parse again to the same record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "meshverify/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  meshverify::Result<meshverify::ProbeRecord> r = meshverify::ParseRecordLine(line, "fuzz", 1);
  if (!r.ok()) {
    if (r.status().message().rfind("fuzz:1: ", 0) != 0) std::abort();
    return 0;
  }
  const std::string again = meshverify::RecordToJsonLine(*r);
  meshverify::Result<meshverify::ProbeRecord> back = meshverify::ParseRecordLine(again, "again", 1);
  if (!back.ok()) std::abort();
  if (back->body != r->body || back->seq != r->seq || back->http_code != r->http_code ||
      back->source_pod != r->source_pod || back->error != r->error) {
    std::abort();
  }
  return 0;
}
