// libFuzzer target for FrameParser (the probe script's output): never crash; the same records
// and the same error whether the stream comes whole or cut into pieces; no request gets two
// records, also after Stop().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/probe.h"

namespace {

struct Run {
  std::vector<meshverify::ProbeRecord> records;
  std::string error;
};

Run Parse(std::string_view text, size_t step) {
  Run run;
  meshverify::probe::FrameParser p(
      "mv:", {"c1", "pod", "", "", "ns", "sleep"}, 16,
      [&](meshverify::ProbeRecord&& r) { run.records.push_back(std::move(r)); });
  p.Expect(0, 8);  // as ExecProber does: the records stay bounded by what was asked for
  for (size_t i = 0; i < text.size(); i += step) p.Feed(text.substr(i, step));
  run.error = p.error();
  p.Stop("stopped");
  std::set<uint64_t> seqs;
  for (const meshverify::ProbeRecord& r : run.records) {
    if (!seqs.insert(r.seq).second) std::abort();  // two records for one request
    if (r.body.size() > 16) std::abort();           // max_body_bytes
  }
  return run;
}

bool Same(const Run& a, const Run& b) {
  if (a.error != b.error || a.records.size() != b.records.size()) return false;
  for (size_t i = 0; i < a.records.size(); ++i) {
    const meshverify::ProbeRecord &x = a.records[i], &y = b.records[i];
    if (x.seq != y.seq || x.body != y.body || x.http_code != y.http_code ||
        x.curl_exit != y.curl_exit || x.error != y.error) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Run whole = Parse(text, text.size() + 1);
  size_t step = size == 0 ? 1 : 1 + data[0] % 13;
  if (!Same(whole, Parse(text, step))) std::abort();
  if (!Same(whole, Parse(text, 1))) std::abort();
  return 0;
}
