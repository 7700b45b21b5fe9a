// libFuzzer target for the Ingestor: the first byte picks the options, the second a chunk
// size; the rest is fed in those chunks. Feeding the same bytes whole must give the same
// status, the same counts and the same skipped kubectl notices, and requests == ok + errors
// must hold.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/ingest.h"

namespace {

struct Outcome {
  meshverify::Status status;
  uint64_t requests = 0;
  uint64_t ok = 0;
  uint64_t errors = 0;
  uint64_t skipped = 0;  // kubectl notices
  std::vector<std::string> notices;
};

Outcome Run(const meshverify::IngestOptions& opts, std::string_view input, size_t chunk) {
  meshverify::Result<meshverify::Ingestor> ing = meshverify::Ingestor::Create(opts);
  if (!ing.ok()) std::abort();
  Outcome o;
  ing->BeginSource("fuzz");
  for (size_t i = 0; i < input.size() && o.status.ok(); i += chunk) {
    o.status = ing->Feed(input.substr(i, chunk));
  }
  if (o.status.ok()) o.status = ing->EndSource();
  if (!o.status.ok()) return o;
  const meshverify::SourceCounts t = ing->aggregate().Total();
  o.requests = t.requests;
  o.ok = t.ok;
  for (const auto& [k, n] : t.errors) o.errors += n;
  o.skipped = ing->skipped_notices();
  o.notices = ing->notice_samples();
  if (o.notices.size() > o.skipped || o.notices.size() > meshverify::Ingestor::kMaxNoticeSamples) {
    std::abort();
  }
  if (o.requests != o.ok + o.errors) std::abort();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  meshverify::IngestOptions opts;
  opts.format = static_cast<meshverify::InputFormat>(data[0] % 3);
  opts.max_line_bytes = data[0] & 0x80 ? 64 : (size_t{1} << 20);
  if (data[0] & 0x40)
    opts.pattern = R"((?P<version>v\d+)\W+(?P<instance>[\w-]+)(?P<cluster>@\w+)?)";
  const size_t chunk = 1 + data[1] % 17;
  const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  const Outcome a = Run(opts, input, chunk);
  const Outcome b = Run(opts, input, input.size() + 1);
  if (a.status.message() != b.status.message() || a.requests != b.requests || a.ok != b.ok ||
      a.skipped != b.skipped || a.notices != b.notices) {
    std::abort();
  }
  return 0;
}
