#pragma once
// SeqSet: the request numbers (ProbeRecord::seq) seen from one source, as disjoint ranges, so
// that `analyze` can drop a record seen twice (the same file passed twice, overlapping shard
// outputs). Records mostly come in order, so the set is usually one range and an insert is O(1);
// out of order it costs O(log ranges). Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <map>

namespace meshverify {

class SeqSet {
 public:
  SeqSet() : last_(ranges_.end()) {}
  SeqSet(const SeqSet&) = delete;
  SeqSet& operator=(const SeqSet&) = delete;

  // Adds `seq`; returns false (and changes nothing) when it was already in the set.
  bool Insert(uint64_t seq);
  // How many disjoint ranges hold the set (its memory is proportional to this).
  size_t ranges() const { return ranges_.size(); }

 private:
  std::map<uint64_t, uint64_t> ranges_;  // first -> last (inclusive), disjoint, not adjacent
  std::map<uint64_t, uint64_t>::iterator last_;  // the range the last insert touched
};

}  // namespace meshverify
