#include "analyze/record_batch.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>
#include <utility>

namespace meshverify {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15u;

// The last 8 bytes of `s` (fewer: its bytes), where pod names carry their random suffix.
uint64_t Tail(std::string_view s) {
  uint64_t v = 0;
  const size_t n = std::min<size_t>(s.size(), 8);
  std::memcpy(&v, s.data() + s.size() - n, n);
  return v;
}

}  // namespace

RecordBatch::RecordBatch(const ReplyParser* parser) : parser_(parser), cache_(kCache, kNone) {}

// A cheap hash: sizes, tails and the connection; a collision only costs a lookup in index_.
uint64_t RecordBatch::Hash(const ProbeRecord& r) {
  uint64_t h = r.body.size() ^ (r.source_pod.size() << 20) ^ (r.source_cluster.size() << 40);
  h ^= Tail(r.body) * kMul;
  if (r.body.size() >= 16) {
    h ^= std::rotl(Tail(std::string_view(r.body).substr(r.body.size() - 16, 8)), 7);
  }
  h ^= std::rotl(Tail(r.source_pod) * kMul, 29) ^ std::rotl(r.connection * kMul, 17);
  return h * kMul;
}

bool RecordBatch::Matches(const Slot& s, const ProbeRecord& r) {
  return s.connection == r.connection && s.body == r.body && s.pod == r.source_pod &&
         s.cluster == r.source_cluster;
}

bool RecordBatch::Add(const ProbeRecord& r, Aggregator* agg) {
  uint64_t hash = 0;
  if (r.body.size() <= kMaxBody) {
    hash = Hash(r);
    uint32_t& c = cache_[hash >> 56];  // kCache == 256
    size_t i = c;
    if (i == kNone || slots_[i].hash != hash || !Matches(slots_[i], r)) {
      MakeKey(r);
      auto it = index_.find(key_);
      i = it == index_.end() ? kNone : it->second;
    }
    if (i != kNone) {
      c = static_cast<uint32_t>(i);
      ++slots_[i].count;
      AddLatency(slots_[i].lane, r.total_ms, agg);
      return true;
    }
  }
  return AddNew(r, hash, agg);
}

// A record no slot holds: parsed, added at once, and given a slot when its body is short.
bool RecordBatch::AddNew(const ProbeRecord& r, uint64_t hash, Aggregator* agg) {
  const std::optional<ReplyView> v = parser_->Parse(r.body);
  if (!v) return false;
  const std::string_view src_cluster = r.source_cluster, src_pod = r.source_pod;
  if (agg->MayFold(src_cluster, src_pod)) {  // one at a time, the fold seeing every count
    Flush(agg);
    agg->AddOk(src_cluster, src_pod, v->cluster, v->version, v->instance, r.total_ms);
    agg->AddConnection(src_cluster, src_pod, r.connection, v->instance);
    return true;
  }
  const bool keep = r.body.size() <= kMaxBody;
  if ((keep && slots_.size() >= kMaxSlots) || lanes_.size() >= kMaxLanes) Flush(agg);
  agg->AddOkCount(src_cluster, src_pod, v->cluster, v->version, v->instance, 1);
  agg->AddConnection(src_cluster, src_pod, r.connection, v->instance);
  const size_t lane = FindLane(r, v->cluster);
  AddLatency(lane, r.total_ms, agg);
  if (!keep) return true;
  Slot& s = slots_.emplace_back();
  s.hash = hash;
  s.connection = r.connection;
  s.cluster = src_cluster;
  s.pod = src_pod;
  s.body = r.body;
  s.version = v->version;
  s.instance = v->instance;
  s.dest = v->cluster;
  s.lane = lane;
  const auto i = static_cast<uint32_t>(slots_.size() - 1);
  cache_[hash >> 56] = i;
  MakeKey(r);
  index_.emplace(key_, i);
  return true;
}

size_t RecordBatch::FindLane(const ProbeRecord& r, std::string_view dest) {
  for (size_t i = lanes_.size(); i-- > 0;) {
    const Lane& l = lanes_[i];
    if (l.dest == dest && l.pod == r.source_pod && l.cluster == r.source_cluster) return i;
  }
  Lane& l = lanes_.emplace_back();
  l.cluster = r.source_cluster;
  l.pod = r.source_pod;
  l.dest = dest;
  return lanes_.size() - 1;
}

void RecordBatch::AddLatency(size_t lane, double ms, Aggregator* agg) {
  if (!(ms >= 0)) return;  // unknown: AddOk adds nothing either
  Lane& l = lanes_[lane];
  l.latencies.push_back(ms);
  if (l.latencies.size() >= kLaneValues) {
    agg->AddLatencies(l.cluster, l.pod, l.dest, l.latencies);
    l.latencies.clear();
  }
}

void RecordBatch::MakeKey(const ProbeRecord& r) {
  key_.assign(reinterpret_cast<const char*>(&r.connection), sizeof r.connection);
  key_.append(r.source_cluster);
  key_.push_back('\0');
  key_.append(r.source_pod);
  key_.push_back('\0');
  key_.append(r.body);
}

void RecordBatch::Flush(Aggregator* agg) {
  for (const Slot& s : slots_) {
    agg->AddOkCount(s.cluster, s.pod, s.dest, s.version, s.instance, s.count);
    agg->AddConnectionCount(s.cluster, s.pod, s.connection, s.instance, s.count);
  }
  for (const Lane& l : lanes_) agg->AddLatencies(l.cluster, l.pod, l.dest, l.latencies);
  slots_.clear();
  lanes_.clear();
  index_.clear();
  std::fill(cache_.begin(), cache_.end(), kNone);
}

}  // namespace meshverify
