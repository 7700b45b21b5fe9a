#pragma once
// FileSystem: the files a command reads and writes, behind an interface so that tests run
// whole commands without temp files (FakeFileSystem in tests/fakes). The real one is
// RealFileSystem (src/transport). Implementations must be safe to call from several threads.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "meshverify/status.h"

namespace meshverify {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Returns the whole file. Fails with InvalidInput "<path>: <reason>" (strerror) when it
  // cannot be opened or read.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;

  // Hands the file to `on_chunk` in order, at most `chunk_bytes` at a time, until its end or
  // until `on_chunk` returns false (then reading stops, and the result is OK). Memory stays at
  // one chunk whatever the file's size. Fails with InvalidInput "<path>: <reason>".
  virtual Status ReadChunks(const std::string& path, size_t chunk_bytes,
                            const std::function<bool(std::string_view)>& on_chunk) = 0;

  // Replaces `path` with `text` atomically (a temp file beside it, renamed over it), so a
  // reader never sees half a report. Fails with Unavailable "<path>: <reason>".
  virtual Status WriteFile(const std::string& path, std::string_view text) = 0;
};

}  // namespace meshverify
