#pragma once
// Exec-mode probing: from a source pod, many requests to the target, sent by curl running
// inside the pod and started with ONE `kubectl exec` per source per batch (never one per
// request). The in-pod script (BuildProbeScript) runs `concurrency` curls side by side, each
// sending its share of the requests one after another on a keep-alive connection, and frames
// their output so that the byte stream back can be parsed unambiguously whatever the answers
// contain (FrameParser). Records stream back while the curls run.
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
  uint64_t first_seq = 0;                   // requests [first_seq, first_seq + requests)
  uint64_t requests = 1000;                 // per source
  int concurrency = 4;                      // requests in flight per source (curl --parallel-max)
  std::chrono::milliseconds timeout{5000};  // per request (curl --max-time)
  std::chrono::milliseconds deadline{300000};  // whole probing phase, from the start of Probe*
  uint64_t exec_requests = 10000;  // requests per exec (bounds the pod's temp files); 0 = all
  std::chrono::milliseconds flush_every{1000};  // how often the pod sends what curl wrote
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

// The POSIX sh script run in the pod for requests [first_seq, first_seq + count). It starts
// `concurrency` curls at once; curl j sends requests first_seq+j, first_seq+j+concurrency, ...
// one after another (--parallel-max 1) on one keep-alive connection, writing to its own temp
// file, per request, the body as received and then
//   <marker> W <urlnum> <http_code> <exitcode> <time_connect> <time_total> <num_connects>
//            <size_download>\n                  (curl -w; urlnum = the request's index in j)
// One writer per file and one transfer at a time make that stream unambiguous: a body is the
// bytes between two W lines, and its length must equal the W line's size. The script prints:
//   <marker> S <first> <end>\n
//   <marker> F <j> <first request of j> <stride = concurrency>\n     for each curl
//   <marker> D <j> <n>\n and the next n bytes of curl j's file   every `flush_every` and at the end
//   <marker> C <j> <curl exit status>\n                              for each curl, at the end
//   <marker> E\n
// The marker is a fresh random word per exec, so no answer can hold it.
// Keeps its files in a temp dir under /dev/shm (else $TMPDIR or /tmp). Needs sh builtins,
// mktemp, wc, head, tail, sleep, rm and curl >= 7.75 (%{exitcode}, %{urlnum}); works with dash
// and busybox ash. Removes its temp dir and stops its curls on exit and on
// SIGTERM/SIGHUP/SIGINT/SIGPIPE.
// REQUIRES: count > 0, concurrency > 0; marker is [A-Za-z0-9:_-]+ (curl -w reads a format
// starting with @ from a file, and % starts a variable).
std::string BuildProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                             int concurrency, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds flush_every, std::string_view marker);

// The record of a request without a result: no HTTP answer, `why` in `error`.
ProbeRecord LostRecord(const ExecTarget& source, uint64_t seq, std::string why);

// A marker for one exec: "meshverify-" and 32 random hex digits.
std::string RandomMarker();

// argv of `kubectl exec -n NS -c CONTAINER [--context CTX] [--kubeconfig K] POD -- sh -c SCRIPT`.
std::vector<std::string> ExecArgv(const ExecTarget& target, const std::string& script,
                                  const std::string& kubectl = "kubectl");

// Parses the framed output of BuildProbeScript incrementally, cut anywhere. Records are emitted
// in seq order as soon as every request before them has its record; at the E line, requests no
// curl reported come out as lost records ("curl reported no result"). A stream that breaks the
// framing puts the parser in a failed state: later bytes are ignored. Not thread-safe.
class FrameParser {
 public:
  using Sink = std::function<void(ProbeRecord&&)>;
  FrameParser(std::string marker, ExecTarget source, size_t max_body_bytes, Sink sink);

  // Accept only the block [first, end) (what the script was asked for), so that a stream
  // cannot make the parser emit records for requests nobody sent.
  void Expect(uint64_t first, uint64_t end) {
    expect_first_ = first;
    expect_end_ = end;
  }
  void Feed(std::string_view bytes);
  // For a stream that ended early: emits the records held back behind a missing one, and, when
  // `lost_reason` is not empty, a lost record for each request a curl had in flight. Returns
  // how many records it emitted. The parser accepts nothing after.
  uint64_t Stop(const std::string& lost_reason);

  // True while no framing error was seen.
  bool ok() const { return error_.empty(); }
  // The framing error ("byte 120: expected ..."), "" when ok().
  const std::string& error() const { return error_; }
  // True between the S and the E line.
  bool in_block() const { return state_ == State::kBlock; }
  // Records emitted so far, and the first seq without one (the block's start before any).
  uint64_t emitted() const { return emitted_; }
  uint64_t next_seq() const { return next_seq_; }

 private:
  enum class State { kIdle, kBlock, kDone };
  // One curl: requests first, first + stride, ...; its output is scanned for W lines.
  struct Curl {
    uint64_t first = 0, stride = 1;
    uint64_t reported = 0;  // W lines seen
    bool done = false;
    int status = 0;
    std::string carry;       // unscanned tail: a partial W line or a possible marker start
    std::string body;        // bytes since the last W line, cut at max_body_bytes
    uint64_t body_size = 0;  // their full count
  };
  void Fail(std::string why);
  void FeedFrameLine(std::string_view* bytes);
  void OnFrame(std::string_view line);
  void ScanCurl(Curl& curl, std::string_view bytes);
  void OnCurlData(Curl& curl, std::string_view data);
  void OnResult(Curl& curl, std::string_view rest);
  void EmitReady();
  void Emit(ProbeRecord&& r);
  ProbeRecord Lost(uint64_t seq, std::string why) const;

  std::string marker_;
  ExecTarget source_;
  size_t max_body_bytes_;
  Sink sink_;
  std::string frame_prefix_;  // marker_ + " "
  State state_ = State::kIdle;
  std::string line_;          // a partial framing line
  uint64_t payload_left_ = 0;  // bytes of the current D piece still to come
  size_t payload_curl_ = 0;    // the curl whose output it is
  uint64_t offset_ = 0;       // stream offset of the next byte, for errors
  uint64_t line_at_ = 0;      // stream offset of the current framing line
  std::string error_;
  uint64_t block_first_ = 0, block_end_ = 0;
  uint64_t expect_first_ = 0, expect_end_ = 0;  // expect_end_ 0: any block
  std::vector<Curl> curls_;
  std::map<uint64_t, ProbeRecord> held_;  // results waiting for an earlier seq
  uint64_t next_seq_ = 0;
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

// Probes one source. Calls `sink` (from the calling thread) at most once per request, mostly in
// seq order. Never fails: what went wrong is in the outcome and in lost records.
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
