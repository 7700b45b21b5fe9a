#pragma once
// LoopbackServer: starts the lab's real helloworld-server (src/lab/helloworld_server_main.cc)
// on 127.0.0.1 and a free port for a test, and stops it when it goes out of scope. Not a fake:
// the tests that use it talk HTTP to a real server over loopback.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace meshverify::testing {

class LoopbackServer {
 public:
  LoopbackServer(const std::string& binary, const std::string& version,
                 const std::string& instance) {
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string port = std::to_string(port_);
      execl(binary.c_str(), binary.c_str(), "--bind", "127.0.0.1", "--port", port.c_str(),
            "--version", version.c_str(), "--instance", instance.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !Accepts(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~LoopbackServer() {
    if (pid_ > 0) {
      kill(pid_, SIGCONT);
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  bool ready() const { return Accepts(); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url(const std::string& path = "/hello") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Freezes the server (SIGSTOP) or lets it go on (SIGCONT): a real stall.
  void Stop() const { kill(pid_, SIGSTOP); }
  void Continue() const { kill(pid_, SIGCONT); }

  // A port nothing listens on now (bound, then released).
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
  }

 private:
  bool Accepts() const {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    return ok;
  }

  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace meshverify::testing
