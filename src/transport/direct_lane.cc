#include "transport/direct_lane.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace meshverify::internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr milliseconds kMaxWait{20};  // wait bound, so cancel and the deadline are seen soon
constexpr long kCurlConnectTimeoutMs = 300000;  // libcurl's DEFAULT_CONNECT_TIMEOUT

// Appends "ip:port" to buf at n; returns the new length. REQUIRES: room for 64 more bytes.
size_t AppendEndpoint(char* buf, size_t n, const char* ip, long port) {
  const size_t len = std::min<size_t>(std::strlen(ip), 46);  // INET6_ADDRSTRLEN
  std::memcpy(buf + n, ip, len);
  n += len;
  buf[n++] = ':';
  return static_cast<size_t>(std::to_chars(buf + n, buf + n + 16, port).ptr - buf);
}

}  // namespace

struct DirectLane::Slot {
  CURL* easy = nullptr;
  std::string body;  // its buffer is reused from one request to the next when the sink leaves it
  size_t max_body = 0;
  uint64_t index = 0;
  TimePoint intended, sent;
  curl_socket_t sock = CURL_SOCKET_BAD;  // the socket curl last watched for this request
  bool late = false;
  bool busy = false;
};

DirectLane::DirectLane(Clock& clock, const ProbeSource& source, const ProbeSpec& spec, int lane,
                       int lanes, RecordSink sink)
    : clock_(clock),
      source_(source),
      spec_(spec),
      lane_(lane),
      lanes_(lanes),
      sink_(std::move(sink)) {}

DirectLane::~DirectLane() {
  for (auto& s : slots_) {
    if (s->busy) curl_multi_remove_handle(multi_, s->easy);
    curl_easy_cleanup(s->easy);
  }
  if (multi_ != nullptr) curl_multi_cleanup(multi_);
  if (url_ != nullptr) curl_url_cleanup(url_);
  curl_slist_free_all(headers_);
  if (timer_fd_ >= 0) close(timer_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

double DirectLane::Ms(TimePoint t) const {
  return static_cast<double>((t - origin_).count()) / 1e6;
}

size_t DirectLane::OnBody(char* data, size_t size, size_t n, void* user) {
  Slot* s = static_cast<Slot*>(user);
  const size_t bytes = size * n;
  if (s->body.size() < s->max_body) {
    s->body.append(data, std::min(bytes, s->max_body - s->body.size()));
  }
  return bytes;
}

// curl tells which sockets to watch for what; they go into our epoll set, so that a wake-up
// drives only the transfers whose sockets are ready (curl_multi_perform would poll each).
int DirectLane::OnSocket(CURL* easy, curl_socket_t s, int what, void* user, void*) {
  DirectLane* run = static_cast<DirectLane*>(user);
  if (what != CURL_POLL_REMOVE && easy != nullptr) {
    Slot* slot = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
    if (slot != nullptr) slot->sock = s;
  }
  auto [it, fresh] = run->watched_.try_emplace(s);
  Watch& w = it->second;
  if (what == CURL_POLL_REMOVE) {
    // An idle kept-alive connection stays registered (no syscalls per request); an event on
    // it while curl does not watch it takes it out (Wait).
    if (fresh) run->watched_.erase(it);
    w.curl_watches = false;
    return 0;
  }
  const uint32_t want =
      (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  w.curl_watches = true;
  if (!fresh && w.events == want) return 0;
  epoll_event ev{};
  ev.data.fd = s;
  ev.events = want;
  // A closed socket leaves epoll by itself, and its number may come back: MOD, else ADD.
  if (fresh || epoll_ctl(run->epoll_fd_, EPOLL_CTL_MOD, s, &ev) != 0) {
    epoll_ctl(run->epoll_fd_, EPOLL_CTL_ADD, s, &ev);
  }
  w.events = want;
  return 0;
}

int DirectLane::OnTimer(CURLM*, long timeout_ms, void* user) {
  DirectLane* run = static_cast<DirectLane*>(user);
  run->curl_due_ =
      timeout_ms < 0 ? TimePoint::max() : run->clock_.Monotonic() + milliseconds(timeout_ms);
  return 0;
}

void DirectLane::Act(curl_socket_t fd, int mask) {
  int running = 0;
  if (fd == CURL_SOCKET_TIMEOUT) curl_due_ = TimePoint::max();
  curl_multi_socket_action(multi_, fd, mask, &running);
}

bool DirectLane::Setup() {
  multi_ = curl_multi_init();
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (multi_ == nullptr || timer_fd_ < 0 || epoll_fd_ < 0) return false;
  epoll_event tev{};
  tev.events = EPOLLIN;
  tev.data.fd = timer_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &tev);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &DirectLane::OnSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &DirectLane::OnTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  const int share = spec_.concurrency / lanes_ + (lane_ < spec_.concurrency % lanes_ ? 1 : 0);
  const long c = std::max(1, share);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, c);
  const long timeout_ms = static_cast<long>(spec_.timeout.count());
  // Per transfer, libcurl would parse the URL string again and format a User-Agent line
  // (with its byte-at-a-time printf: a fifth of its instructions per request); a parsed URL
  // handle (parsed with the flags CURLOPT_URL uses) and the User-Agent as a ready header
  // send the same request. A URL curl_url_set rejects stays a string, so every transfer
  // fails with curl's own code, as before.
  url_ = curl_url();
  if (url_ != nullptr && curl_url_set(url_, CURLUPART_URL, spec_.url.c_str(),
                                      CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    curl_url_cleanup(url_);
    url_ = nullptr;
  }
  headers_ = curl_slist_append(nullptr, "User-Agent: meshverify/" MESHVERIFY_VERSION);
  if (headers_ == nullptr) return false;
  for (long i = 0; i < c; ++i) {
    auto s = std::make_unique<Slot>();
    s->easy = curl_easy_init();
    if (s->easy == nullptr) return false;
    s->max_body = spec_.max_body_bytes;
    CURL* e = s->easy;
    if (url_ != nullptr) {
      curl_easy_setopt(e, CURLOPT_CURLU, url_);
    } else {
      curl_easy_setopt(e, CURLOPT_URL, spec_.url.c_str());
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &DirectLane::OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s.get());
    curl_easy_setopt(e, CURLOPT_PRIVATE, s.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    // The connect phase is bounded by the total timeout too; curl's own connect bound (300 s)
    // only needs lifting above that, and leaving it costs curl no timer per request.
    if (timeout_ms > kCurlConnectTimeoutMs) {
      curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    }
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // never an http_proxy from the environment
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, -1L);
    free_.push_back(s.get());
    slots_.push_back(std::move(s));
  }
  return true;
}

void DirectLane::Start(Slot& s, const Pacer::Release& r, TimePoint now) {
  s.index = r.index;
  s.intended = r.intended;
  s.sent = now;
  s.late = r.late;
  s.sock = CURL_SOCKET_BAD;
  s.body.clear();
  s.busy = true;
  curl_multi_add_handle(multi_, s.easy);
}

// A request on a kept-alive connection finds it by the socket curl watched for it, checked by
// its local port: one getinfo instead of four and a key. A fresh connection is filed under the
// socket curl kept it on (CURLINFO_ACTIVESOCKET, asked before the handle leaves the multi:
// `kept`; none when curl closed it), never under one it may have tried and dropped.
uint64_t DirectLane::ConnectionId(const Slot& s, curl_socket_t kept, bool fresh,
                                  std::string* peer) {
  long local_port = 0;
  if (!fresh && s.sock != CURL_SOCKET_BAD) {
    auto it = by_socket_.find(s.sock);
    if (it != by_socket_.end() &&
        curl_easy_getinfo(s.easy, CURLINFO_LOCAL_PORT, &local_port) == CURLE_OK &&
        local_port == it->second.local_port) {
      *peer = it->second.peer;
      return it->second.id;
    }
  }
  const uint64_t id = ConnectionIdByAddress(s.easy, fresh, peer, &local_port);
  const curl_socket_t sock = fresh ? kept : s.sock;
  if (fresh && s.sock != CURL_SOCKET_BAD) by_socket_.erase(s.sock);
  if (sock != CURL_SOCKET_BAD && id != 0) by_socket_[sock] = Known{id, local_port, *peer};
  return id;
}

// The key is built in a stack buffer and looked up as a string_view: no allocation per
// request (only a connection seen for the first time stores its key).
uint64_t DirectLane::ConnectionIdByAddress(CURL* easy, bool fresh, std::string* peer,
                                           long* local_port_out) {
  char* ip = nullptr;
  char* local_ip = nullptr;
  long port = 0, local_port = 0;
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip);
  curl_easy_getinfo(easy, CURLINFO_PRIMARY_PORT, &port);
  curl_easy_getinfo(easy, CURLINFO_LOCAL_IP, &local_ip);
  curl_easy_getinfo(easy, CURLINFO_LOCAL_PORT, &local_port);
  *local_port_out = local_port;
  if (ip == nullptr || ip[0] == '\0' || port == 0) return 0;
  char key[160];
  size_t n = AppendEndpoint(key, 0, local_ip == nullptr ? "" : local_ip, local_port);
  key[n++] = '>';
  const size_t peer_at = n;
  n = AppendEndpoint(key, n, ip, port);
  peer->assign(key + peer_at, n - peer_at);
  const std::string_view k(key, n);
  auto it = conn_ids_.find(k);
  if (it == conn_ids_.end()) {
    it = conn_ids_.emplace(std::string(k), next_conn_++).first;
  } else if (fresh) {
    it->second = next_conn_++;  // a fresh connection may reuse a port
  }
  return (it->second - 1) * lanes_ + lane_ + 1;  // unique over the lanes
}

void DirectLane::Finish(Slot& s, CURLcode result) {
  long connects = 0;
  curl_easy_getinfo(s.easy, CURLINFO_NUM_CONNECTS, &connects);
  curl_socket_t kept = CURL_SOCKET_BAD;  // only in the multi does curl tell it
  if (connects > 0 && curl_easy_getinfo(s.easy, CURLINFO_ACTIVESOCKET, &kept) != CURLE_OK) {
    kept = CURL_SOCKET_BAD;
  }
  curl_multi_remove_handle(multi_, s.easy);
  s.busy = false;
  free_.push_back(&s);
  ProbeRecord r;
  r.source_cluster = source_.cluster;
  r.source_pod = source_.pod;
  r.seq = spec_.first_seq + s.index * lanes_ + lane_;
  r.curl_exit = static_cast<int>(result);
  long code = 0;
  curl_off_t total_us = -1, connect_us = -1;
  curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_getinfo(s.easy, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(s.easy, CURLINFO_CONNECT_TIME_T, &connect_us);
  r.http_code = static_cast<int>(code);
  r.new_connection = connects > 0;
  r.total_ms = total_us >= 0 ? static_cast<double>(total_us) / 1000.0 : -1;
  r.connect_ms = connect_us >= 0 ? static_cast<double>(connect_us) / 1000.0 : -1;
  r.intended_ms = Ms(s.intended);
  r.sent_ms = Ms(s.sent);
  r.late = s.late;
  r.connection = ConnectionId(s, kept, r.new_connection, &r.peer);
  r.body.swap(s.body);
  if (result != CURLE_OK) out_.last_error = curl_easy_strerror(result);
  ++out_.requests;
  sink_(std::move(r));
  // A sink that only read the record leaves the body: its buffer serves the next request.
  s.body.swap(r.body);
}

void DirectLane::Drain() {
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    Slot* s = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &s);
    const CURLcode result = m->data.result;
    if (s != nullptr) Finish(*s, result);
  }
}

void DirectLane::Wait(TimePoint due, bool slot_free) {
  const TimePoint now = clock_.Monotonic();  // after the adds that set curl's timer
  TimePoint until = std::min(now + kMaxWait, curl_due_);
  const bool pace = slot_free && due < until;
  if (pace) until = due;
  // Sockets are always read: a transfer is driven by its socket's readiness, never only by
  // curl's timer (which expires at once after every add and would starve the others).
  const nanoseconds wait = until > now ? until - now : nanoseconds(0);
  if (pace && wait.count() > 0) {
    itimerspec its{};
    its.it_value.tv_sec = static_cast<time_t>(wait.count() / 1000000000);
    its.it_value.tv_nsec = static_cast<long>(wait.count() % 1000000000);
    timerfd_settime(timer_fd_, 0, &its, nullptr);
  }
  epoll_event events[64];
  const int ms = static_cast<int>((wait.count() + 999999) / 1000000);
  const int n = epoll_wait(epoll_fd_, events, 64, ms);
  for (int i = 0; i < n; ++i) {
    const int fd = events[i].data.fd;
    if (fd == timer_fd_) {
      uint64_t ticks = 0;
      if (read(timer_fd_, &ticks, sizeof(ticks)) < 0) ticks = 0;
      continue;
    }
    if (auto w = watched_.find(fd); w != watched_.end() && !w->second.curl_watches) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // idle connection: closed or noisy
      watched_.erase(w);
      continue;
    }
    int mask = 0;
    if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
    Act(fd, mask);
  }
  if (pace && wait.count() > 0) {
    itimerspec off{};
    timerfd_settime(timer_fd_, 0, &off, nullptr);
  }
  if (clock_.Monotonic() >= curl_due_) Act(CURL_SOCKET_TIMEOUT, 0);
}

void DirectLane::DropInFlight(bool as_lost) {
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
    r.seq = spec_.first_seq + s->index * lanes_ + lane_;
    r.error = "deadline reached with the request in flight";
    r.intended_ms = Ms(s->intended);
    r.sent_ms = Ms(s->sent);
    r.late = s->late;
    ++out_.requests;
    ++out_.lost;
    sink_(std::move(r));
  }
}

ProbeOutcome DirectLane::Go(const std::atomic<bool>* cancel) {
  out_.source = source_;
  out_.attempts = 1;
  const TimePoint start = clock_.Monotonic();
  origin_ = spec_.origin == TimePoint{} ? start : spec_.origin;
  if (!Setup()) {
    out_.failed_attempts = 1;
    out_.gave_up = true;
    out_.last_error = "libcurl: could not create handles";
    out_.not_issued = (spec_.requests + lanes_ - 1 - lane_) / lanes_;
    return out_;
  }
  // This lane's part of the one schedule: request i = j * lanes + lane is due at
  // origin + i / rate, i.e. at the lane's origin + j / (rate / lanes).
  const nanoseconds offset(spec_.rate > 0 ? static_cast<int64_t>(lane_ * 1e9 / spec_.rate) : 0);
  uint64_t mine = spec_.requests > static_cast<uint64_t>(lane_)
                      ? (spec_.requests - lane_ + lanes_ - 1) / lanes_
                      : 0;
  nanoseconds duration = spec_.duration;
  if (duration.count() > 0) {
    duration -= offset;
    if (duration.count() <= 0) mine = 0;
  }
  Pacer pacer(spec_.rate / lanes_, mine, origin_ + offset, duration);
  const TimePoint deadline = start + spec_.deadline;
  for (;;) {
    const TimePoint now = clock_.Monotonic();
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
    Wait(pacer.NextDue(now), !free_.empty());
    Drain();
    if (after_wake_) after_wake_();
    if (free_.size() == slots_.size() && pacer.Done(clock_.Monotonic())) break;
  }
  out_.late = pacer.late();
  out_.not_issued += mine - pacer.released();
  return out_;
}

}  // namespace meshverify::internal
