#include "cli/environment.h"

#include <cerrno>
#include <cstring>
#include <istream>
#include <vector>

namespace meshverify::cli {

Result<std::string> ReadFileOrStdin(Environment& env, const std::string& path) {
  constexpr size_t kChunkBytes = size_t{1} << 16;
  std::string text;
  Status bad;
  auto take = [&](std::string_view chunk) {
    if (const void* nul = std::memchr(chunk.data(), '\0', chunk.size()); nul != nullptr) {
      const size_t byte = text.size() + (static_cast<const char*>(nul) - chunk.data()) + 1;
      bad = Status::InvalidInput(path + ": byte " + std::to_string(byte) + ": binary input");
      return false;
    }
    if (chunk.size() > kMaxInputBytes - text.size()) {
      bad = Status::InvalidInput(path + ": larger than " + std::to_string(kMaxInputBytes >> 20) +
                                 " MiB (the input cap)");
      return false;
    }
    text.append(chunk);
    return true;
  };
  if (path != "-") {
    if (Status s = env.fs->ReadChunks(path, kChunkBytes, take); !s.ok()) return s;
  } else {
    // std::cin turns a read error (a closed stdin, EIO, a directory) into end of input;
    // errno, set by the failed read(2), tells the two apart.
    std::vector<char> buf(kChunkBytes);
    int error = 0;
    while (*env.in) {
      errno = 0;
      env.in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const std::streamsize n = env.in->gcount();
      if (n <= 0 && errno != 0 && errno != EINTR) error = errno;
      if (n <= 0 || !take({buf.data(), static_cast<size_t>(n)})) break;
    }
    if (bad.ok() && (error != 0 || env.in->bad())) {
      return Status::InvalidInput(std::string("-: cannot read stdin: ") +
                                  (error != 0 ? std::strerror(error) : "read error"));
    }
  }
  if (!bad.ok()) return bad;
  return text;
}

}  // namespace meshverify::cli
