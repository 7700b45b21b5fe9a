#include "meshverify/aggregate.h"

#include <algorithm>
#include <utility>

#include "meshverify/utf8.h"

namespace meshverify {
namespace {

void Bump(std::map<std::string, uint64_t>& m, std::string_view key, uint64_t n) {
  auto it = m.find(std::string(key));
  if (it == m.end()) {
    m.emplace(std::string(key), n);
  } else {
    it->second += n;
  }
}

void KeepSample(SourceCounts& s, std::string_view sample) {
  if (sample.empty() || s.unparsed_samples.size() >= SourceCounts::kMaxUnparsedSamples) return;
  // Samples go into JSON reports: cut them and make them valid UTF-8 here, once.
  s.unparsed_samples.push_back(SanitizeUtf8(sample, SourceCounts::kMaxSampleBytes));
}

constexpr size_t kFoldAt = 2 * SourceCounts::kMaxCategories;  // counting keeps up to this

// Names of `m` beyond the `keep` with the most answers (kOtherCategory aside).
template <typename V, typename CountOf>
std::vector<std::string> Beyond(const std::map<std::string, V>& m, size_t keep, CountOf count_of) {
  std::vector<std::pair<uint64_t, const std::string*>> order;
  for (const auto& [k, v] : m) {
    if (k != kOtherCategory) order.emplace_back(count_of(v), &k);
  }
  if (order.size() <= keep) return {};
  auto more = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : *a.second < *b.second;
  };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                   more);
  std::vector<std::string> out;
  for (size_t i = keep; i < order.size(); ++i) out.push_back(*order[i].second);
  return out;
}

void FoldCounts(std::map<std::string, uint64_t>* m, size_t keep) {
  for (const std::string& k : Beyond(*m, keep, [](uint64_t n) { return n; })) {
    auto it = m->find(k);
    (*m)[std::string(kOtherCategory)] += it->second;
    m->erase(it);
  }
}

bool Over(const SourceCounts& s, size_t limit) {
  return s.by_instance.size() > limit || s.by_version.size() > limit ||
         s.by_cluster.size() > limit || s.latency_ms.size() > limit;
}

}  // namespace

bool NeedsFold(const SourceCounts& s, size_t keep) { return Over(s, keep + 1); }

void FoldCategories(SourceCounts* s, size_t keep) {
  auto instances = Beyond(s->by_instance, keep, [](const InstanceStat& i) { return i.count; });
  for (const std::string& k : instances) {
    auto it = s->by_instance.find(k);
    // The other row has no one cluster or version: keep them empty.
    s->by_instance[std::string(kOtherCategory)].count += it->second.count;
    s->by_instance.erase(it);
  }
  FoldCounts(&s->by_version, keep);
  FoldCounts(&s->by_cluster, keep);
  for (auto it = s->latency_ms.begin(); it != s->latency_ms.end();) {
    if (it->first == kOtherCategory || s->by_cluster.count(it->first) != 0) {
      ++it;
      continue;
    }
    s->latency_ms[std::string(kOtherCategory)].Merge(it->second);
    it = s->latency_ms.erase(it);
  }
}

void AddCounts(const SourceCounts& from, SourceCounts* into) {
  into->requests += from.requests;
  into->ok += from.ok;
  for (const auto& [k, n] : from.errors) into->errors[k] += n;
  for (const auto& [k, n] : from.by_cluster) into->by_cluster[k] += n;
  for (const auto& [k, n] : from.by_version) into->by_version[k] += n;
  for (const auto& [k, in] : from.by_instance)
    into->by_instance[k].Add(in.count, in.cluster, in.version);
  for (const auto& [k, h] : from.latency_ms) into->latency_ms[k].Merge(h);
  if (from.cluster == into->cluster && from.pod == into->pod) {  // connection ids: per source
    for (const auto& [id, by] : from.by_connection) {
      if (into->by_connection.size() >= SourceCounts::kMaxConnections &&
          into->by_connection.count(id) == 0) {
        continue;
      }
      for (const auto& [inst, n] : by) into->by_connection[id][inst] += n;
    }
  }
  for (const std::string& sample : from.unparsed_samples) {
    if (into->unparsed_samples.size() >= SourceCounts::kMaxUnparsedSamples) break;
    into->unparsed_samples.push_back(sample);
  }
  if (Over(*into, kFoldAt)) FoldCategories(into);
}

std::string_view ClassifyRecord(const ProbeRecord& r) {
  switch (r.curl_exit) {
    case 0:
      break;
    case 6:
      return kErrDns;
    case 7:
      return kErrConnect;
    case 28:
      return kErrTimeout;
    case 52:
    case 56:
      return kErrReset;
    default:
      return kErrCurl;
  }
  if (r.http_code == 0) return kErrTransport;  // no answer and no curl failure: request lost
  if (!r.error.empty()) return kErrTransport;  // said lost, whatever its code (an edited file)
  if (r.http_code == 200) return {};
  if (r.http_code >= 500 && r.http_code <= 599) return kErrHttp5xx;
  if (r.http_code >= 400 && r.http_code <= 499) return kErrHttp4xx;
  return kErrHttpOther;
}

SourceCounts& Aggregator::Source(std::string_view cluster, std::string_view pod) {
  if (last_ < sources_.size() && sources_[last_].pod == pod && sources_[last_].cluster == cluster) {
    return sources_[last_];
  }
  key_.assign(cluster);
  key_.push_back('\0');
  key_.append(pod);
  auto [it, inserted] = index_.try_emplace(key_, sources_.size());
  if (inserted) {
    SourceCounts& s = sources_.emplace_back();
    s.cluster = cluster;
    s.pod = pod;
  }
  last_ = it->second;
  return sources_[last_];
}

void Aggregator::AddOk(std::string_view src_cluster, std::string_view src_pod,
                       std::string_view dest_cluster, std::string_view version,
                       std::string_view instance, double latency_ms) {
  AddOkCount(src_cluster, src_pod, dest_cluster, version, instance, 1);
  if (latency_ms < 0) return;
  SourceCounts& s = sources_[last_];
  auto it = s.latency_ms.find(std::string(dest_cluster));
  if (it == s.latency_ms.end()) {
    // A destination cluster folded into the other row has its latency there too.
    const bool kept = s.by_cluster.count(std::string(dest_cluster)) != 0;
    it = s.latency_ms.try_emplace(std::string(kept ? dest_cluster : kOtherCategory)).first;
  }
  it->second.Add(latency_ms);
}

void Aggregator::AddOkCount(std::string_view src_cluster, std::string_view src_pod,
                            std::string_view dest_cluster, std::string_view version,
                            std::string_view instance, uint64_t count) {
  if (count == 0) return;
  SourceCounts& s = Source(src_cluster, src_pod);
  s.requests += count;
  s.ok += count;
  Bump(s.by_cluster, dest_cluster, count);
  Bump(s.by_version, version, count);
  s.by_instance[std::string(instance)].Add(count, dest_cluster, version);
  if (Over(s, kFoldAt)) FoldCategories(&s);
}

void Aggregator::AddConnection(std::string_view src_cluster, std::string_view src_pod,
                               uint64_t connection, std::string_view instance) {
  AddConnectionCount(src_cluster, src_pod, connection, instance, 1);
}

void Aggregator::AddConnectionCount(std::string_view src_cluster, std::string_view src_pod,
                                    uint64_t connection, std::string_view instance,
                                    uint64_t count) {
  if (connection == 0 || count == 0) return;
  SourceCounts& s = Source(src_cluster, src_pod);
  auto it = s.by_connection.find(connection);
  if (it == s.by_connection.end()) {
    if (s.by_connection.size() >= SourceCounts::kMaxConnections) return;
    it = s.by_connection.emplace(connection, std::map<std::string, uint64_t>()).first;
  }
  std::map<std::string, uint64_t>& by = it->second;
  auto row = by.find(std::string(instance));
  if (row != by.end()) {
    row->second += count;
  } else if (by.size() < SourceCounts::kMaxCategories) {
    by.emplace(std::string(instance), count);
  } else {
    by[std::string(kOtherCategory)] += count;
  }
}

const SourceCounts* Aggregator::Find(std::string_view cluster, std::string_view pod) const {
  if (last_ < sources_.size() && sources_[last_].pod == pod && sources_[last_].cluster == cluster) {
    return &sources_[last_];
  }
  std::string key(cluster);
  key.push_back('\0');
  key.append(pod);
  auto it = index_.find(key);
  return it == index_.end() ? nullptr : &sources_[it->second];
}

bool Aggregator::MayFold(std::string_view src_cluster, std::string_view src_pod) const {
  const SourceCounts* s = Find(src_cluster, src_pod);
  return s != nullptr && Over(*s, kFoldAt - 1);  // one name more would be over kFoldAt
}

void Aggregator::AddLatencies(std::string_view src_cluster, std::string_view src_pod,
                              std::string_view dest_cluster, std::span<const double> values) {
  if (values.empty()) return;
  SourceCounts& s = Source(src_cluster, src_pod);
  auto it = s.latency_ms.find(std::string(dest_cluster));
  if (it == s.latency_ms.end()) {  // as AddOk
    const bool kept = s.by_cluster.count(std::string(dest_cluster)) != 0;
    it = s.latency_ms.try_emplace(std::string(kept ? dest_cluster : kOtherCategory)).first;
  }
  it->second.AddAll(values);
}

void Aggregator::AddError(std::string_view src_cluster, std::string_view src_pod,
                          std::string_view error_class, std::string_view sample) {
  SourceCounts& s = Source(src_cluster, src_pod);
  ++s.requests;
  Bump(s.errors, error_class, 1);
  KeepSample(s, sample);
}

void Aggregator::Merge(const Aggregator& other) {
  if (&other == this) {  // merging into itself would append to what it iterates
    const Aggregator copy = other;
    Merge(copy);
    return;
  }
  for (const SourceCounts& from : other.sources_) {
    AddCounts(from, &Source(from.cluster, from.pod));
  }
}

SourceCounts Aggregator::Total() const {
  SourceCounts total;
  for (const SourceCounts& s : sources_) AddCounts(s, &total);
  return total;
}

}  // namespace meshverify
