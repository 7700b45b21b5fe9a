#pragma once
// Window accounting for the load pipeline: one source's records of one step, cut into
// windows by intended send time, closed as soon as every request of the window has its
// record. Pure; one SourceWindows per probing thread.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/histogram.h"
#include "meshverify/load_report.h"
#include "meshverify/model.h"
#include "meshverify/reply_parser.h"

namespace meshverify::load::internal {

// A map keyed by name that is looked up by string_view: counting a record builds no key
// string unless the name is new to the window.
template <typename V>
using NameMap = std::map<std::string, V, std::less<>>;

// The counts of one (source, window) or of several pooled.
struct WindowCounts {
  int step = 0;
  uint64_t index = 0;
  double start_ms = 0, end_ms = 0;
  uint64_t requests = 0, ok = 0, late = 0;
  double last_sent_ms = -1;  // the latest actual send counted here (-1: none known)
  NameMap<uint64_t> errors, by_cluster, by_version;
  NameMap<InstanceStat> by_instance;
  NameMap<Histogram> latency, send_latency;  // destination cluster -> ms
  std::map<uint64_t, uint64_t> by_connection;

  // Adds `o`'s counts (its step, index and bounds are kept when this one is empty).
  void Merge(const WindowCounts& o);
};

// Shares with simultaneous intervals at `alpha` (every name of `clusters` and `versions` gets
// an entry, 0 when absent), percentiles from the histograms.
Window ToWindow(const WindowCounts& c, const std::string& source, const std::string& cluster,
                bool warmup, double alpha, const std::set<std::string>& clusters,
                const std::set<std::string>& versions);

// The unknown destination cluster's key.
inline constexpr const char* kUnknown = "unknown";

class SourceWindows {
 public:
  // Requests of this step are first_seq, first_seq + 1, ... in send order.
  SourceWindows(int step, double window_ms, uint64_t first_seq, const ReplyParser& parser,
                const std::map<std::string, std::string>& cluster_of_instance);

  // Counts one record. `arrival_ms` (since the origin) places it when it carries no time.
  void Add(const ProbeRecord& r, double arrival_ms);
  // Windows every request of which has its record (empty ones too), in order, each once.
  std::vector<WindowCounts> TakeClosed();
  // Every window not taken yet up to `end_ms` (the step's end: the last is cut there), and
  // any later one holding records.
  std::vector<WindowCounts> TakeRest(double end_ms);

 private:
  WindowCounts& At(uint64_t index);
  void Count(WindowCounts& w, const ProbeRecord& r);
  // The destination cluster of an answer that names no cluster: from the instance.
  const std::string& ClusterOfInstance(std::string_view instance);

  int step_;
  double window_ms_;
  const ReplyParser& parser_;
  const std::map<std::string, std::string>& cluster_of_instance_;
  std::map<uint64_t, WindowCounts> open_;
  uint64_t next_close_ = 0;
  uint64_t next_seq_;
  double watermark_ms_ = -1;               // every request placed before it has its record
  std::map<uint64_t, double> ahead_;       // records past a missing seq: seq -> time
  NameMap<std::string> dest_of_instance_;  // ClusterOfInstance's answers (bounded)
};

}  // namespace meshverify::load::internal
