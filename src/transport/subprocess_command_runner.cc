#include "transport/subprocess_command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "transport/child_groups.h"

extern char** environ;

namespace meshverify {
namespace {

using Ms = std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// Owns a file descriptor; closes it once.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) {
    Close();
    fd_ = fd;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Status MakePipe(Pipe* p) {
  int fds[2];
  // O_CLOEXEC: a child spawned by another thread at the same moment must not inherit our ends,
  // or it would hold the pipe open and we would never see EOF.
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return Status::Unavailable(std::string("pipe: ") + std::strerror(errno));
  }
  p->read.Reset(fds[0]);
  p->write.Reset(fds[1]);
  return Status::Ok();
}

// Spawns argv with stdout/stderr on the pipes' write ends, in a new process group.
Result<pid_t> Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> cargv;
  cargv.reserve(argv.size() + 1);
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  // The CLI ignores SIGPIPE; an ignored signal stays ignored across exec, so reset it (and the
  // stop signals) for the child.
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, cargv[0], &actions, &attr, cargv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Status::Unavailable(argv[0] + ": cannot start: " + std::strerror(rc));
  }
  return pid;
}

int ExitCodeOf(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 255;
}

// Reads both pipes until EOF, the deadline or a cancel; stops the process group on the last two.
class Session {
 public:
  Session(pid_t pid, Fd* out, Fd* err, const std::atomic<bool>* cancel,
          const std::function<void(std::string_view)>* on_chunk, CommandResult* result)
      : pid_(pid), out_(out), err_(err), cancel_(cancel), on_chunk_(on_chunk), result_(result) {}

  void Pump(SteadyClock::time_point deadline) {
    bool stopping = false;
    SteadyClock::time_point kill_at{}, give_up_at{};
    char buf[64 * 1024];
    while (out_->get() >= 0 || err_->get() >= 0) {
      SteadyClock::time_point now = SteadyClock::now();
      if (!stopping && (now >= deadline || Cancelled() || overflowed_)) {
        result_->timed_out = now >= deadline;
        kill(-pid_, SIGTERM);
        stopping = true;
        kill_at = now + SubprocessCommandRunner::kKillGrace;
        give_up_at = kill_at + SubprocessCommandRunner::kKillGrace;
      }
      if (stopping && now >= kill_at) kill(-pid_, SIGKILL);
      // A grandchild that left the process group may hold the pipes open: do not wait for it.
      if (stopping && now >= give_up_at) break;

      pollfd fds[2] = {{out_->get(), POLLIN, 0}, {err_->get(), POLLIN, 0}};
      int wait_ms = 100;
      if (!stopping) {
        auto left = std::chrono::duration_cast<Ms>(deadline - now).count() + 1;
        if (left < wait_ms) wait_ms = static_cast<int>(left);
      }
      int n = poll(fds, 2, wait_ms);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        ssize_t got = read(fds[i].fd, buf, sizeof(buf));
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) {
          (i == 0 ? out_ : err_)->Close();
          continue;
        }
        Deliver(i == 0, std::string_view(buf, static_cast<size_t>(got)));
      }
    }
    out_->Close();
    err_->Close();
    if (stopping) kill(-pid_, SIGKILL);
  }

 private:
  bool Cancelled() const { return cancel_ != nullptr && cancel_->load(); }

 public:
  // True when a Run child printed more than kMaxStdoutBytes (it was then stopped).
  bool overflowed() const { return overflowed_; }

 private:
  void Deliver(bool is_stdout, std::string_view data) {
    if (!is_stdout) {
      size_t room = SubprocessCommandRunner::kMaxStderrBytes - result_->stderr_text.size();
      result_->stderr_text.append(data.substr(0, room));
    } else if (*on_chunk_) {
      (*on_chunk_)(data);
    } else if (!overflowed_) {
      size_t room = SubprocessCommandRunner::kMaxStdoutBytes - result_->stdout_text.size();
      overflowed_ = data.size() > room;
      result_->stdout_text.append(data.substr(0, room));
    }
  }

  pid_t pid_;
  Fd* out_;
  Fd* err_;
  const std::atomic<bool>* cancel_;
  const std::function<void(std::string_view)>* on_chunk_;
  CommandResult* result_;
  bool overflowed_ = false;
};

Result<CommandResult> RunChild(const std::vector<std::string>& argv, Ms timeout,
                               const std::atomic<bool>* cancel,
                               const std::function<void(std::string_view)>& on_chunk) {
  if (argv.empty() || argv[0].empty()) return Status::Internal("subprocess: empty argv");
  SteadyClock::time_point deadline = SteadyClock::now() + timeout;
  Pipe out, err;
  if (Status s = MakePipe(&out); !s.ok()) return s;
  if (Status s = MakePipe(&err); !s.ok()) return s;
  Result<pid_t> pid = Spawn(argv, out.write.get(), err.write.get());
  out.write.Close();
  err.write.Close();
  if (!pid.ok()) return pid.status();
  RegisterChildGroup(*pid);  // a second stop signal kills it at once (child_groups.h)

  CommandResult result;
  Session session(*pid, &out.read, &err.read, cancel, &on_chunk, &result);
  session.Pump(deadline);

  int wstatus = 0;
  while (waitpid(*pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return Status::Internal(std::string("waitpid: ") + std::strerror(errno));
  }
  UnregisterChildGroup(*pid);
  result.exit_code = ExitCodeOf(wstatus);
  if (session.overflowed()) {
    std::string command = argv[0];
    if (argv.size() > 1) command += " " + argv[1];
    return Status::Unavailable(command + ": printed more than " +
                               std::to_string(SubprocessCommandRunner::kMaxStdoutBytes >> 20) +
                               " MiB (the child output cap); stopped it");
  }
  return result;
}

}  // namespace

Result<CommandResult> SubprocessCommandRunner::Run(const std::vector<std::string>& argv,
                                                   std::chrono::milliseconds timeout) {
  return RunChild(argv, timeout, cancel_, nullptr);
}

Result<CommandResult> SubprocessCommandRunner::Stream(
    const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
    const std::function<void(std::string_view)>& on_chunk) {
  return RunChild(argv, timeout, cancel_, on_chunk);
}

}  // namespace meshverify
