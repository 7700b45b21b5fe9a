#pragma once
// Exec mode (ExecProber): from a source pod, many requests to the target, sent by curl running
// inside the pod and started with ONE `kubectl exec` per source per batch (never one per
// request). The in-pod script (src/probe/probe.sh, BuildProbeScript) runs `concurrency` curls
// side by side, each sending its share of the requests one after another on a keep-alive
// connection, and frames their output so that the byte stream back can be parsed unambiguously
// whatever the answers contain (FrameParser). Records stream back while the curls run.
//
// Only CommandRunner and Clock are used (no concrete transport). The Prober contract holds
// (prober.h): each started request ends as exactly one ProbeRecord handed to the sink, either a
// result from curl or, when the exec failed past its retries, a record with `error` set and
// http_code 0 (class "transport" in ClassifyRecord).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "meshverify/clock.h"
#include "meshverify/command_runner.h"
#include "meshverify/model.h"
#include "meshverify/prober.h"
#include "meshverify/status.h"

namespace meshverify::probe {

// Returns `s` as one POSIX shell word: wrapped in single quotes, each ' written as '\''.
// Safe for any bytes, including newlines, $(...), backquotes and NUL-free binary.
std::string ShellQuote(std::string_view s);

// Returns `s` as a double-quoted curl config-file string (\ and " escaped, control characters
// as \t \n \r \v, as curl's config parser reads them back).
std::string CurlConfigQuote(std::string_view s);

// The POSIX sh script run in the pod for requests [first_seq, first_seq + count): the
// parameters as shell variables, then src/probe/probe.sh (embedded at build time). It starts
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
//   <marker> H\n                                   every `flush_every` (a heartbeat; nothing else)
//   <marker> C <j> <curl exit status>\n                              for each curl, at the end
//   <marker> E\n
// The marker is a fresh word per exec, so no answer can hold it.
// Keeps its files in a temp dir under /dev/shm (else $TMPDIR or /tmp). Needs sh builtins,
// mktemp, wc, head, tail, sleep, rm, date and curl >= 7.75 (%{exitcode}, %{urlnum}); works with
// dash and busybox ash. Removes its temp dir and stops its curls on exit and on
// SIGTERM/SIGHUP/SIGINT/SIGPIPE; exits 71 with one stderr line when no temp dir is writable.
// It stops itself (its curls too) when a write to its stdout fails and, when `limit` > 0, once
// `limit` (rounded up to whole seconds) has passed since it started: killing kubectl does not
// reach a process in the pod.
// REQUIRES: count > 0, concurrency > 0; marker is [A-Za-z0-9:_-]+ (curl -w reads a format
// starting with @ from a file, and % starts a variable).
std::string BuildProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                             int concurrency, std::chrono::milliseconds timeout,
                             std::chrono::milliseconds flush_every, std::string_view marker,
                             std::chrono::milliseconds limit = std::chrono::milliseconds(0));

// The open-loop probe script: BuildProbeScript's, with the source's `rate` (requests/s, > 0)
// shared by the curls: each paces itself at rate / concurrency (curl --rate, in requests per
// hour, rounded; one transfer started per interval, none made up in a burst when late), and the
// curls start 1 / rate apart, so the source's requests are spread evenly. Needs curl >= 7.84.
std::string BuildPacedProbeScript(std::string_view url, uint64_t first_seq, uint64_t count,
                                  int concurrency, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds flush_every, std::string_view marker,
                                  double rate,
                                  std::chrono::milliseconds limit = std::chrono::milliseconds(0));

// Each curl's rate in the paced script: rate * 3600 / concurrency per hour, rounded, >= 1.
double PerHour(double rate, int concurrency);

// The probe script without its parameters: src/probe/probe.sh as embedded.
std::string_view ProbeScriptBody();

// A marker for one exec: "meshverify-" and 32 random hex digits (std::random_device).
std::string RandomMarker();

// Where ExecProber gets the marker of each exec. Called from several probe threads at once.
using MarkerSource = std::function<std::string(const ProbeSource& source, uint64_t first_seq)>;
// RandomMarker() for every exec: the default.
MarkerSource RandomMarkers();
// "meshverify-" and 32 hex digits derived from `seed`, the source and the exec's first seq:
// the same run sends the same scripts (check --seed), whatever the thread schedule. A seeded
// marker is predictable; the parser's byte counts still catch an answer that forges one.
MarkerSource SeededMarkers(uint64_t seed);

// argv of `kubectl exec -n NS -c CONTAINER [--context CTX] [--kubeconfig K] pod/POD -- sh -c
// SCRIPT`: the pod typed, so that no name is read as a flag.
std::vector<std::string> ExecArgv(const ProbeSource& source, const std::string& script,
                                  const std::string& kubectl = "kubectl");

// The most bytes of records a FrameParser holds back behind a missing one (its reorder buffer),
// each record counted as its body plus kHeldRecordOverhead. Beyond it, the earliest held
// records are emitted out of seq order (counted by FrameParser::out_of_order()), so that a
// stuck curl cannot make the others' results pile up (64 KiB bodies reached ~400 MB).
inline constexpr size_t kMaxHeldBytes = size_t{8} << 20;  // 8 MiB per source
inline constexpr size_t kHeldRecordOverhead = 256;

// Parses the framed output of BuildProbeScript incrementally, cut anywhere. Records are emitted
// in seq order as soon as every request before them has its record (or, past kMaxHeldBytes
// held, out of order); at the E line, requests no curl reported come out as lost records
// ("curl reported no result"). Every request of the block gets exactly one record. A stream
// that breaks the framing puts the parser in a failed state: later bytes are ignored. Not
// thread-safe.
class FrameParser {
 public:
  using Sink = std::function<void(ProbeRecord&&)>;
  // Records get source.cluster and source.pod; bodies are cut at max_body_bytes.
  FrameParser(std::string marker, ProbeSource source, size_t max_body_bytes, Sink sink);
  ~FrameParser();
  FrameParser(const FrameParser&) = delete;
  FrameParser& operator=(const FrameParser&) = delete;

  // Accept only the block [first, end) (what the script was asked for), so that a stream
  // cannot make the parser emit records for requests nobody sent.
  void Expect(uint64_t first, uint64_t end);
  // `hook` sees the results read from each D piece (one curl's output since its last flush),
  // in that curl's order, before they are emitted, and may change them (ExecProber stamps
  // their times). Lost records do not pass through it.
  using PieceHook = std::function<void(const std::vector<ProbeRecord*>& records)>;
  void OnPiece(PieceHook hook);
  void Feed(std::string_view bytes);
  // For a stream that ended early: emits the records held back behind a missing one, and, when
  // `lost_reason` is not empty, a lost record for each request a curl had in flight. Returns
  // how many records it emitted. The parser accepts nothing after.
  uint64_t Stop(const std::string& lost_reason);
  // For a stream that ended early when its requests cannot be sent again (records past a
  // missing one went out already, out_of_order() > 0): emits the held records and a lost record
  // with `why` for every other request of the block without one. Returns how many records it
  // emitted. The parser accepts nothing after.
  uint64_t StopAll(const std::string& why);

  // True while no framing error was seen.
  bool ok() const;
  // The framing error ("byte 120: expected ..."), "" when ok().
  const std::string& error() const;
  // True between the S and the E line.
  bool in_block() const;
  // Records emitted so far, and the first seq without one (the block's start before any).
  uint64_t emitted() const;
  uint64_t next_seq() const;
  // Records emitted ahead of a missing one because the reorder buffer was full.
  uint64_t out_of_order() const;
  // Bytes held back now (bodies plus kHeldRecordOverhead each); at most about kMaxHeldBytes.
  size_t held_bytes() const;
  // Connection ids given so far. Each record's `connection` is 1, 2, ... in order of first use
  // within this parser (a curl's keep-alive connection keeps its id; a connect or a new local
  // port starts the next), 0 when the request used none (curl wrote local port 0).
  uint64_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The preflight run in each source pod before probing: prints "<marker> sh ok", "<marker> curl
// <first line of curl --version>" or "<marker> curl missing", "<marker> tmp <dir>" or
// "<marker> tmp missing" (the temp dirs probe.sh would use: /dev/shm, $TMPDIR, /tmp).
std::string PreflightScript(std::string_view marker);

// Reads PreflightScript's output (and how its exec ended) into a PreflightResult for
// `source`: a missing sh (the exec itself failed), curl, a curl older than 7.75, or no
// writable temp dir is one problem each, with one hint each.
PreflightResult ReadPreflight(const ProbeSource& source, std::string_view marker,
                              const Result<CommandResult>& exec);

// How ExecProber runs its execs (what is not per call: the ProbeSpec has the rest).
struct ExecOptions {
  uint64_t exec_requests = 10000;  // requests per exec (bounds the pod's temp files); 0 = all
  std::chrono::milliseconds flush_every{1000};  // how often the pod sends what curl wrote
  int max_exec_failures = 3;  // consecutive failed execs of a source before giving up
  std::chrono::milliseconds retry_backoff{250};  // sleep before a retry, times the failure count
  std::string kubectl = "kubectl";
  MarkerSource markers = RandomMarkers();
  // When true (load), each result gets sent_ms, an estimate of its send from the spec's
  // origin: for the last result of a piece of output, when the piece reached this process
  // less its time_total; for the ones before it, the next one's send less max(time_total, the
  // curl's pacing interval) (one curl sends one request at a time). Late by the time from a
  // piece's last answer to its arrival, never early; whatever order results are emitted in.
  // Lost records get none (they are counted at their arrival).
  bool stamp_sent = false;
  // The most kubectl execs (probes and preflights) this prober runs at once, over all sources;
  // the others wait for a slot (check --max-parallel).
  int max_parallel = 16;
  std::chrono::milliseconds preflight_timeout{30000};
};

// The exec-mode Prober: one `kubectl exec ... sh -c <probe script>` per source per batch of
// exec_requests, retried from the first request without a record when it fails, given up after
// max_exec_failures failures in a row (the rest become lost records). Closed loop: the curls
// send back to back. Open loop (rate > 0): the curls in the pod pace themselves
// (BuildPacedProbeScript), so the schedule is the pod's, restarted by each exec; no exec starts
// past origin + duration. Closed loop with a duration: execs of about one second's worth of
// requests at the rate the previous exec reached (the first: 10 per curl), none started past
// origin + duration. Thread-safe when runner and clock are; Probe is called from one thread
// per source.
class ExecProber : public Prober {
 public:
  // `runner` and `clock` must outlive the prober.
  ExecProber(CommandRunner& runner, Clock& clock, ExecOptions options = {});

  std::string_view mode() const override { return "exec"; }
  // Fails with Usage when spec.rate is above 1e6/s or below 1/3600 s.
  Status CheckSpec(const ProbeSpec& spec) const override;
  // attempts counts kubectl exec calls; last_error is "kubectl exec POD (CLUSTER): <reason>".
  ProbeOutcome Probe(const ProbeSource& source, const ProbeSpec& spec,
                     const std::atomic<bool>* cancel, const RecordSink& sink) override;
  // One `kubectl exec ... sh -c PreflightScript` (ReadPreflight).
  PreflightResult Preflight(const ProbeSource& source, const std::atomic<bool>* cancel) override;

  // The most execs that ran at once so far (for tests of max_parallel).
  int peak_parallel() const;

 private:
  // Holds one of max_parallel exec slots for its lifetime.
  class Slot;

  CommandRunner& runner_;
  Clock& clock_;
  ExecOptions options_;
  mutable std::mutex mu_;
  std::condition_variable slot_free_;
  int running_ = 0;
  int peak_ = 0;
};

}  // namespace meshverify::probe
