// RealFileSystem (real_file_system.h).
#include "transport/real_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace meshverify {
namespace {

Status ReadError(const std::string& path, int error) {
  return Status::InvalidInput(path + ": " + std::strerror(error));
}

Status WriteError(const std::string& path, int error) {
  return Status::Unavailable(path + ": " + std::strerror(error));
}

// The process's umask, read once (umask() can only be read by setting it).
mode_t Umask() {
  static const mode_t mask = [] {
    mode_t m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return mask;
}

bool SameFile(const struct stat& a, int fd) {
  struct stat b;
  return ::fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Writes to an open descriptor: either straight through to the path's file, or to a temp file
// that Commit renames over `target_`.
class RealFileWriter : public FileWriter {
 public:
  RealFileWriter(std::string path, int fd, std::string tmp, std::string target)
      : path_(std::move(path)), fd_(fd), tmp_(std::move(tmp)), target_(std::move(target)) {}
  ~RealFileWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!tmp_.empty() && !committed_) ::unlink(tmp_.c_str());
  }

  Status Write(std::string_view text) override {
    while (error_.ok() && !text.empty()) {
      ssize_t n = ::write(fd_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error_ = WriteError(path_, errno);
      if (n > 0) text.remove_prefix(static_cast<size_t>(n));
    }
    return error_;
  }

  Status Commit() override {
    if (!error_.ok()) return error_;
    if (!tmp_.empty() && ::fsync(fd_) != 0) error_ = WriteError(path_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && error_.ok()) error_ = WriteError(path_, errno);
    if (!error_.ok() || tmp_.empty()) return error_;
    if (::rename(tmp_.c_str(), target_.c_str()) != 0) return error_ = WriteError(path_, errno);
    committed_ = true;
    // The rename itself survives a crash once the directory is synced (best effort).
    int dir = ::open(Dirname(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
      (void)::fsync(dir);
      ::close(dir);
    }
    return error_;
  }

  static std::string Dirname(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
  }

 private:
  std::string path_;  // as given, for messages
  int fd_;
  std::string tmp_;     // empty when writing through
  std::string target_;  // what the temp file replaces
  bool committed_ = false;
  Status error_;
};

Result<std::unique_ptr<FileWriter>> WriteThrough(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | flags, 0666);
  if (fd < 0) return WriteError(path, errno);
  return std::unique_ptr<FileWriter>(new RealFileWriter(path, fd, "", ""));
}

// A temp file beside `target` (which is a regular file or does not exist yet), mode `mode`.
Result<std::unique_ptr<FileWriter>> Atomic(const std::string& path, const std::string& target,
                                           mode_t mode) {
  const std::string dir = RealFileWriter::Dirname(target);
  const size_t slash = target.rfind('/');
  const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string tmp = dir + "/." + base + ".XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return WriteError(path, errno);
  (void)::fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (::fchmod(fd, mode) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return WriteError(path, e);
  }
  return std::unique_ptr<FileWriter>(new RealFileWriter(path, fd, tmp, target));
}

}  // namespace

Result<std::string> RealFileSystem::ReadFile(const std::string& path) {
  std::string out;
  Status s = ReadChunks(path, size_t{1} << 16, [&](std::string_view chunk) {
    out.append(chunk);
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status RealFileSystem::ReadChunks(const std::string& path, size_t chunk_bytes,
                                  const std::function<bool(std::string_view)>& on_chunk) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadError(path, errno);
  std::vector<char> buf(chunk_bytes > 0 ? chunk_bytes : 1);
  Status status;
  while (true) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = ReadError(path, errno);
      break;
    }
    if (n == 0 || !on_chunk(std::string_view(buf.data(), static_cast<size_t>(n)))) break;
  }
  ::close(fd);
  return status;
}

Result<std::unique_ptr<FileWriter>> RealFileSystem::OpenWriter(const std::string& path) {
  if (path.empty()) return WriteError("<empty path>", ENOENT);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return WriteError(path, errno);
    struct stat link;
    // A dangling symlink: create its target through it, as a shell redirection would.
    if (::lstat(path.c_str(), &link) == 0) return WriteThrough(path, O_CREAT | O_TRUNC);
    return Atomic(path, path, 0666 & ~Umask());
  }
  if (S_ISDIR(st.st_mode)) return WriteError(path, EISDIR);
  if (!S_ISREG(st.st_mode)) return WriteThrough(path, 0);  // FIFO, device, socket, terminal
  // Our own stdout or stderr redirected to a file (--json /dev/stdout > out.txt): written
  // through the descriptor itself, so that it shares the offset with what else goes there.
  for (int own : {STDOUT_FILENO, STDERR_FILENO}) {
    if (!SameFile(st, own)) continue;
    int fd = ::fcntl(own, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return WriteError(path, errno);
    return std::unique_ptr<FileWriter>(new RealFileWriter(path, fd, "", ""));
  }
  if (path.rfind("/dev/fd/", 0) == 0 || path.rfind("/proc/", 0) == 0) {
    return WriteThrough(path, O_APPEND);  // another descriptor of ours: never replace its file
  }
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return WriteError(path, errno);
  return Atomic(path, resolved, st.st_mode & 07777);
}

Status RealFileSystem::WriteFile(const std::string& path, std::string_view text) {
  Result<std::unique_ptr<FileWriter>> w = OpenWriter(path);
  if (!w.ok()) return w.status();
  if (Status s = (*w)->Write(text); !s.ok()) return s;
  return (*w)->Commit();
}

RealFileSystem& RealFileSystem::Instance() {
  static RealFileSystem fs;
  return fs;
}

}  // namespace meshverify
