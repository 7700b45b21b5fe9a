#pragma once
// Exec-mode probing: from a source pod, many requests to the target, sent by curl running
// inside the pod and started with ONE `kubectl exec` per source per batch (never one per
// request). The in-pod script (BuildProbeScript) runs curl --parallel with keep-alive in chunks
// and frames every chunk's results so that the byte stream back can be parsed unambiguously
// whatever the answers contain (FrameParser). Records stream back chunk by chunk.
//
// Only CommandRunner and Clock are used (no concrete transport). Every request of a source is
// accounted for: each ends as exactly one ProbeRecord handed to the sink, either a result from
// curl or, when the exec failed past its retries, a record with `error` set and http_code 0
// (class "transport" in ClassifyRecord).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify::probe {

// Where to run: one source pod.
struct ExecTarget {
  std::string cluster;     // mesh cluster name (copied into records)
  std::string context;     // kubeconfig context; "" = kubectl's current one
  std::string kubeconfig;  // "" = kubectl's default
  std::string ns;
  std::string pod;
  std::string container;  // the container with curl and sh ("sleep")
};

struct ProbeOptions {
  std::string url;
  uint64_t requests = 1000;                 // per source
  int concurrency = 4;                      // requests in flight per source (curl --parallel-max)
  std::chrono::milliseconds timeout{5000};  // per request (curl --max-time)
  std::chrono::milliseconds deadline{300000};  // whole probing phase, from the start of Probe*
  uint64_t chunk = 500;        // requests per curl run inside the pod (one framed block)
  uint64_t exec_requests = 0;  // requests per exec; 0 = every request left in one exec
  int max_exec_failures = 3;   // consecutive failed execs of a source before giving up
  std::chrono::milliseconds retry_backoff{250};  // sleep before a retry, times the failure count
  size_t max_body_bytes = 64 * 1024;  // longer bodies are cut (still read whole from the stream)
  std::string kubectl = "kubectl";
};

// Returns `s` as one POSIX shell word: wrapped in single quotes, each ' written as '\''.
// Safe for any bytes, including newlines, $(...), backquotes and NUL-free binary.
std::string ShellQuote(std::string_view s);

// Returns `s` as a double-quoted curl config-file string (\ and " escaped, control characters
// as \t \n \r \v, as curl's config parser reads them back).
std::string CurlConfigQuote(std::string_view s);

// The POSIX sh script run in the pod for requests [first_seq, first_seq + count): runs curl
// once per `chunk` requests with `concurrency` transfers in flight, and prints per chunk:
//   <marker> S <first> <end>\n
//   <marker> W <file> <http_code> <exitcode> <time_connect> <time_total> <num_connects> <size>\n
//     (one per finished transfer, in completion order; from curl -w)
//   <marker> C <curl exit status>\n
//   <wc -c output: "<bytes> <seq, zero-padded>" per non-empty body file, then "total">
//   <marker> B\n
//   <the body files concatenated in seq order; lengths as listed by wc>
//   <marker> E\n
// Keeps the body files in a temp dir under /dev/shm (else $TMPDIR or /tmp).
// Needs only sh builtins, mktemp, wc, cat, rm and curl >= 7.75 (%{exitcode}); works with
// dash and busybox ash. Removes its temp dir on exit and on SIGTERM/SIGHUP/SIGINT/SIGPIPE.
// REQUIRES: count > 0, chunk > 0, concurrency > 0; marker is [A-Za-z0-9:_-]+ (curl -w reads a
// format starting with @ from a file, and % starts a variable).
std::string BuildProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                             uint64_t chunk, int concurrency, std::chrono::milliseconds timeout,
                             std::string_view marker);

// argv of `kubectl exec -n NS -c CONTAINER [--context CTX] [--kubeconfig K] POD -- sh -c SCRIPT`.
std::vector<std::string> ExecArgv(const ExecTarget& target, const std::string& script,
                                  const std::string& kubectl = "kubectl");

// Parses the framed output of BuildProbeScript incrementally, chunk boundaries anywhere.
// Records are emitted (seq order within a block) when a block's E line arrives; requests of a
// finished block that curl did not report come out as lost records ("curl reported no result").
// A stream that breaks the framing puts the parser in a failed state: later bytes are ignored.
// Not thread-safe; one per stream.
class FrameParser {
 public:
  using Sink = std::function<void(ProbeRecord&&)>;
  FrameParser(std::string marker, ExecTarget source, size_t max_body_bytes, Sink sink);

  void Feed(std::string_view bytes);
  // True while no framing error was seen.
  bool ok() const { return error_.empty(); }
  // The framing error ("line 12: expected ..."), "" when ok().
  const std::string& error() const { return error_; }
  // Requests [block_first, block_end) of the block started but not finished, if any.
  bool in_block() const { return state_ != State::kIdle; }
  uint64_t block_first() const { return block_first_; }
  uint64_t block_end() const { return block_end_; }
  // Records emitted so far.
  uint64_t emitted() const { return emitted_; }

 private:
  enum class State { kIdle, kResults, kSizes, kBodies, kEnd };
  void Fail(std::string why);
  void OnLine(std::string_view line);
  void OnResultLine(std::string_view rest);
  void FinishBlock();
  void FeedBodies(std::string_view* bytes);

  std::string marker_;
  ExecTarget source_;
  size_t max_body_bytes_;
  Sink sink_;
  State state_ = State::kIdle;
  std::string line_;  // partial line
  std::string error_;
  uint64_t line_no_ = 0;
  uint64_t block_first_ = 0, block_end_ = 0;
  int curl_status_ = 0;
  std::map<uint64_t, ProbeRecord> results_;           // this block, by seq
  std::vector<std::pair<uint64_t, uint64_t>> sizes_;  // (seq, bytes) in wc order
  size_t body_index_ = 0;                             // into sizes_
  uint64_t body_left_ = 0;                            // bytes still to read of sizes_[body_index_]
  uint64_t emitted_ = 0;
};

// What happened to one source.
struct SourceOutcome {
  ExecTarget target;
  uint64_t requests = 0;    // records emitted (== ok + errors downstream)
  uint64_t lost = 0;        // records emitted as lost (exec failures, deadline)
  uint64_t not_issued = 0;  // requests never started (interrupt, deadline)
  int execs = 0;            // kubectl exec calls
  int failed_execs = 0;
  bool gave_up = false;  // stopped after max_exec_failures
  bool deadline_reached = false;
  bool interrupted = false;
  std::string last_error;  // "<exec argv summary>: <first stderr line>", "" if none
};

// Probes one source. Calls `sink` (from the calling thread) once per request, in seq order
// within each chunk. Never fails: what went wrong is in the outcome and in lost records.
SourceOutcome ProbeSource(CommandRunner& runner, Clock& clock, const ExecTarget& target,
                          const ProbeOptions& options, const std::atomic<bool>* interrupted,
                          const std::function<void(ProbeRecord&&)>& sink);

// Probes every target at the same time, one thread each; sinks[i] receives target i's records
// on that thread. Returns outcomes in target order. REQUIRES: sinks.size() == targets.size().
std::vector<SourceOutcome> ProbeAll(CommandRunner& runner, Clock& clock,
                                    const std::vector<ExecTarget>& targets,
                                    const ProbeOptions& options,
                                    const std::atomic<bool>* interrupted,
                                    const std::vector<std::function<void(ProbeRecord&&)>>& sinks);

}  // namespace meshverify::probe
