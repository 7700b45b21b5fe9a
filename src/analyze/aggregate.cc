#include "meshverify/aggregate.h"

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

}  // namespace

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
  if (latency_ms >= 0) sources_[last_].latency_ms[std::string(dest_cluster)].Add(latency_ms);
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
}

void Aggregator::AddConnection(std::string_view src_cluster, std::string_view src_pod,
                               uint64_t connection, std::string_view instance) {
  if (connection == 0) return;
  SourceCounts& s = Source(src_cluster, src_pod);
  auto it = s.by_connection.find(connection);
  if (it == s.by_connection.end()) {
    if (s.by_connection.size() >= SourceCounts::kMaxConnections) return;
    it = s.by_connection.emplace(connection, std::map<std::string, uint64_t>()).first;
  }
  ++it->second[std::string(instance)];
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
