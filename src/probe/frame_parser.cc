// Parser of the probe script's framed output (probe.h).
#include <charconv>
#include <cstdlib>

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

// "dir/0000000042" or "0000000042" -> 42.
bool SeqOfFile(std::string_view file, uint64_t* seq) {
  size_t slash = file.rfind('/');
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return ToUint(file, seq);
}

}  // namespace

FrameParser::FrameParser(std::string marker, ExecTarget source, size_t max_body_bytes, Sink sink)
    : marker_(std::move(marker)),
      source_(std::move(source)),
      max_body_bytes_(max_body_bytes),
      sink_(std::move(sink)) {}

void FrameParser::Fail(std::string why) {
  if (error_.empty()) error_ = "line " + std::to_string(line_no_) + ": " + why;
}

void FrameParser::Feed(std::string_view bytes) {
  while (!bytes.empty() && ok()) {
    if (state_ == State::kBodies) {
      FeedBodies(&bytes);
      continue;
    }
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      // A framing line is short; anything longer is garbage, not worth buffering.
      if (line_.size() + bytes.size() > 4096) {
        Fail("line too long");
        return;
      }
      line_.append(bytes);
      return;
    }
    line_.append(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
    ++line_no_;
    std::string line = std::move(line_);
    line_.clear();
    OnLine(line);
  }
}

void FrameParser::FeedBodies(std::string_view* bytes) {
  while (body_index_ < sizes_.size() && !bytes->empty()) {
    auto [seq, size] = sizes_[body_index_];
    size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, bytes->size()));
    auto it = results_.find(seq);
    if (it != results_.end()) {
      std::string& body = it->second.body;
      size_t room = body.size() < max_body_bytes_ ? max_body_bytes_ - body.size() : 0;
      body.append(bytes->substr(0, std::min(take, room)));
    }
    bytes->remove_prefix(take);
    body_left_ -= take;
    if (body_left_ == 0) {
      ++body_index_;
      if (body_index_ < sizes_.size()) body_left_ = sizes_[body_index_].second;
    }
  }
  if (body_index_ >= sizes_.size()) state_ = State::kEnd;
}

void FrameParser::OnLine(std::string_view line) {
  std::string_view rest = line;
  if (NextWord(&rest) != marker_) {
    // Only the wc listing has lines without our marker.
    if (state_ != State::kSizes) {
      Fail("unexpected output: '" + std::string(line.substr(0, 80)) + "'");
      return;
    }
    uint64_t bytes = 0, seq = 0;
    rest = line;
    std::string_view size_word = NextWord(&rest);
    std::string_view name = NextWord(&rest);
    if (!ToUint(size_word, &bytes) || !rest.empty()) {
      Fail("expected '<bytes> <file>' from wc");
      return;
    }
    if (name == "total") return;
    if (!SeqOfFile(name, &seq) || seq < block_first_ || seq >= block_end_) {
      Fail("wc lists an unexpected file '" + std::string(name) + "'");
      return;
    }
    if (bytes > 0) sizes_.emplace_back(seq, bytes);
    return;
  }
  std::string_view tag = NextWord(&rest);
  if (tag == "S" && state_ == State::kIdle) {
    if (!ToUint(NextWord(&rest), &block_first_) || !ToUint(NextWord(&rest), &block_end_) ||
        block_end_ <= block_first_) {
      Fail("bad block start");
      return;
    }
    results_.clear();
    sizes_.clear();
    state_ = State::kResults;
  } else if (tag == "W" && state_ == State::kResults) {
    OnResultLine(rest);
  } else if (tag == "C" && state_ == State::kResults) {
    if (!ToInt(NextWord(&rest), &curl_status_)) Fail("bad curl status");
    state_ = State::kSizes;
  } else if (tag == "B" && state_ == State::kSizes) {
    body_index_ = 0;
    body_left_ = sizes_.empty() ? 0 : sizes_[0].second;
    state_ = sizes_.empty() ? State::kEnd : State::kBodies;
  } else if (tag == "E" && state_ == State::kEnd) {
    FinishBlock();
  } else {
    Fail("unexpected '" + std::string(tag) + "' line");
  }
}

void FrameParser::OnResultLine(std::string_view rest) {
  uint64_t seq = 0, connects = 0, size = 0;
  double connect_s = 0, total_s = 0;
  ProbeRecord r;
  if (!SeqOfFile(NextWord(&rest), &seq) || !ToInt(NextWord(&rest), &r.http_code) ||
      !ToInt(NextWord(&rest), &r.curl_exit) || !ToSeconds(NextWord(&rest), &connect_s) ||
      !ToSeconds(NextWord(&rest), &total_s) || !ToUint(NextWord(&rest), &connects) ||
      !ToUint(NextWord(&rest), &size) || !rest.empty()) {
    Fail("bad result line");
    return;
  }
  if (seq < block_first_ || seq >= block_end_ || results_.count(seq) != 0) {
    Fail("result for unexpected request " + std::to_string(seq));
    return;
  }
  r.source_cluster = source_.cluster;
  r.source_pod = source_.pod;
  r.seq = seq;
  r.connect_ms = connect_s * 1000.0;
  r.total_ms = total_s * 1000.0;
  r.new_connection = connects > 0;
  results_.emplace(seq, std::move(r));
}

void FrameParser::FinishBlock() {
  for (uint64_t seq = block_first_; seq < block_end_; ++seq) {
    auto it = results_.find(seq);
    if (it != results_.end()) {
      sink_(std::move(it->second));
    } else {
      ProbeRecord lost;
      lost.source_cluster = source_.cluster;
      lost.source_pod = source_.pod;
      lost.seq = seq;
      lost.curl_exit = curl_status_;
      lost.error = "curl reported no result (curl exit " + std::to_string(curl_status_) + ")";
      sink_(std::move(lost));
    }
    ++emitted_;
  }
  results_.clear();
  sizes_.clear();
  state_ = State::kIdle;
}

}  // namespace meshverify::probe
