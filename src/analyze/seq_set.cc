#include "analyze/seq_set.h"

#include <iterator>
#include <limits>

namespace meshverify {

bool SeqSet::Insert(uint64_t seq) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  // In order: the next number after the last range touched, not touching the range after it.
  if (last_ != ranges_.end() && last_->second != kMax && seq == last_->second + 1 && seq != kMax) {
    const auto next = std::next(last_);
    if (next == ranges_.end() || next->first > seq + 1) {
      last_->second = seq;
      return true;
    }
  }
  auto after = ranges_.upper_bound(seq);  // the first range starting after seq
  if (after != ranges_.begin()) {
    const auto prev = std::prev(after);
    if (seq <= prev->second) return false;
    if (prev->second + 1 == seq) {  // prev->second < seq: no overflow
      prev->second = seq;
      if (after != ranges_.end() && after->first == seq + 1) {  // seq < after->first
        prev->second = after->second;
        ranges_.erase(after);
      }
      last_ = prev;
      return true;
    }
  }
  if (after != ranges_.end() && after->first == seq + 1) {  // grows `after` downwards
    const uint64_t end = after->second;
    last_ = ranges_.emplace_hint(ranges_.erase(after), seq, end);
    return true;
  }
  last_ = ranges_.emplace_hint(after, seq, seq);
  return true;
}

}  // namespace meshverify
