#pragma once
// Streaming ingestion of captured answers into an Aggregator: the engine of `meshverify analyze`.
//
// Input comes as chunks of bytes of any size (lines may span chunks), one source at a time:
//   Ingestor ing = *Ingestor::Create(opts);
//   ing.BeginSource("capture.txt");  while (read) { Status s = ing.Feed(chunk); ... }
//   Status s = ing.EndSource();  ...  ing.aggregate()
// Memory is bounded by the categories seen plus one line (at most max_line_bytes), plus the
// duplicate check's seq ranges (one per source when records come in order; 2^18 at most),
// plus the JSONL answers counted in batches (RecordBatch: at most 4096 slots of bodies up to
// 256 bytes and 256 runs of 4096 latencies, ~10 MiB at worst); a longer line is counted without
// being buffered whole.
//
// Formats:
// - raw: one answer per line ("Hello version: v1, instance: helloworld-v1-86f77cd7bd-cpxhv", or
//   what --pattern matches). Source cluster "" and pod = the source name; the destination
//   cluster comes from the pattern's `cluster` group, else "". A line that does not parse counts
//   as error `unparsed` and is kept as a sample (cut to 200 bytes, invalid UTF-8 replaced by
//   U+FFFD), unless it is a kubectl notice (IsKubectlNotice in reply_parser.h: kubectl's stderr
//   in the capture): that is skipped, counted in skipped_notices() and listed, never a request.
// - jsonl: meshverify.record/v1 records (meshverify/records.h), classified with ClassifyRecord;
//   HTTP 200 bodies are parsed with the same parser (no match: `unparsed`); latency = total_ms.
//   A duplicate (src_cluster, src_pod, seq) counts once (see duplicates()).
// - auto: per source, from the first non-blank line: '{' (after leading spaces) means jsonl.
// Blank lines (empty or only spaces, tabs, "\r") are skipped; "\r\n" line ends are accepted.
//
// Bad input: a NUL byte fails with InvalidInput "<source>: byte N: binary input" (N 1-based in
// the source); a malformed JSONL record fails with InvalidInput "<source>:<line>: <reason>"
// (records are machine-written: a broken one is an input error, not data). The first error in
// byte order is the one reported, however the input is cut into chunks. After a failure
// the Ingestor keeps returning that status. A source with no lines is not an error here.
//
// Not thread-safe; one Ingestor per thread, then Aggregator::Merge. Does no I/O.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/aggregate.h"
#include "meshverify/status.h"

namespace meshverify {

enum class InputFormat { kAuto, kRaw, kJsonl };

// Returns the format named "auto", "raw" or "jsonl"; fails with InvalidInput
// "--format: expected auto, raw or jsonl, got '<s>'".
[[nodiscard]] Result<InputFormat> ParseInputFormat(std::string_view s);
const char* InputFormatName(InputFormat f);  // "auto" | "raw" | "jsonl"

struct IngestOptions {
  InputFormat format = InputFormat::kAuto;
  std::string pattern;                      // --pattern; "" = built-in helloworld format
  size_t max_line_bytes = size_t{1} << 20;  // longer lines count as `unparsed`. Default: 1 MiB
};

class Ingestor {
 public:
  // Fails with InvalidInput "--pattern: <reason>" for a bad pattern (see ReplyParser::Create),
  // or "--max-line-bytes: must be positive".
  [[nodiscard]] static Result<Ingestor> Create(const IngestOptions& options);

  Ingestor(Ingestor&&) noexcept;
  Ingestor& operator=(Ingestor&&) noexcept;
  ~Ingestor();

  // Starts a new input; `name` is the file name, "-" for stdin. An unfinished source is ended
  // first (its status is then lost: call EndSource yourself to see it).
  void BeginSource(std::string_view name);
  // Consumes the next bytes of the current source. REQUIRES: BeginSource was called.
  // Fails as described in the file comment.
  Status Feed(std::string_view chunk);
  // Processes a last line without newline and closes the source.
  Status EndSource();

  // Counts so far (complete for every ended source).
  const Aggregator& aggregate() const;
  // Moves the counts out, those of the current source's lines so far included; the Ingestor is
  // left with an empty Aggregator.
  Aggregator TakeAggregate();

  // The format used for the current (or last ended) source; kAuto until its first line.
  InputFormat source_format() const;
  // Non-blank lines of the current (or last ended) source.
  uint64_t source_lines() const;
  // Non-blank lines of all sources.
  uint64_t total_lines() const;
  // Raw lines skipped as kubectl notices, over all sources, and the first kMaxNoticeSamples of
  // them as "<source>:<line>: <text>" (text cut to 200 bytes, valid UTF-8).
  static constexpr size_t kMaxNoticeSamples = 3;
  uint64_t skipped_notices() const;
  const std::vector<std::string>& notice_samples() const;
  // JSONL records dropped as duplicates: a record with the same src_cluster, src_pod and seq as
  // an earlier one (over all sources: a file passed twice, overlapping shard outputs) counts
  // once, the first; records without a "seq" key are never duplicates. The first
  // kMaxDuplicateSamples dropped ones as "<source>:<line>". After 262,144 disjoint seq ranges
  // in all (out-of-order hostile input) the check stops: duplicate_check_stopped().
  static constexpr size_t kMaxDuplicateSamples = 3;
  uint64_t duplicates() const;
  const std::vector<std::string>& duplicate_samples() const;
  bool duplicate_check_stopped() const;

 private:
  struct State;
  explicit Ingestor(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace meshverify
