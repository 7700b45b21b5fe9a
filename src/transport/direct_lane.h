#pragma once
// DirectLane: one event loop of DirectProber. A libcurl multi handle whose sockets are
// watched by our own epoll set (CURLMOPT_SOCKETFUNCTION), a timerfd for the pacer's
// sub-millisecond waits, and `share` easy handles made once and reused on kept-alive
// connections. Lane `lane` of `lanes` sends requests lane, lane + lanes, ... of the call's one
// schedule. Not thread-safe: one thread runs Go; the sink is called on that thread.

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/pacer.h"
#include "meshverify/prober.h"

namespace meshverify::internal {

class DirectLane {
 public:
  // `spec.origin` must be set when lanes > 1 (the lanes share one schedule).
  DirectLane(Clock& clock, const ProbeSource& source, const ProbeSpec& spec, int lane, int lanes,
             RecordSink sink);
  ~DirectLane();
  DirectLane(const DirectLane&) = delete;
  DirectLane& operator=(const DirectLane&) = delete;

  // Called once per wake-up of the loop, after the records of that wake-up went to the sink
  // (DirectProber: the caller's lane passes on the other lanes' records; they hand theirs over).
  void set_after_wake(std::function<void()> f) { after_wake_ = std::move(f); }

  // Runs this lane's part of the call to its end; see Prober::Probe.
  ProbeOutcome Go(const std::atomic<bool>* cancel);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Slot;
  struct Watch {
    uint32_t events = 0;  // registered in epoll_fd_
    bool curl_watches = false;
  };
  // Hash of the connection keys, so a lookup takes the key as a string_view (no allocation).
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  bool Setup();
  void Start(Slot& s, const Pacer::Release& r, TimePoint now);
  void Finish(Slot& s, CURLcode result);
  void Drain();
  void Wait(TimePoint due, bool slot_free);
  void Act(curl_socket_t fd, int mask);
  static size_t OnBody(char* data, size_t size, size_t n, void* user);
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* user, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* user);
  void DropInFlight(bool as_lost);
  uint64_t ConnectionId(const Slot& s, curl_socket_t kept, bool fresh, std::string* peer);
  uint64_t ConnectionIdByAddress(CURL* easy, bool fresh, std::string* peer, long* local_port);
  double Ms(TimePoint t) const;

  Clock& clock_;
  const ProbeSource& source_;
  const ProbeSpec& spec_;
  const int lane_, lanes_;
  RecordSink sink_;
  std::function<void()> after_wake_;
  CURLM* multi_ = nullptr;
  CURLU* url_ = nullptr;           // the URL parsed once (nullptr: curl parses it per transfer)
  curl_slist* headers_ = nullptr;  // User-Agent
  int timer_fd_ = -1;              // the pacer's sub-millisecond wake-up
  int epoll_fd_ = -1;              // curl's sockets (CURLMOPT_SOCKETFUNCTION) and timer_fd_
  TimePoint curl_due_ = TimePoint::max();  // curl's timer (TIMERFUNCTION)
  std::unordered_map<curl_socket_t, Watch> watched_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;
  TimePoint origin_;
  ProbeOutcome out_;
  // "local ip:port>peer ip:port" -> connection number within this lane.
  std::unordered_map<std::string, uint64_t, KeyHash, std::equal_to<>> conn_ids_;
  // A kept-alive connection's socket -> its id (unique over the lanes), local port and peer.
  struct Known {
    uint64_t id = 0;
    long local_port = 0;
    std::string peer;
  };
  std::unordered_map<curl_socket_t, Known> by_socket_;
  uint64_t next_conn_ = 1;
};

}  // namespace meshverify::internal
