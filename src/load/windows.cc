#include "load/windows.h"

#include <algorithm>
#include <cmath>

#include "meshverify/aggregate.h"
#include "meshverify/stats.h"

namespace meshverify::load::internal {
namespace {

constexpr size_t kMaxInstancesCached = 4096;

template <typename M>
void AddAll(M& into, const M& from) {
  for (const auto& [k, n] : from) into[k] += n;
}

// The entry for `key`, made (value-initialized) if missing; the key string is built only then.
template <typename V>
V& Entry(NameMap<V>& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), V{}).first;
  return it->second;
}

template <typename V>
std::map<std::string, V> Plain(const NameMap<V>& m) {
  return std::map<std::string, V>(m.begin(), m.end());
}

Latency LatencyOf(const Histogram& h) {
  return Latency{h.count(), h.Quantile(0.5), h.Quantile(0.9), h.Quantile(0.99), h.max()};
}

std::map<std::string, Share> Shares(const NameMap<uint64_t>& counts, uint64_t ok,
                                    const std::set<std::string>& always, double alpha) {
  NameMap<uint64_t> all = counts;
  for (const std::string& k : always) all.try_emplace(k, 0);
  std::map<std::string, Share> out;
  const int n = static_cast<int>(all.size());
  for (const auto& [k, c] : all) {
    Share s;
    s.count = c;
    s.share = ok == 0 ? 0 : static_cast<double>(c) / static_cast<double>(ok);
    // Exact two-sided Clopper–Pearson bounds, Bonferroni over the window's n shares.
    const double tail = alpha / (2.0 * std::max(1, n));
    stats::Interval ci = stats::ClopperPearsonBounds(c, ok, tail, tail);
    s.ci_lo = ci.lo;
    s.ci_hi = ci.hi;
    out[k] = s;
  }
  return out;
}

}  // namespace

void WindowCounts::Merge(const WindowCounts& o) {
  requests += o.requests;
  ok += o.ok;
  late += o.late;
  last_sent_ms = std::max(last_sent_ms, o.last_sent_ms);
  AddAll(errors, o.errors);
  AddAll(by_cluster, o.by_cluster);
  AddAll(by_version, o.by_version);
  AddAll(by_connection, o.by_connection);
  for (const auto& [k, in] : o.by_instance) {
    InstanceStat& s = by_instance[k];
    s.count += in.count;
    if (s.cluster.empty()) s.cluster = in.cluster;
    if (s.version.empty()) s.version = in.version;
  }
  for (const auto& [k, h] : o.latency) latency[k].Merge(h);
  for (const auto& [k, h] : o.send_latency) send_latency[k].Merge(h);
}

Window ToWindow(const WindowCounts& c, const std::string& source, const std::string& cluster,
                bool warmup, double alpha, const std::set<std::string>& clusters,
                const std::set<std::string>& versions) {
  Window w;
  w.step = c.step;
  w.index = c.index;
  w.start_s = c.start_ms / 1000.0;
  w.end_s = c.end_ms / 1000.0;
  w.source = source;
  w.cluster = cluster;
  w.warmup = warmup;
  w.requests = c.requests;
  w.ok = c.ok;
  w.late = c.late;
  w.sent_end_s = c.last_sent_ms >= 0 ? c.last_sent_ms / 1000.0 : -1;
  w.errors = Plain(c.errors);
  w.by_cluster = Shares(c.by_cluster, c.ok, clusters, alpha);
  w.by_version = Shares(c.by_version, c.ok, versions, alpha);
  w.by_instance = Plain(c.by_instance);
  for (const auto& [k, h] : c.latency) w.latency_ms[k] = LatencyOf(h);
  for (const auto& [k, h] : c.send_latency) w.send_latency_ms[k] = LatencyOf(h);
  w.latency_hist = Plain(c.latency);
  w.by_connection = c.by_connection;
  return w;
}

SourceWindows::SourceWindows(int step, double window_ms, uint64_t first_seq,
                             const ReplyParser& parser,
                             const std::map<std::string, std::string>& cluster_of_instance)
    : step_(step),
      window_ms_(window_ms),
      parser_(parser),
      cluster_of_instance_(cluster_of_instance),
      next_seq_(first_seq) {}

WindowCounts& SourceWindows::At(uint64_t index) {
  auto [it, inserted] = open_.try_emplace(index);
  if (inserted) {
    it->second.step = step_;
    it->second.index = index;
    it->second.start_ms = static_cast<double>(index) * window_ms_;
    it->second.end_ms = static_cast<double>(index + 1) * window_ms_;
  }
  return it->second;
}

void SourceWindows::Count(WindowCounts& w, const ProbeRecord& r) {
  ++w.requests;
  if (r.late) ++w.late;
  w.last_sent_ms = std::max(w.last_sent_ms, r.sent_ms);
  if (r.connection > 0) ++w.by_connection[r.connection];
  std::string_view cls = ClassifyRecord(r);
  if (!cls.empty()) {
    ++Entry(w.errors, cls);
    return;
  }
  std::optional<ReplyView> v = parser_.Parse(r.body);
  if (!v) {
    ++Entry(w.errors, kErrUnparsed);
    return;
  }
  const std::string_view dest = v->cluster.empty() ? ClusterOfInstance(v->instance) : v->cluster;
  ++w.ok;
  ++Entry(w.by_cluster, dest);
  ++Entry(w.by_version, v->version);
  InstanceStat& in = Entry(w.by_instance, v->instance);
  ++in.count;
  if (in.cluster.empty() && dest != kUnknown) in.cluster = dest;
  if (in.version.empty()) in.version = v->version;
  if (r.total_ms >= 0) {
    Entry(w.send_latency, dest).Add(r.total_ms);
    const double waited =
        r.intended_ms >= 0 && r.sent_ms >= r.intended_ms ? r.sent_ms - r.intended_ms : 0;
    Entry(w.latency, dest).Add(waited + r.total_ms);
  }
}

const std::string& SourceWindows::ClusterOfInstance(std::string_view instance) {
  if (auto it = dest_of_instance_.find(instance); it != dest_of_instance_.end()) {
    return it->second;
  }
  if (dest_of_instance_.size() >= kMaxInstancesCached) dest_of_instance_.clear();
  auto it = cluster_of_instance_.find(std::string(instance));
  return dest_of_instance_
      .emplace(std::string(instance), it == cluster_of_instance_.end() ? kUnknown : it->second)
      .first->second;
}

void SourceWindows::Add(const ProbeRecord& r, double arrival_ms) {
  const double t = r.intended_ms >= 0 ? r.intended_ms : r.sent_ms >= 0 ? r.sent_ms : arrival_ms;
  const auto index = static_cast<uint64_t>(std::max(0.0, std::floor(t / window_ms_)));
  Count(At(std::max(index, next_close_)), r);  // a record for a closed window: the next one
  if (r.seq == next_seq_) {
    watermark_ms_ = std::max(watermark_ms_, t);
    ++next_seq_;
    for (auto it = ahead_.begin(); it != ahead_.end() && it->first == next_seq_;
         it = ahead_.erase(it)) {
      watermark_ms_ = std::max(watermark_ms_, it->second);
      ++next_seq_;
    }
  } else if (r.seq > next_seq_) {
    ahead_[r.seq] = t;
  }
}

std::vector<WindowCounts> SourceWindows::TakeClosed() {
  std::vector<WindowCounts> out;
  while (static_cast<double>(next_close_ + 1) * window_ms_ <= watermark_ms_) {
    out.push_back(std::move(At(next_close_)));
    open_.erase(next_close_);
    ++next_close_;
  }
  return out;
}

std::vector<WindowCounts> SourceWindows::TakeRest(double end_ms) {
  std::vector<WindowCounts> out;
  const uint64_t last_open = open_.empty() ? 0 : open_.rbegin()->first + 1;
  const auto by_end = static_cast<uint64_t>(std::ceil(end_ms / window_ms_));
  const uint64_t stop = std::max(last_open, by_end);
  for (; next_close_ < stop; ++next_close_) {
    WindowCounts w = std::move(At(next_close_));
    open_.erase(next_close_);
    if (end_ms > w.start_ms) w.end_ms = std::min(w.end_ms, end_ms);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace meshverify::load::internal
