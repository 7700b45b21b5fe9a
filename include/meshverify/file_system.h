#pragma once
// FileSystem: the files a command reads and writes, behind an interface so that tests run
// whole commands without temp files (FakeFileSystem in tests/fakes). The real one is
// RealFileSystem (src/transport). Implementations must be safe to call from several threads.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "meshverify/status.h"

namespace meshverify {

// The most bytes one input (a config, a report, an endpoint view, stdin) may hold: reads stop
// there with an error rather than grow until killed (/dev/zero, an endless pipe). Streamed
// inputs (analyze's captures) have no total cap, only a per-line one.
inline constexpr size_t kMaxInputBytes = size_t{64} << 20;  // 64 MiB

// A file being written, from FileSystem::OpenWriter. Not thread-safe: one writer per thread.
class FileWriter {
 public:
  // Without a successful Commit, a temp file is removed and a regular file at the path is left
  // as it was.
  virtual ~FileWriter() = default;

  // Appends `text`. Fails with Unavailable "<path>: <reason>"; after a failure every later call
  // fails the same way.
  virtual Status Write(std::string_view text) = 0;

  // Finishes the file: a regular file is replaced (or created) atomically; anything else has
  // had every byte written through. Call once.
  virtual Status Commit() = 0;
};

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

  // Replaces `path` with `text`. A regular file (or a new one) is written to a temp file from
  // mkstemp in the same directory, synced and renamed over it, so a reader never sees half a
  // report and concurrent writers to one path never collide (the last rename wins). A symlink
  // is resolved and its target replaced (the link is kept); anything that is not a regular file
  // (a FIFO, a device, /dev/stdout) is written through and never replaced. Fails with
  // Unavailable "<path>: <reason>".
  virtual Status WriteFile(const std::string& path, std::string_view text) = 0;

  // The same as WriteFile, for a file written piece by piece (memory stays at one piece in the
  // real file system). The default buffers everything and calls WriteFile on Commit.
  virtual Result<std::unique_ptr<FileWriter>> OpenWriter(const std::string& path);
};

namespace internal {

// OpenWriter's default: the whole text in memory until Commit.
class BufferedFileWriter : public FileWriter {
 public:
  BufferedFileWriter(FileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  Status Write(std::string_view text) override {
    text_.append(text);
    return Status::Ok();
  }
  Status Commit() override { return fs_->WriteFile(path_, text_); }

 private:
  FileSystem* fs_;
  std::string path_;
  std::string text_;
};

}  // namespace internal

inline Result<std::unique_ptr<FileWriter>> FileSystem::OpenWriter(const std::string& path) {
  return std::unique_ptr<FileWriter>(new internal::BufferedFileWriter(this, path));
}

}  // namespace meshverify
