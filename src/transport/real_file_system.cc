// RealFileSystem (real_file_system.h).
#include "transport/real_file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace meshverify {
namespace {

Status ReadError(const std::string& path, int error) {
  return Status::InvalidInput(path + ": " + std::strerror(error));
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

Status RealFileSystem::WriteFile(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable(path + ": " + std::strerror(errno));
  size_t done = 0;
  int error = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    std::remove(tmp.c_str());
    return Status::Unavailable(path + ": " + std::strerror(error));
  }
  return Status::Ok();
}

RealFileSystem& RealFileSystem::Instance() {
  static RealFileSystem fs;
  return fs;
}

}  // namespace meshverify
