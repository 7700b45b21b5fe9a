#pragma once

#include "meshverify/file_system.h"

namespace meshverify {

// The process's files (POSIX open/read/rename). Thread-safe: it holds no state.
class RealFileSystem : public FileSystem {
 public:
  Result<std::string> ReadFile(const std::string& path) override;
  Status ReadChunks(const std::string& path, size_t chunk_bytes,
                    const std::function<bool(std::string_view)>& on_chunk) override;
  Status WriteFile(const std::string& path, std::string_view text) override;

  // One instance for the whole process (Environment's default).
  static RealFileSystem& Instance();
};

}  // namespace meshverify
