#pragma once
// FakeFileSystem: files in memory, for command tests without temp files. Files are added with
// Add; writes land in the same map (read them back with Contents); a path given to Fail makes
// every read or write of it fail as an unreadable or unwritable file would. Reads of a missing
// file fail with "<path>: No such file or directory", as the real one. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "meshverify/file_system.h"

namespace meshverify::testing {

class FakeFileSystem : public FileSystem {
 public:
  void Add(const std::string& path, std::string text) {
    std::lock_guard<std::mutex> lock(mu_);
    files_[path] = std::move(text);
  }
  void Fail(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    failing_.insert(path);
  }
  // What `path` holds now, nullopt when it does not exist.
  std::optional<std::string> Contents(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }

  Result<std::string> ReadFile(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing_.count(path)) return Status::InvalidInput(path + ": Permission denied");
    auto it = files_.find(path);
    if (it == files_.end()) return Status::InvalidInput(path + ": No such file or directory");
    return it->second;
  }

  Status ReadChunks(const std::string& path, size_t chunk_bytes,
                    const std::function<bool(std::string_view)>& on_chunk) override {
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) return text.status();
    std::string_view rest = *text;
    while (!rest.empty()) {
      size_t n = std::min(rest.size(), chunk_bytes > 0 ? chunk_bytes : 1);
      if (!on_chunk(rest.substr(0, n))) break;
      rest.remove_prefix(n);
    }
    return Status::Ok();
  }

  Status WriteFile(const std::string& path, std::string_view text) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (failing_.count(path)) return Status::Unavailable(path + ": Permission denied");
    files_[path] = std::string(text);
    return Status::Ok();
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::set<std::string> failing_;
};

}  // namespace meshverify::testing
