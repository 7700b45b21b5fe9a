// ParseRecordLineFast (records.h): one pass over a record line, no DOM. It reads every shape of
// the schema the DOM parser accepts and that it can read exactly alike (keys in any order,
// whitespace, escapes, UTF-8, unknown keys with scalar values) and gives up (false) on anything
// else: a syntax error, a type the schema forbids, a duplicate key, a nested unknown value, an
// escaped key, a number it cannot convert exactly as nlohmann does. The caller then runs the
// DOM parser, which owns every error message. tests/fuzz/records_fast_fuzz.cc checks both agree.
// Lines in RecordToJsonLine's own shape are read first by the shorter matcher of
// records_canonical.cc; this one reads what that declines.
#include <cstdint>
#include <limits>

#include "meshverify/records.h"
#include "parse/records_scanner.h"

namespace meshverify {
namespace {

using records_internal::Scanner;

enum Key : uint32_t {
  kSchema,
  kSrcCluster,
  kSrcPod,
  kSeq,
  kCode,
  kCurlExit,
  kConnectMs,
  kTotalMs,
  kNewConn,
  kBody,
  kError,
  kIntendedMs,
  kSentMs,
  kLate,
  kConn,
  kPeer,
  kUnknown,
};

Key KeyOf(std::string_view k) {
  switch (k.size()) {
    case 3:
      if (k == "seq") return kSeq;
      break;
    case 4:
      if (k == "code") return kCode;
      if (k == "body") return kBody;
      if (k == "late") return kLate;
      if (k == "conn") return kConn;
      if (k == "peer") return kPeer;
      break;
    case 5:
      if (k == "error") return kError;
      break;
    case 6:
      if (k == "schema") return kSchema;
      break;
    case 7:
      if (k == "src_pod") return kSrcPod;
      if (k == "sent_ms") return kSentMs;
      break;
    case 8:
      if (k == "total_ms") return kTotalMs;
      if (k == "new_conn") return kNewConn;
      break;
    case 9:
      if (k == "curl_exit") return kCurlExit;
      break;
    case 10:
      if (k == "connect_ms") return kConnectMs;
      break;
    case 11:
      if (k == "src_cluster") return kSrcCluster;
      if (k == "intended_ms") return kIntendedMs;
      break;
  }
  return kUnknown;
}

bool ReadValue(Key key, Scanner* s, std::string* scratch, ProbeRecord* r) {
  uint64_t v = 0;
  switch (key) {
    case kSchema:
      return s->String(scratch) && *scratch == kRecordSchema;
    case kSrcCluster:
      return s->String(&r->source_cluster);
    case kSrcPod:
      return s->String(&r->source_pod);
    case kSeq:
      return s->Uint(std::numeric_limits<uint64_t>::max(), &r->seq);
    case kCode:
      if (!s->Uint(999, &v)) return false;
      r->http_code = static_cast<int>(v);
      return true;
    case kCurlExit:
      if (!s->Uint(255, &v)) return false;
      r->curl_exit = static_cast<int>(v);
      return true;
    case kConnectMs:
      return s->NumberOrNull(&r->connect_ms);
    case kTotalMs:
      return s->NumberOrNull(&r->total_ms);
    case kNewConn:
      return s->Bool(&r->new_connection);
    case kBody:
      return s->String(&r->body);
    case kError:
      return s->String(&r->error);
    case kIntendedMs:
      return s->NumberOrNull(&r->intended_ms);
    case kSentMs:
      return s->NumberOrNull(&r->sent_ms);
    case kLate:
      return s->Bool(&r->late);
    case kConn:
      return s->Uint(std::numeric_limits<uint64_t>::max(), &r->connection);
    case kPeer:
      return s->String(&r->peer);
    case kUnknown:
      return s->SkipScalar();
  }
  return false;
}

// Resets *r to a default ProbeRecord, keeping its strings' buffers.
void Reset(ProbeRecord* r) {
  r->source_cluster.clear();
  r->source_pod.clear();
  r->seq = 0;
  r->http_code = 0;
  r->curl_exit = 0;
  r->connect_ms = -1;
  r->total_ms = -1;
  r->new_connection = true;
  r->body.clear();
  records_internal::ResetOptional(r);
}

}  // namespace

bool ParseRecordLineFast(std::string_view line, ProbeRecord* r, bool* has_seq) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (records_internal::ParseCanonical(line, r, has_seq)) return true;
  Reset(r);
  Scanner s(line);
  if (!s.Eat('{')) return false;
  if (s.Eat('}')) {
    if (has_seq != nullptr) *has_seq = false;
    return s.AtEnd();
  }
  uint32_t seen = 0;
  std::string scratch;
  for (;;) {
    std::string_view name;
    if (!s.Key(&name) || !s.Eat(':')) return false;
    const Key key = KeyOf(name);
    if (key != kUnknown) {
      if ((seen >> key) & 1) return false;  // duplicate: leave it to the DOM parser
      seen |= 1u << key;
    }
    if (!ReadValue(key, &s, &scratch, r)) return false;
    if (s.Eat(',')) continue;
    if (!s.Eat('}') || !s.AtEnd()) return false;
    if (has_seq != nullptr) *has_seq = (seen >> kSeq) & 1;
    return true;
  }
}

}  // namespace meshverify
