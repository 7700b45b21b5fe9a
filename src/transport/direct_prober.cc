#include "transport/direct_prober.h"

#include <curl/curl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "meshverify/pacer.h"

namespace meshverify {
namespace {

using Clock_ = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr milliseconds kMaxWait{20};  // poll bound, so cancel and the deadline are seen soon

struct Slot {
  CURL* easy = nullptr;
  std::string body;
  size_t max_body = 0;
  uint64_t index = 0;
  Clock_::time_point intended, sent;
  bool late = false;
  bool busy = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  Slot* s = static_cast<Slot*>(user);
  const size_t bytes = size * n;
  if (s->body.size() < s->max_body) {
    s->body.append(data, std::min(bytes, s->max_body - s->body.size()));
  }
  return bytes;
}

double Ms(nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

// Per-call state: the multi handle, the slots, the connection ids.
class Run {
 public:
  Run(Clock& clock, const ProbeSource& source, const ProbeSpec& spec, const RecordSink& sink)
      : clock_(clock), source_(source), spec_(spec), sink_(sink) {}
  ~Run();
  ProbeOutcome Go(const std::atomic<bool>* cancel);

 private:
  bool Setup();
  void Start(Slot& s, const Pacer::Release& r, Clock_::time_point now);
  void Finish(Slot& s, CURLcode result);
  void Drain();
  void Wait(Clock_::time_point now, Clock_::time_point due, bool slot_free);
  void DropInFlight(bool as_lost);
  uint64_t ConnectionId(CURL* easy, bool fresh, std::string* peer);

  Clock& clock_;
  const ProbeSource& source_;
  const ProbeSpec& spec_;
  const RecordSink& sink_;
  CURLM* multi_ = nullptr;
  int timer_fd_ = -1;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;
  Clock_::time_point origin_;
  ProbeOutcome out_;
  std::unordered_map<std::string, uint64_t> conn_ids_;
  uint64_t next_conn_ = 1;
  std::string key_;
};

Run::~Run() {
  for (auto& s : slots_) {
    if (s->busy) curl_multi_remove_handle(multi_, s->easy);
    curl_easy_cleanup(s->easy);
  }
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  if (timer_fd_ >= 0) close(timer_fd_);
}

bool Run::Setup() {
  multi_ = curl_multi_init();
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (multi_ == nullptr || timer_fd_ < 0) return false;
  const long c = std::max(1, spec_.concurrency);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, c);
  const long timeout_ms = static_cast<long>(spec_.timeout.count());
  for (long i = 0; i < c; ++i) {
    auto s = std::make_unique<Slot>();
    s->easy = curl_easy_init();
    if (s->easy == nullptr) return false;
    s->max_body = spec_.max_body_bytes;
    CURL* e = s->easy;
    curl_easy_setopt(e, CURLOPT_URL, spec_.url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, s.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "meshverify/" MESHVERIFY_VERSION);
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // never an http_proxy from the environment
    free_.push_back(s.get());
    slots_.push_back(std::move(s));
  }
  return true;
}

void Run::Start(Slot& s, const Pacer::Release& r, Clock_::time_point now) {
  s.index = r.index;
  s.intended = r.intended;
  s.sent = now;
  s.late = r.late;
  s.body.clear();
  s.busy = true;
  curl_multi_add_handle(multi_, s.easy);
}

uint64_t Run::ConnectionId(CURL* easy, bool fresh, std::string* peer) {
  char* ip = nullptr;
  char* local_ip = nullptr;
  long port = 0, local_port = 0;
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_PORT, &port);
  curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &local_ip);
  curl_easy_getinfo(easy, CURLINFO_LOCAL_PORT, &local_port);
  if (ip == nullptr || ip[0] == '\0' || port == 0) return 0;
  peer->assign(ip).append(":").append(std::to_string(port));
  key_.assign(local_ip == nullptr ? "" : local_ip).append(":").append(std::to_string(local_port));
  key_.append(">").append(*peer);
  auto [it, inserted] = conn_ids_.try_emplace(key_, 0);
  if (inserted || fresh) it->second = next_conn_++;  // a fresh connection may reuse a port
  return it->second;
}

void Run::Finish(Slot& s, CURLcode result) {
  curl_multi_remove_handle(multi_, s.easy);
  s.busy = false;
  free_.push_back(&s);
  ProbeRecord r;
  r.source_cluster = source_.cluster;
  r.source_pod = source_.pod;
  r.seq = spec_.first_seq + s.index;
  r.curl_exit = static_cast<int>(result);
  long code = 0, connects = 0;
  curl_off_t total_us = -1, connect_us = -1;
  curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_getinfo(s.easy, CURLINFO_NUM_CONNECTS, &connects);
  curl_easy_getinfo(s.easy, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(s.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  r.http_code = static_cast<int>(code);
  r.new_connection = connects > 0;
  r.total_ms = total_us >= 0 ? static_cast<double>(total_us) / 1000.0 : -1;
  r.connect_ms = connect_us >= 0 ? static_cast<double>(connect_us) / 1000.0 : -1;
  r.intended_ms = Ms(s.intended - origin_);
  r.sent_ms = Ms(s.sent - origin_);
  r.late = s.late;
  r.connection = ConnectionId(s.easy, r.new_connection, &r.peer);
  r.body = std::move(s.body);
  s.body = std::string();
  if (result != CURLE_OK) out_.last_error = curl_easy_strerror(result);
  ++out_.requests;
  sink_(std::move(r));
}

void Run::Drain() {
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    Slot* s = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &s);
    const CURLcode result = m->data.result;
    if (s != nullptr) Finish(*s, result);
  }
}

void Run::Wait(Clock_::time_point now, Clock_::time_point due, bool slot_free) {
  nanoseconds wait = kMaxWait;
  bool timer = false;
  if (slot_free && due != Clock_::time_point::max()) {
    if (due <= now) return;
    if (due - now < wait) {
      wait = due - now;
      timer = true;
    }
  }
  int extra = 0;
  curl_waitfd fd{timer_fd_, CURL_WAIT_POLLIN, 0};
  if (timer) {
    itimerspec its{};
    its.it_value.tv_sec = static_cast<time_t>(wait.count() / 1000000000);
    its.it_value.tv_nsec = static_cast<long>(wait.count() % 1000000000);
    timerfd_settime(timer_fd_, 0, &its, nullptr);
    extra = 1;
  }
  const int ms = static_cast<int>(wait.count() / 1000000) + 1;
  curl_multi_poll(multi_, &fd, static_cast<unsigned>(extra), ms, nullptr);
  if (timer) {
    uint64_t ticks = 0;
    if (read(timer_fd_, &ticks, sizeof(ticks)) < 0) ticks = 0;  // not fired yet: fine
    itimerspec off{};
    timerfd_settime(timer_fd_, 0, &off, nullptr);
  }
}

void Run::DropInFlight(bool as_lost) {
  for (auto& s : slots_) {
    if (!s->busy) continue;
    curl_multi_remove_handle(multi_, s->easy);
    s->busy = false;
    if (!as_lost) {
      ++out_.not_issued;
      continue;
    }
    ProbeRecord r;
    r.source_cluster = source_.cluster;
    r.source_pod = source_.pod;
    r.seq = spec_.first_seq + s->index;
    r.error = "deadline reached with the request in flight";
    r.intended_ms = Ms(s->intended - origin_);
    r.sent_ms = Ms(s->sent - origin_);
    r.late = s->late;
    ++out_.requests;
    ++out_.lost;
    sink_(std::move(r));
  }
}

ProbeOutcome Run::Go(const std::atomic<bool>* cancel) {
  out_.source = source_;
  out_.attempts = 1;
  const Clock_::time_point start = clock_.Monotonic();
  origin_ = spec_.origin == Clock_::time_point{} ? start : spec_.origin;
  if (!Setup()) {
    out_.failed_attempts = 1;
    out_.gave_up = true;
    out_.last_error = "libcurl: could not create handles";
    out_.not_issued = spec_.requests;
    return out_;
  }
  Pacer pacer(spec_.rate, spec_.requests, origin_, spec_.duration);
  const Clock_::time_point deadline = start + spec_.deadline;
  for (;;) {
    Clock_::time_point now = clock_.Monotonic();
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      out_.interrupted = true;
      DropInFlight(false);
      break;
    }
    if (now >= deadline) {
      out_.deadline_reached = true;
      DropInFlight(true);
      break;
    }
    while (!free_.empty()) {
      std::optional<Pacer::Release> r = pacer.Next(now);
      if (!r) break;
      Slot* s = free_.back();
      free_.pop_back();
      Start(*s, *r, now);
    }
    int running = 0;
    curl_multi_perform(multi_, &running);
    const size_t before = free_.size();
    Drain();
    now = clock_.Monotonic();
    if (free_.size() == slots_.size() && pacer.Done(now)) break;
    if (free_.size() > before && pacer.NextDue(now) <= now) continue;  // closed loop: refill
    Wait(now, pacer.NextDue(now), !free_.empty());
  }
  out_.late = pacer.late();
  out_.not_issued += spec_.requests - pacer.released();
  return out_;
}

}  // namespace

DirectProber::DirectProber(Clock& clock) : clock_(clock) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

ProbeOutcome DirectProber::Probe(const ProbeSource& source, const ProbeSpec& spec,
                                 const std::atomic<bool>* cancel, const RecordSink& sink) {
  Run run(clock_, source, spec, sink);
  return run.Go(cancel);
}

}  // namespace meshverify
