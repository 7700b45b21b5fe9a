#pragma once
// RecordBatch: the Ingestor's JSONL answers counted in slots, one per (source, body,
// connection), each with its parsed answer (the body is parsed once per slot, not per record)
// and a latency lane per (source, destination cluster), then added to the Aggregator with one
// call per slot (Flush). The result is exactly what Aggregator::AddOk and AddConnection one
// record at a time give, in every count, name, order and floating-point sum:
// - the first record of a slot is added at once (AddOkCount, AddConnection), so every name,
//   source and connection enters the Aggregator in record order, and the slot only counts the
//   records after it, whose names are all known;
// - a lane keeps the latencies in record order and hands them over in runs of up to
//   kLaneValues (Aggregator::AddLatencies, Histogram::AddAll: the same sums as one Add each);
// - an answer that could make its source fold its categories (Aggregator::MayFold) is added
//   alone, after a Flush, so a fold sees the counts it would have seen.
// Memory: at most kMaxSlots slots (bodies up to kMaxBody bytes; longer ones are added at
// once) and kMaxLanes lanes of at most kLaneValues latencies; past that the slots and lanes
// are flushed and start again. Not thread-safe. Does no I/O.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "meshverify/aggregate.h"
#include "meshverify/model.h"
#include "meshverify/reply_parser.h"

namespace meshverify {

class RecordBatch {
 public:
  static constexpr size_t kMaxSlots = 4096;
  static constexpr size_t kMaxBody = 256;
  static constexpr size_t kMaxLanes = 256;
  static constexpr size_t kLaneValues = 4096;

  // REQUIRES: `parser` outlives the batch.
  explicit RecordBatch(const ReplyParser* parser);

  // Counts the answer of `r`, a record ClassifyRecord found ok, into `agg`. False (nothing
  // counted) when its body does not parse: the caller counts it as unparsed.
  bool Add(const ProbeRecord& r, Aggregator* agg);
  // Adds every pending count to `agg` (the one all Adds since the last Flush went to).
  void Flush(Aggregator* agg);

 private:
  struct Lane {
    std::string cluster, pod, dest;
    std::vector<double> latencies;  // >= 0, in record order, not yet in the Aggregator
  };
  struct Slot {
    uint64_t hash = 0;
    uint64_t connection = 0;
    std::string cluster, pod, body;
    std::string version, instance, dest;
    uint64_t count = 0;  // records after the first (which was added at once)
    size_t lane = 0;
  };
  static constexpr uint32_t kNone = ~uint32_t{0};
  static constexpr size_t kCache = 256;

  static uint64_t Hash(const ProbeRecord& r);
  static bool Matches(const Slot& s, const ProbeRecord& r);
  bool AddNew(const ProbeRecord& r, uint64_t hash, Aggregator* agg);
  size_t FindLane(const ProbeRecord& r, std::string_view dest);
  void AddLatency(size_t lane, double ms, Aggregator* agg);
  void MakeKey(const ProbeRecord& r);

  const ReplyParser* parser_;
  std::vector<Slot> slots_;
  std::vector<Lane> lanes_;
  std::vector<uint32_t> cache_;  // direct-mapped by the hash's top 8 bits: slot index
  std::unordered_map<std::string, uint32_t> index_;  // MakeKey -> slot index
  std::string key_;
};

}  // namespace meshverify
