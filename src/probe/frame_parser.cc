// Parser of the probe script's framed output (probe.h).
#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdlib>
#include <map>

#include "meshverify/probe.h"

namespace meshverify::probe {
namespace {

// Splits off the next space-separated word of *s.
std::string_view NextWord(std::string_view* s) {
  size_t start = s->find_first_not_of(' ');
  if (start == std::string_view::npos) {
    *s = {};
    return {};
  }
  size_t end = s->find(' ', start);
  std::string_view word = s->substr(start, end == std::string_view::npos ? s->npos : end - start);
  *s = end == std::string_view::npos ? std::string_view() : s->substr(end);
  return word;
}

bool ToUint(std::string_view w, uint64_t* out) {
  if (w.empty()) return false;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), *out);
  return ec == std::errc() && p == w.data() + w.size();
}

bool ToInt(std::string_view w, int* out) {
  if (w.empty()) return false;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), *out);
  return ec == std::errc() && p == w.data() + w.size();
}

// curl prints times as seconds with six decimals, in the C locale.
bool ToSeconds(std::string_view w, double* out) {
  if (w.empty() || w.size() > 40) return false;
  std::string tmp(w);
  char* end = nullptr;
  *out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size() && *out >= 0;
}

// A framing line is short; a longer one is garbage, not worth buffering.
constexpr size_t kMaxFrameLine = 512;

}  // namespace

// The parser's state: the block, the curls and the records held back behind a missing one.
struct FrameParser::Impl {
  enum class State { kIdle, kBlock, kDone };
  // One curl: requests first, first + stride, ...; its output is scanned for W lines.
  struct Curl {
    uint64_t first = 0, stride = 1;
    uint64_t reported = 0;  // W lines seen
    bool done = false;
    int status = 0;
    std::string carry;        // unscanned tail: a partial W line or a possible marker start
    std::string body;         // bytes since the last W line, cut at max_body_bytes
    uint64_t body_size = 0;   // their full count
    uint64_t connection = 0;  // the parser's id of the connection this curl last used
    uint64_t local_port = 0;  // its local port (0 unknown)
  };

  Impl(std::string marker, ProbeSource source, size_t max_body_bytes, Sink sink);
  bool ok() const { return error_.empty(); }
  void Fail(std::string why);
  void Feed(std::string_view bytes);
  void FeedFrameLine(std::string_view* bytes);
  void OnFrame(std::string_view line);
  void ScanCurl(Curl& curl, std::string_view bytes);
  void OnCurlData(Curl& curl, std::string_view data);
  void OnResult(Curl& curl, std::string_view rest);
  void EndPiece();
  void EmitReady();
  void Hold(ProbeRecord&& r);
  void EmitHeld(std::map<uint64_t, ProbeRecord>::iterator it);
  bool Reported(uint64_t seq) const;
  void Emit(ProbeRecord&& r);
  ProbeRecord Lost(uint64_t seq, std::string why) const;
  uint64_t Stop(const std::string& lost_reason);
  uint64_t StopAll(const std::string& why);

  std::string marker_;
  ProbeSource source_;
  size_t max_body_bytes_;
  Sink sink_;
  PieceHook on_piece_;           // sees the results of each D piece before they go out
  std::vector<uint64_t> piece_;  // seqs of the results read in the current D piece
  std::string frame_prefix_;     // marker_ + " "
  State state_ = State::kIdle;
  std::string line_;           // a partial framing line
  uint64_t payload_left_ = 0;  // bytes of the current D piece still to come
  size_t payload_curl_ = 0;    // the curl whose output it is
  uint64_t offset_ = 0;        // stream offset of the next byte, for errors
  uint64_t line_at_ = 0;       // stream offset of the current framing line
  std::string error_;
  uint64_t block_first_ = 0, block_end_ = 0;
  uint64_t expect_first_ = 0, expect_end_ = 0;  // expect_end_ 0: any block
  std::vector<Curl> curls_;
  std::map<uint64_t, ProbeRecord> held_;  // results waiting for an earlier seq
  size_t held_bytes_ = 0;                 // their bodies plus kHeldRecordOverhead each
  uint64_t out_of_order_ = 0;             // records emitted past a missing one (buffer full)
  uint64_t next_seq_ = 0;
  uint64_t emitted_ = 0;
  uint64_t connections_ = 0;  // connection ids given: 1, 2, ...
};

FrameParser::Impl::Impl(std::string marker, ProbeSource source, size_t max_body_bytes, Sink sink)
    : marker_(std::move(marker)),
      source_(std::move(source)),
      max_body_bytes_(max_body_bytes),
      sink_(std::move(sink)),
      frame_prefix_(marker_ + " ") {
  assert(!marker_.empty());
}

void FrameParser::Impl::Fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
}

void FrameParser::Impl::Feed(std::string_view bytes) {
  while (!bytes.empty() && ok()) {
    if (payload_left_ > 0) {  // inside a D piece: curl output, counted
      size_t take = static_cast<size_t>(std::min<uint64_t>(payload_left_, bytes.size()));
      ScanCurl(curls_[payload_curl_], bytes.substr(0, take));
      offset_ += take;
      payload_left_ -= take;
      bytes.remove_prefix(take);
      if (payload_left_ == 0) EndPiece();
    } else if (state_ == State::kDone) {
      Fail("byte " + std::to_string(offset_) + ": output after the end");
    } else {
      FeedFrameLine(&bytes);
    }
  }
}

// Takes bytes of a framing line off *bytes; handles the line once it is whole.
void FrameParser::Impl::FeedFrameLine(std::string_view* bytes) {
  if (line_.empty()) line_at_ = offset_;
  const std::string at = "byte " + std::to_string(line_at_) + ": ";
  size_t nl = bytes->find('\n');
  size_t take = nl == std::string_view::npos ? bytes->size() : nl;
  line_.append(bytes->substr(0, take));
  take += nl == std::string_view::npos ? 0 : 1;
  offset_ += take;
  bytes->remove_prefix(take);
  // Every framing line starts with the marker and a space; say so as soon as one does not.
  const std::string_view prefix = frame_prefix_;
  if (std::string_view(line_).substr(0, prefix.size()) != prefix.substr(0, line_.size())) {
    return Fail(at + "expected a framing line");
  }
  if (line_.size() > kMaxFrameLine) return Fail(at + "framing line too long");
  if (nl == std::string_view::npos) return;
  if (line_.size() < prefix.size()) return Fail(at + "expected a framing line");
  std::string line = std::move(line_);
  line_.clear();
  OnFrame(std::string_view(line).substr(prefix.size()));
}

void FrameParser::Impl::OnFrame(std::string_view rest) {
  const std::string at = "byte " + std::to_string(line_at_) + ": ";
  std::string_view tag = NextWord(&rest);
  uint64_t j = 0;
  if (tag == "S" && state_ == State::kIdle) {
    if (!ToUint(NextWord(&rest), &block_first_) || !ToUint(NextWord(&rest), &block_end_) ||
        !rest.empty() || block_end_ <= block_first_) {
      return Fail(at + "bad block start");
    }
    if (expect_end_ > 0 && (block_first_ != expect_first_ || block_end_ != expect_end_)) {
      return Fail(at + "block " + std::to_string(block_first_) + "-" + std::to_string(block_end_) +
                  " is not the one asked for");
    }
    next_seq_ = block_first_;
    state_ = State::kBlock;
    return;
  }
  // The flusher's heartbeat: it writes so that it notices when nobody reads any more.
  if (tag == "H" && state_ == State::kBlock && rest.empty()) return;
  if (state_ != State::kBlock || (tag != "F" && tag != "D" && tag != "C" && tag != "E")) {
    return Fail(at + "unexpected '" + std::string(tag.substr(0, 20)) + "' line");
  }
  if (tag == "E") {
    if (!rest.empty()) return Fail(at + "bad block end");
    for (size_t i = 0; i < curls_.size(); ++i) {
      if (!curls_[i].done) return Fail(at + "block ended before curl " + std::to_string(i));
    }
    for (; next_seq_ < block_end_; ++next_seq_) {
      auto it = held_.find(next_seq_);
      if (it != held_.end()) {
        EmitHeld(it);
      } else if (!Reported(next_seq_)) {  // a reported one not held went out of order
        Emit(Lost(next_seq_, ""));
      }
    }
    state_ = State::kDone;
    return;
  }
  if (!ToUint(NextWord(&rest), &j)) return Fail(at + "bad curl number");
  if (tag == "F") {
    Curl curl;
    // Curl j has requests first+j, first+j+stride, ... with one stride for all: no request is
    // any two curls'.
    if (j != curls_.size() || !ToUint(NextWord(&rest), &curl.first) ||
        !ToUint(NextWord(&rest), &curl.stride) || !rest.empty() || j >= curl.stride ||
        curl.first != block_first_ + j || curl.first >= block_end_ ||
        (!curls_.empty() && curl.stride != curls_[0].stride)) {
      return Fail(at + "bad curl start");
    }
    curls_.push_back(std::move(curl));
    return;
  }
  if (j >= curls_.size() || curls_[j].done) {
    return Fail(at + "no running curl " + std::to_string(j));
  }
  Curl& curl = curls_[j];
  if (tag == "D") {
    if (!ToUint(NextWord(&rest), &payload_left_) || !rest.empty()) {
      payload_left_ = 0;
      return Fail(at + "bad data length");
    }
    payload_curl_ = j;
    return;
  }
  // C: the curl ended. What it wrote after its last W line is a cut transfer: no result.
  if (!ToInt(NextWord(&rest), &curl.status) || !rest.empty()) return Fail(at + "bad curl status");
  curl.done = true;
  curl.carry.clear();
  curl.body.clear();
  curl.body_size = 0;
}

// Splits one curl's output into bodies and W lines; keeps in curl.carry what cannot be decided
// before more of that curl's output arrives.
void FrameParser::Impl::ScanCurl(Curl& curl, std::string_view bytes) {
  std::string joined;
  std::string_view in = bytes;
  if (!curl.carry.empty()) {
    joined = std::move(curl.carry);
    curl.carry.clear();
    joined.append(bytes);
    in = joined;
  }
  size_t at = 0;
  while (ok()) {
    size_t pos = in.find(marker_, at);
    if (pos == std::string_view::npos) {
      size_t keep = std::min(in.size() - at, marker_.size() - 1);  // a marker may start there
      OnCurlData(curl, in.substr(at, in.size() - at - keep));
      curl.carry = in.substr(in.size() - keep);
      return;
    }
    OnCurlData(curl, in.substr(at, pos - at));
    size_t nl = in.find('\n', pos);
    size_t line_end = nl == std::string_view::npos ? in.size() : nl;
    if (line_end - pos > kMaxFrameLine) {
      return Fail("curl " + std::to_string(&curl - curls_.data()) + ": result line too long");
    }
    if (nl == std::string_view::npos) {
      curl.carry = in.substr(pos);
      return;
    }
    OnResult(curl, in.substr(pos + marker_.size(), nl - pos - marker_.size()));
    at = nl + 1;
  }
}

// Bytes between W lines: the body of the request whose W line comes next.
void FrameParser::Impl::OnCurlData(Curl& curl, std::string_view data) {
  if (curl.body.size() < max_body_bytes_) {
    curl.body.append(data.substr(0, max_body_bytes_ - curl.body.size()));
  }
  curl.body_size += data.size();
}

void FrameParser::Impl::OnResult(Curl& curl, std::string_view rest) {
  const std::string where = "curl " + std::to_string(&curl - curls_.data()) + ": ";
  uint64_t urlnum = 0, connects = 0, size = 0;
  double connect_s = 0, total_s = 0;
  ProbeRecord r;
  if (rest.substr(0, 3) != " W ") return Fail(where + "bad result line");
  rest.remove_prefix(3);
  if (!ToUint(NextWord(&rest), &urlnum) || !ToInt(NextWord(&rest), &r.http_code) ||
      !ToInt(NextWord(&rest), &r.curl_exit) || !ToSeconds(NextWord(&rest), &connect_s) ||
      !ToSeconds(NextWord(&rest), &total_s) || !ToUint(NextWord(&rest), &connects) ||
      !ToUint(NextWord(&rest), &size)) {
    return Fail(where + "bad result line");
  }
  // Scripts since the per-connection picture also write %{local_port}; older ones do not.
  // curl writes -1 when the transfer had no socket (file://).
  uint64_t local_port = 0;
  bool has_port = !rest.empty();
  if (has_port) {
    std::string_view word = NextWord(&rest);
    if ((word != "-1" && (!ToUint(word, &local_port) || local_port > 65535)) || !rest.empty()) {
      return Fail(where + "bad result line");
    }
  }
  // One transfer at a time: results come in request order, each exactly once.
  uint64_t seq = curl.first + urlnum * curl.stride;
  if (urlnum != curl.reported || urlnum > (block_end_ - curl.first) / curl.stride ||
      seq >= block_end_) {
    return Fail(where + "result for unexpected request " + std::to_string(urlnum));
  }
  if (size != curl.body_size) {
    return Fail(where + "request " + std::to_string(seq) + " has " +
                std::to_string(curl.body_size) + " body bytes, curl counted " +
                std::to_string(size));
  }
  ++curl.reported;
  r.source_cluster = source_.cluster;
  r.source_pod = source_.pod;
  r.seq = seq;
  r.connect_ms = connect_s * 1000.0;
  r.total_ms = total_s * 1000.0;
  r.new_connection = connects > 0;
  // Which connection carried it: a new one when curl connected, or (keep-alive) the one this
  // curl used last; its local port tells a reconnect apart even when curl counted none.
  bool used = has_port ? local_port != 0 : (connects > 0 || r.http_code != 0);
  if (used) {
    if (connects > 0 || curl.connection == 0 || (has_port && local_port != curl.local_port)) {
      curl.connection = ++connections_;
      curl.local_port = local_port;
    }
    r.connection = curl.connection;
  }
  r.body = std::move(curl.body);
  curl.body.clear();
  curl.body_size = 0;
  // Held until the piece ends (EndPiece), so that OnPiece sees the piece's results together.
  Hold(std::move(r));
  piece_.push_back(seq);
}

void FrameParser::Impl::EndPiece() {
  if (on_piece_ && !piece_.empty()) {
    std::vector<ProbeRecord*> records;
    for (uint64_t seq : piece_) records.push_back(&held_.at(seq));
    on_piece_(records);
  }
  piece_.clear();
  EmitReady();
}

void FrameParser::Impl::Hold(ProbeRecord&& r) {
  held_bytes_ += r.body.size() + kHeldRecordOverhead;
  uint64_t seq = r.seq;
  held_.emplace(seq, std::move(r));
}

void FrameParser::Impl::EmitHeld(std::map<uint64_t, ProbeRecord>::iterator it) {
  held_bytes_ -= it->second.body.size() + kHeldRecordOverhead;
  Emit(std::move(it->second));
  held_.erase(it);
}

// True when the curl of `seq` has reported it (its results come in its request order).
bool FrameParser::Impl::Reported(uint64_t seq) const {
  if (curls_.empty() || seq < block_first_) return false;
  const uint64_t stride = curls_[0].stride;
  const uint64_t j = (seq - block_first_) % stride;
  return j < curls_.size() && (seq - curls_[j].first) / stride < curls_[j].reported;
}

void FrameParser::Impl::EmitReady() {
  while (next_seq_ < block_end_) {
    if (!held_.empty() && held_.begin()->first == next_seq_) {
      EmitHeld(held_.begin());
    } else if (out_of_order_ == 0 || !Reported(next_seq_)) {
      break;  // missing: what comes after waits for it
    }         // else reported, not held: it went out of order already
    ++next_seq_;
  }
  // The reorder buffer is full: the earliest held go out now, ahead of the missing one.
  while (held_bytes_ > kMaxHeldBytes && !held_.empty()) {
    EmitHeld(held_.begin());
    ++out_of_order_;
  }
}

void FrameParser::Impl::Emit(ProbeRecord&& r) {
  sink_(std::move(r));
  ++emitted_;
}

// A request without a result. `why` "" means "its curl ended without reporting it".
ProbeRecord FrameParser::Impl::Lost(uint64_t seq, std::string why) const {
  if (!why.empty()) return LostRecord(source_, seq, std::move(why));
  int status = 0;  // the exit status of the curl that had this request
  for (const Curl& curl : curls_) {
    if (seq >= curl.first && (seq - curl.first) % curl.stride == 0) status = curl.status;
  }
  ProbeRecord lost = LostRecord(
      source_, seq, "curl reported no result (curl exit " + std::to_string(status) + ")");
  lost.curl_exit = status;
  return lost;
}

uint64_t FrameParser::Impl::Stop(const std::string& lost_reason) {
  if (state_ != State::kBlock) {
    state_ = State::kDone;
    return 0;
  }
  // seq -> reason for the requests that get a lost record.
  std::map<uint64_t, std::string> lost;
  for (const Curl& curl : curls_) {
    for (uint64_t seq = curl.first + curl.reported * curl.stride; seq < block_end_;
         seq += curl.stride) {
      if (curl.done) {
        lost.emplace(seq, "");  // ended without reporting it
      } else {
        if (!lost_reason.empty()) lost.emplace(seq, lost_reason);  // in flight
        break;                                                     // the rest were never sent
      }
    }
  }
  uint64_t before = emitted_;
  auto h = held_.begin();
  auto l = lost.begin();
  while (h != held_.end() || l != lost.end()) {
    if (l == lost.end() || (h != held_.end() && h->first < l->first)) {
      Emit(std::move(h->second));
      ++h;
    } else {
      Emit(Lost(l->first, l->second));
      ++l;
    }
  }
  held_.clear();
  held_bytes_ = 0;
  state_ = State::kDone;
  return emitted_ - before;
}

uint64_t FrameParser::Impl::StopAll(const std::string& why) {
  if (state_ != State::kBlock) {
    state_ = State::kDone;
    return 0;
  }
  uint64_t before = emitted_;
  for (; next_seq_ < block_end_; ++next_seq_) {
    auto it = held_.find(next_seq_);
    if (it != held_.end()) {
      EmitHeld(it);
    } else if (!Reported(next_seq_)) {
      Emit(Lost(next_seq_, why));
    }
  }
  held_.clear();
  held_bytes_ = 0;
  state_ = State::kDone;
  return emitted_ - before;
}

FrameParser::FrameParser(std::string marker, ProbeSource source, size_t max_body_bytes, Sink sink)
    : impl_(std::make_unique<Impl>(std::move(marker), std::move(source), max_body_bytes,
                                   std::move(sink))) {}
FrameParser::~FrameParser() = default;

void FrameParser::Expect(uint64_t first, uint64_t end) {
  impl_->expect_first_ = first;
  impl_->expect_end_ = end;
}
void FrameParser::OnPiece(PieceHook hook) { impl_->on_piece_ = std::move(hook); }
void FrameParser::Feed(std::string_view bytes) { impl_->Feed(bytes); }
uint64_t FrameParser::Stop(const std::string& lost_reason) { return impl_->Stop(lost_reason); }
bool FrameParser::ok() const { return impl_->ok(); }
const std::string& FrameParser::error() const { return impl_->error_; }
bool FrameParser::in_block() const { return impl_->state_ == Impl::State::kBlock; }
uint64_t FrameParser::emitted() const { return impl_->emitted_; }
uint64_t FrameParser::connections() const { return impl_->connections_; }
uint64_t FrameParser::next_seq() const { return impl_->next_seq_; }
uint64_t FrameParser::out_of_order() const { return impl_->out_of_order_; }
size_t FrameParser::held_bytes() const { return impl_->held_bytes_; }
uint64_t FrameParser::StopAll(const std::string& why) { return impl_->StopAll(why); }

}  // namespace meshverify::probe
