#pragma once
// The request record "meshverify.record/v1": one JSON object per line (JSONL), written by
// meshverify's probes and read by `meshverify analyze`.
//
// Keys (all optional; unknown keys are ignored, so newer writers stay readable):
//
//   key          JSON type        ProbeRecord field   default   meaning
//   schema       string                               -         if present, "meshverify.record/v1"
//   src_cluster  string           source_cluster      ""        mesh cluster of the sending pod
//   src_pod      string           source_pod          ""        sending pod's name
//   seq          integer >= 0     seq                 0         request number within the source
//   code         integer 0..999   http_code           0         HTTP status; 0 = no answer
//   curl_exit    integer 0..255   curl_exit           0         curl's exit code
//   connect_ms   number or null   connect_ms          -1        time to connect; null/-1 unknown
//   total_ms     number or null   total_ms            -1        whole request; null/-1 unknown
//   new_conn     bool             new_connection      true      false: reused a connection
//   body         string           body                ""        the answer as received
//   error        string           error               ""        why the request was lost
//   intended_ms  number or null   intended_ms         -1        due time since the schedule origin
//   sent_ms      number or null   sent_ms             -1        actual send since the origin
//   late         bool             late                false     open loop: sent after it was due
//   conn         integer >= 0     connection          0         connection id within the source
//   peer         string           peer                ""        remote "ip:port" of the connection
// The last five are written only when known (a time >= 0, late true, conn > 0, peer not "").
//
// Example:
//   {"src_cluster":"cluster1","src_pod":"sleep-7d9f8c-abcde","seq":3,"code":200,"curl_exit":0,
//    "connect_ms":0.41,"total_ms":2.9,"new_conn":false,
//    "body":"Hello version: v2, instance: helloworld-v2-79d5467d55-4xq2m\n"}
//
// Pure functions: no I/O, thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "meshverify/model.h"
#include "meshverify/status.h"

namespace meshverify {

inline constexpr std::string_view kRecordSchema = "meshverify.record/v1";

// Parses one JSONL line (a trailing "\r" or "\n" is allowed). Fails with InvalidInput
// "<source>:<line_no>: <reason>": "byte N: invalid JSON: <detail>" for malformed JSON (N is
// 1-based within the line), "expected a JSON object", "key 'code': expected an integer in
// [0, 999]", "key 'schema': expected \"meshverify.record/v1\"", and so on per key.
[[nodiscard]] Result<ProbeRecord> ParseRecordLine(std::string_view line, std::string_view source,
                                                  uint64_t line_no);

// Same as ParseRecordLine, into *r (its strings' buffers are reused: the fast loop of
// `analyze`). Sets *has_seq, when not null, to whether the line has a "seq" key (a record
// without one cannot be told from others by seq). On error *r and *has_seq are unspecified.
[[nodiscard]] Status ParseRecordLineInto(std::string_view line, std::string_view source,
                                         uint64_t line_no, ProbeRecord* r, bool* has_seq = nullptr);

// The two halves of ParseRecordLine, for tests, benchmarks and the fuzzer that checks they
// agree. ParseRecordLineFast reads the line in one pass without a DOM: true and *r filled when
// it can read the line exactly as the DOM parser would (keys in any order, whitespace, escapes,
// valid UTF-8, unknown keys with scalar values); false (with *r unspecified) for anything else
// (errors, duplicate keys, nested unknown values, escaped keys, numbers nlohmann converts
// differently or refuses), which ParseRecordLineDom (nlohmann's DOM) then reads or refuses.
bool ParseRecordLineFast(std::string_view line, ProbeRecord* r, bool* has_seq = nullptr);
[[nodiscard]] Result<ProbeRecord> ParseRecordLineDom(std::string_view line, std::string_view source,
                                                     uint64_t line_no);

// Returns `r` as one JSONL line, without the trailing newline. Unknown times (< 0) are written
// as null, empty `error` is omitted. The output is valid UTF-8 even when body or error are not
// (invalid bytes become U+FFFD), so ParseRecordLine always reads it back.
std::string RecordToJsonLine(const ProbeRecord& r);

}  // namespace meshverify
