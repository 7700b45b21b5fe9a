// helloworld-server: the lab's stand-in for Istio's helloworld sample pod.
//
// Answers `GET /hello` on one port with "Hello version: <v>, instance: <pod>\n" over HTTP/1.1
// keep-alive, single-threaded on epoll so that one pod is never the bottleneck of a benchmark.
// Faults are read from a small control file at start and on SIGHUP:
//   slow_ms <n>        every answer is delayed by n ms (a timer; other connections go on)
//   error_percent <p>  p% of answers are 503, spread evenly (deterministic, no randomness)
// Self-contained (libc and the standard library only) so the lab can compile it with one `c++`
// call when no build directory is around.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <queue>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

struct Options {
  std::string version = "v1";
  std::string instance = "helloworld";
  std::string bind = "0.0.0.0";
  int port = 5000;
  std::string control;  // control file; empty: no faults
  std::string pidfile;
  bool daemon = false;
};

struct Faults {
  int slow_ms = 0;
  int error_percent = 0;
};

struct Conn {
  uint64_t id = 0;
  std::string in;
  std::string out;
  size_t out_off = 0;
  bool waiting = false;  // an answer is held by a slow timer; later requests wait behind it
  std::string held;      // the held answer
  bool close_after = false;
};

struct Timer {
  int64_t due_ms;
  int fd;
  uint64_t conn_id;
  bool operator>(const Timer& o) const { return due_ms > o.due_ms; }
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&](std::string* dst) {
      if (i + 1 >= argc) return false;
      *dst = argv[++i];
      return true;
    };
    std::string port;
    if (a == "--daemon") {
      o->daemon = true;
    } else if (a == "--version") {
      if (!next(&o->version)) return false;
    } else if (a == "--instance") {
      if (!next(&o->instance)) return false;
    } else if (a == "--bind") {
      if (!next(&o->bind)) return false;
    } else if (a == "--control") {
      if (!next(&o->control)) return false;
    } else if (a == "--pidfile") {
      if (!next(&o->pidfile)) return false;
    } else if (a == "--port") {
      if (!next(&port)) return false;
      o->port = std::atoi(port.c_str());
      if (o->port <= 0 || o->port > 65535) return false;
    } else {
      return false;
    }
  }
  return true;
}

// Reads "key value" lines; unknown keys are ignored so that the file format may grow.
Faults ReadFaults(const std::string& path) {
  Faults f;
  if (path.empty()) return f;
  std::ifstream in(path);
  std::string key;
  long value = 0;
  while (in >> key >> value) {
    if (key == "slow_ms" && value >= 0 && value <= 600000) f.slow_ms = static_cast<int>(value);
    if (key == "error_percent" && value >= 0 && value <= 100) {
      f.error_percent = static_cast<int>(value);
    }
  }
  return f;
}

// Case-insensitive header lookup inside one request head; returns "" when absent.
std::string HeaderValue(std::string_view head, std::string_view name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    size_t start = pos + 2;
    size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return std::string(v);
    }
    pos = end;
  }
  return "";
}

std::string Response(int code, std::string_view reason, std::string_view body, bool close) {
  std::string r = "HTTP/1.1 " + std::to_string(code) + " " + std::string(reason) + "\r\n";
  r += "Content-Type: text/html; charset=utf-8\r\nContent-Length: ";
  r += std::to_string(body.size());
  r += close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
  r += body;
  return r;
}

class Server {
 public:
  explicit Server(Options opts) : opts_(std::move(opts)) {}

  // Binds and listens; returns false with a message on stderr.
  bool Listen();
  // Runs until SIGTERM/SIGINT; returns the exit code.
  int Run();

 private:
  void Accept();
  void OnReadable(int fd);
  void Process(int fd, Conn& c);
  std::string Answer(std::string_view head, bool close);
  void Flush(int fd, Conn& c);
  void Close(int fd);
  void FireTimers();
  int NextTimeoutMs() const;
  bool OnSignal();

  Options opts_;
  Faults faults_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int signal_fd_ = -1;
  uint64_t next_id_ = 1;
  int error_acc_ = 0;  // Bresenham accumulator: exactly error_percent% of answers fail
  std::unordered_map<int, Conn> conns_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
};

bool Server::Listen() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(opts_.port));
  if (inet_pton(AF_INET, opts_.bind.c_str(), &addr.sin_addr) != 1) {
    std::fprintf(stderr, "helloworld-server: --bind %s: not an IPv4 address\n", opts_.bind.c_str());
    return false;
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 4096) != 0) {
    std::fprintf(stderr, "helloworld-server: %s:%d: %s\n", opts_.bind.c_str(), opts_.port,
                 std::strerror(errno));
    return false;
  }
  return true;
}

int Server::Run() {
  faults_ = ReadFaults(opts_.control);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGHUP);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.fd = signal_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, signal_fd_, &ev);
  std::vector<epoll_event> events(256);
  for (;;) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), NextTimeoutMs());
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        Accept();
      } else if (fd == signal_fd_) {
        if (!OnSignal()) return 0;
      } else if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        Close(fd);
      } else {
        auto it = conns_.find(fd);
        if (it == conns_.end()) continue;
        if (events[i].events & EPOLLOUT) Flush(fd, it->second);
        if (events[i].events & EPOLLIN && conns_.count(fd)) OnReadable(fd);
      }
    }
    FireTimers();
  }
}

// Returns false when the server must stop.
bool Server::OnSignal() {
  signalfd_siginfo si;
  while (read(signal_fd_, &si, sizeof(si)) == sizeof(si)) {
    if (si.ssi_signo != SIGHUP) return false;
    faults_ = ReadFaults(opts_.control);
  }
  return true;
}

void Server::Accept() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or EMFILE: try again on the next wakeup
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    Conn c;
    c.id = next_id_++;
    conns_[fd] = std::move(c);
  }
}

void Server::OnReadable(int fd) {
  Conn& c = conns_[fd];
  char buf[16384];
  for (;;) {
    ssize_t r = read(fd, buf, sizeof(buf));
    if (r > 0) {
      c.in.append(buf, static_cast<size_t>(r));
      if (r < static_cast<ssize_t>(sizeof(buf))) break;
      continue;
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
    Close(fd);  // EOF or error
    return;
  }
  Process(fd, c);
}

// Answers every complete request in the buffer, in order, stopping behind a held answer.
void Server::Process(int fd, Conn& c) {
  while (!c.waiting && !c.close_after) {
    size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (c.in.size() > kMaxHeaderBytes) {
        c.out += Response(431, "Request Header Fields Too Large", "", true);
        c.close_after = true;
      }
      break;
    }
    std::string_view head(c.in.data(), end);
    size_t body = std::strtoul(HeaderValue(head, "Content-Length").c_str(), nullptr, 10);
    if (c.in.size() < end + 4 + body) break;  // wait for the body; it is ignored
    std::string_view request_line = head.substr(0, head.find("\r\n"));
    bool http10 =
        request_line.size() >= 8 && request_line.substr(request_line.size() - 8) == "HTTP/1.0";
    std::string conn_hdr = HeaderValue(head, "Connection");
    bool close = strcasecmp(conn_hdr.c_str(), "close") == 0 ||
                 (http10 && strcasecmp(conn_hdr.c_str(), "keep-alive") != 0);
    std::string answer = Answer(head, close);
    c.in.erase(0, end + 4 + body);
    if (close) c.close_after = true;
    if (faults_.slow_ms > 0) {
      c.waiting = true;
      c.held = std::move(answer);
      timers_.push(Timer{NowMs() + faults_.slow_ms, fd, c.id});
    } else {
      c.out += answer;
    }
  }
  Flush(fd, c);
}

std::string Server::Answer(std::string_view head, bool close) {
  size_t sp1 = head.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : head.find(' ', sp1 + 1);
  std::string_view path = sp2 == std::string_view::npos ? "" : head.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = path.find('?');
  if (q != std::string_view::npos) path = path.substr(0, q);
  if (path != "/hello") return Response(404, "NOT FOUND", "Not Found\n", close);
  error_acc_ += faults_.error_percent;
  if (error_acc_ >= 100) {
    error_acc_ -= 100;
    return Response(503, "SERVICE UNAVAILABLE", "fault: error injected\n", close);
  }
  return Response(
      200, "OK", "Hello version: " + opts_.version + ", instance: " + opts_.instance + "\n", close);
}

void Server::Flush(int fd, Conn& c) {
  while (c.out_off < c.out.size()) {
    ssize_t w = write(fd, c.out.data() + c.out_off, c.out.size() - c.out_off);
    if (w > 0) {
      c.out_off += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) break;
    Close(fd);
    return;
  }
  bool pending = c.out_off < c.out.size();
  if (!pending) {
    c.out.clear();
    c.out_off = 0;
    if (c.close_after && !c.waiting) {
      Close(fd);
      return;
    }
  }
  epoll_event ev{};
  ev.events = EPOLLIN | (pending ? static_cast<uint32_t>(EPOLLOUT) : 0u);
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void Server::Close(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  conns_.erase(fd);
}

void Server::FireTimers() {
  int64_t now = NowMs();
  while (!timers_.empty() && timers_.top().due_ms <= now) {
    Timer t = timers_.top();
    timers_.pop();
    auto it = conns_.find(t.fd);
    if (it == conns_.end() || it->second.id != t.conn_id) continue;  // closed meanwhile
    Conn& c = it->second;
    c.out += c.held;
    c.held.clear();
    c.waiting = false;
    Process(t.fd, c);
  }
}

int Server::NextTimeoutMs() const {
  if (timers_.empty()) return -1;
  int64_t d = timers_.top().due_ms - NowMs();
  return d < 0 ? 0 : static_cast<int>(d);
}

// Forks into the background; the parent writes the child's pid so that the caller may read
// the pid file as soon as this command returns.
bool Daemonize(const std::string& pidfile) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid > 0) {
    if (!pidfile.empty()) {
      std::ofstream(pidfile) << pid << "\n";
    }
    _exit(0);
  }
  setsid();
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);
  if (devnull > 2) close(devnull);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  if (!ParseArgs(argc, argv, &opts)) {
    std::fprintf(stderr,
                 "usage: helloworld-server [--version v1] [--instance NAME] [--bind ADDR] "
                 "[--port 5000] [--control FILE] [--pidfile FILE] [--daemon]\n");
    return 2;
  }
  Server server(opts);
  if (!server.Listen()) return 1;
  if (opts.daemon) {
    if (!Daemonize(opts.pidfile)) return 1;
  } else if (!opts.pidfile.empty()) {
    std::ofstream(opts.pidfile) << getpid() << "\n";
  }
  return server.Run();
}
