#pragma once
// Streaming aggregation of request outcomes: memory grows with the number of distinct
// sources, clusters, versions, instances and error classes, never with the number of requests.
// Not thread-safe: one Aggregator per thread, then Merge.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meshverify/histogram.h"
#include "meshverify/model.h"

namespace meshverify {

// Latency histogram (milliseconds), relative error <= 1% on quantiles; see histogram.h.
using LatencyHistogram = Histogram;

// Everything counted for one source (or pooled).
struct SourceCounts {
  std::string cluster;
  std::string pod;
  uint64_t requests = 0;
  uint64_t ok = 0;
  std::map<std::string, uint64_t> errors;      // class -> count
  std::map<std::string, uint64_t> by_cluster;  // destination cluster -> count ("" unknown)
  std::map<std::string, uint64_t> by_version;
  using Instance = InstanceStat;  // count, cluster, version (model.h)
  std::map<std::string, Instance> by_instance;
  std::map<std::string, LatencyHistogram> latency_ms;  // destination cluster -> histogram
  std::vector<std::string> unparsed_samples;           // at most kMaxUnparsedSamples
  // Which client connection carried each answer (ProbeRecord::connection > 0, unique within a
  // source): connection id -> instance -> answers. At most kMaxConnections connections are
  // kept (answers on later ones are not listed here). Per source: not pooled into totals.
  std::map<uint64_t, std::map<std::string, uint64_t>> by_connection;

  static constexpr size_t kMaxConnections = 1000;
  // Distinct names listed per source in by_instance, by_version, by_cluster and latency_ms
  // (and per connection in by_connection): the kMaxCategories with the most answers keep their
  // own rows; the answers of every other name are counted under kOtherCategory, so that a
  // million distinct instance names cost no more than a thousand. Counting keeps up to twice
  // as many and folds the ones with fewest answers into kOtherCategory when it reaches that
  // (FoldCategories); totals stay exact.
  static constexpr size_t kMaxCategories = 1000;
  static constexpr size_t kMaxUnparsedSamples = 5;
  static constexpr size_t kMaxSampleBytes = 200;  // samples are cut to this length
};

// The row that holds the answers of names beyond SourceCounts::kMaxCategories (not a valid pod
// name, so no instance can be called that).
inline constexpr std::string_view kOtherCategory = "(other)";

// Keeps the `keep` names with the most answers (ties: the first by name) of by_instance,
// by_version and by_cluster, and the latency_ms of the destination clusters kept; the rest go
// into their dimension's kOtherCategory row (counts added, histograms merged). Totals are
// unchanged.
void FoldCategories(SourceCounts* s, size_t keep = SourceCounts::kMaxCategories);

// True when one of the dimensions FoldCategories folds lists more than `keep` names besides
// kOtherCategory.
bool NeedsFold(const SourceCounts& s, size_t keep = SourceCounts::kMaxCategories);

// Error classes (keys of SourceCounts::errors).
inline constexpr std::string_view kErrUnparsed = "unparsed";  // answer matched no pattern
inline constexpr std::string_view kErrHttp5xx = "http_5xx";
inline constexpr std::string_view kErrHttp4xx = "http_4xx";
inline constexpr std::string_view kErrHttpOther = "http_other";
inline constexpr std::string_view kErrDns = "dns";              // curl 6
inline constexpr std::string_view kErrConnect = "connect";      // curl 7
inline constexpr std::string_view kErrTimeout = "timeout";      // curl 28
inline constexpr std::string_view kErrReset = "reset";          // curl 52, 56
inline constexpr std::string_view kErrCurl = "curl_other";      // any other curl exit
inline constexpr std::string_view kErrTransport = "transport";  // lost: exec failed, pod gone

// Adds every count of `from` to `into` (requests, errors, clusters, versions, instances by
// InstanceStat::Add, latency histograms, samples up to kMaxUnparsedSamples); names are kept.
// What Aggregator::Merge, Aggregator::Total and Analyze's pooled total all do.
void AddCounts(const SourceCounts& from, SourceCounts* into);

// Returns the error class of a finished request ("" when it is an HTTP 200 with a body to parse
// and no `error`; a record with an error is never ok, whatever its code: "transport").
std::string_view ClassifyRecord(const ProbeRecord& r);

class Aggregator {
 public:
  // A successful, parsed answer from source (cluster, pod). `dest_cluster` may be "" (unknown).
  // `latency_ms` < 0 means unknown.
  void AddOk(std::string_view src_cluster, std::string_view src_pod, std::string_view dest_cluster,
             std::string_view version, std::string_view instance, double latency_ms);
  // A failed request of class `error_class`; `sample` (an unparsed line) is kept if there is room.
  void AddError(std::string_view src_cluster, std::string_view src_pod,
                std::string_view error_class, std::string_view sample = {});
  // Same as `count` calls of AddOk with an unknown latency: the fast path for raw lines, which
  // are counted in runs and flushed here.
  void AddOkCount(std::string_view src_cluster, std::string_view src_pod,
                  std::string_view dest_cluster, std::string_view version,
                  std::string_view instance, uint64_t count);
  // Adds every count of `other` (sources matched by cluster and pod; new ones appended).
  void Merge(const Aggregator& other);
  // Records that connection `connection` (> 0) of the source carried an answer of `instance`.
  void AddConnection(std::string_view src_cluster, std::string_view src_pod, uint64_t connection,
                     std::string_view instance);
  // Same as `count` calls of AddConnection.
  void AddConnectionCount(std::string_view src_cluster, std::string_view src_pod,
                          uint64_t connection, std::string_view instance, uint64_t count);

  // The latency part of AddOk for each of `values` (ms, in answer order, all >= 0): they go to
  // the source's histogram of `dest_cluster`, or of kOtherCategory when that cluster was folded
  // away, bit for bit as one AddOk per answer would add them (Histogram::AddAll).
  void AddLatencies(std::string_view src_cluster, std::string_view src_pod,
                    std::string_view dest_cluster, std::span<const double> values);
  // True when an answer with a name the source has not counted yet could make it fold its
  // categories now (FoldCategories): a dimension holds the most names counting keeps. For
  // callers that count answers in batches (the Ingestor's JSONL slots) and must end with
  // exactly what one call per answer gives: such an answer is added alone, after every batch.
  bool MayFold(std::string_view src_cluster, std::string_view src_pod) const;

  // Sources in first-seen order.
  const std::vector<SourceCounts>& sources() const { return sources_; }
  // All sources pooled; cluster and pod are "".
  SourceCounts Total() const;

 private:
  SourceCounts& Source(std::string_view cluster, std::string_view pod);
  const SourceCounts* Find(std::string_view cluster, std::string_view pod) const;
  std::vector<SourceCounts> sources_;
  std::unordered_map<std::string, size_t> index_;  // "<cluster>\0<pod>" -> index in sources_
  std::string key_;                                // reused lookup key
  size_t last_ = 0;  // index of the last source used: lines mostly come in runs
};

}  // namespace meshverify
