#include "meshverify/ingest.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analyze/record_batch.h"
#include "analyze/seq_set.h"
#include "meshverify/records.h"
#include "meshverify/reply_parser.h"
#include "meshverify/utf8.h"

namespace meshverify {
namespace {

constexpr size_t kSampleBytes = SourceCounts::kMaxSampleBytes;
// Raw lines are counted in slots (one per category) and flushed into the Aggregator at the end
// of a source, so the hot path touches no map. Past kLinearSlots a hash index is used; past
// kMaxSlots (hostile input with a new instance per line) the slots are flushed and reused.
constexpr size_t kLinearSlots = 8;
constexpr size_t kMaxSlots = 4096;
// Captures repeat a handful of distinct lines: distinct lines (up to kMaxCachedLine bytes) are
// remembered with their slot in a direct-mapped cache of kLineCache entries, so a repeated line
// is counted with one hash and one comparison, and never parsed again.
constexpr size_t kLineCache = 256;
constexpr size_t kMaxCachedLine = 256;
// Duplicate records are found by (source cluster, pod, seq) in ranges of seqs (SeqSet); past
// kMaxSeqRanges ranges in all (hostile input, ~50 bytes each) the check stops, and says so.
constexpr size_t kMaxSeqRanges = size_t{1} << 18;
static_assert(kLineCache == 256, "CountRaw indexes the cache with the hash's top 8 bits");

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// A cheap hash of a line from its length and last 16 bytes, where pod names carry their random
// suffix; the cache compares whole lines, so collisions cost only a miss.
uint64_t LineHash(std::string_view line) {
  uint64_t h = line.size();
  if (line.size() >= 16) {
    h ^= Load8(line.data() + line.size() - 8) ^ (Load8(line.data() + line.size() - 16) << 1);
  } else {
    uint64_t t = 0;
    std::memcpy(&t, line.data(), std::min<size_t>(line.size(), 8));
    h ^= t;
  }
  return h * 0x9E3779B97F4A7C15u;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

InputFormat Detect(std::string_view first_line) {
  const size_t i = first_line.find_first_not_of(" \t");
  return i != std::string_view::npos && first_line[i] == '{' ? InputFormat::kJsonl
                                                             : InputFormat::kRaw;
}

}  // namespace

Result<InputFormat> ParseInputFormat(std::string_view s) {
  if (s == "auto") return InputFormat::kAuto;
  if (s == "raw") return InputFormat::kRaw;
  if (s == "jsonl") return InputFormat::kJsonl;
  return Status::InvalidInput("--format: expected auto, raw or jsonl, got '" + std::string(s) +
                              "'");
}

const char* InputFormatName(InputFormat f) {
  switch (f) {
    case InputFormat::kRaw:
      return "raw";
    case InputFormat::kJsonl:
      return "jsonl";
    case InputFormat::kAuto:
      break;
  }
  return "auto";
}

struct Ingestor::State {
  struct Slot {
    std::string version;
    std::string instance;
    std::string cluster;
    uint64_t count = 0;
  };

  IngestOptions options;
  ReplyParser parser;
  RecordBatch batch{&parser};  // JSONL answers; State stays put, so &parser does too
  Aggregator agg;
  Status error;
  uint64_t total_lines = 0;
  uint64_t skipped_notices = 0;
  std::vector<std::string> notice_samples;

  // The current source.
  bool active = false;
  std::string name;
  InputFormat format = InputFormat::kAuto;
  uint64_t offset = 0;   // bytes fed so far
  uint64_t line_no = 0;  // lines ended so far, blank ones included
  uint64_t source_lines = 0;
  std::string carry;       // start of an unfinished line; its first kSampleBytes when oversize
  uint64_t carry_len = 0;  // full length of the unfinished line
  bool oversize = false;

  static constexpr size_t kNoSlot = ~size_t{0};
  struct CachedLine {
    std::string line;
    uint64_t hash = 0;
    size_t slot = kNoSlot;
  };

  std::vector<Slot> slots;
  size_t last_slot = 0;
  std::vector<CachedLine> line_cache{kLineCache};  // entries point into `slots`: reset with it
  std::unordered_map<std::string, size_t> slot_index;
  std::string slot_key;
  ProbeRecord record;  // the JSONL line being read; its buffers are reused
  bool has_seq = false;

  // Duplicate (cluster, pod, seq) records, across every source.
  struct RecentSource {  // sources' records are interleaved: the last few are remembered
    std::string cluster, pod;
    SeqSet* seqs = nullptr;
  };
  static constexpr size_t kRecentSources = 4;
  std::unordered_map<std::string, SeqSet> seqs;  // "<cluster>\0<pod>" -> seqs seen
  RecentSource recent[kRecentSources];
  size_t next_recent = 0;  // the entry of `recent` a new source replaces
  std::string seq_key;
  size_t seq_ranges = 0;
  bool seq_check_stopped = false;
  uint64_t duplicates = 0;
  std::vector<std::string> duplicate_samples;

  State(IngestOptions o, ReplyParser p) : options(std::move(o)), parser(std::move(p)) {}

  void ProcessLine(std::string_view line) {
    ++line_no;
    if (line.size() > options.max_line_bytes) {
      ProcessOversize(line.substr(0, kSampleBytes));
      return;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Most lines start with a letter or '{': skip the blank scan for them.
    if (line.empty() || ((line[0] == ' ' || line[0] == '\t' || line[0] == '\r') && IsBlank(line))) {
      return;
    }
    ++source_lines;
    ++total_lines;
    if (format == InputFormat::kAuto) format = Detect(line);
    if (format == InputFormat::kRaw) {
      CountRaw(line);
    } else {
      CountJsonl(line);
    }
  }

  // A line longer than max_line_bytes: counted, never parsed (and never buffered whole).
  void ProcessOversize(std::string_view sample) {
    ++source_lines;
    ++total_lines;
    if (format == InputFormat::kAuto) format = Detect(sample);
    agg.AddError("", name, kErrUnparsed, sample);
  }

  void CountRaw(std::string_view line) {
    const uint64_t hash = LineHash(line);
    CachedLine& c = line_cache[hash >> 56];  // kLineCache == 256 entries
    if (c.hash == hash && c.slot != kNoSlot && c.line == line) {
      ++slots[c.slot].count;
      return;
    }
    const std::optional<ReplyView> v = parser.Parse(line);
    if (!v) {
      if (IsKubectlNotice(line)) {
        SkipNotice(line);
      } else {
        agg.AddError("", name, kErrUnparsed, line.substr(0, kSampleBytes));
      }
      return;
    }
    const size_t slot = FindSlot(*v);
    ++slots[slot].count;
    if (line.size() <= kMaxCachedLine) {
      c.line.assign(line);  // reuses the entry's buffer
      c.hash = hash;
      c.slot = slot;
    }
  }

  void SkipNotice(std::string_view line) {
    ++skipped_notices;
    if (notice_samples.size() < Ingestor::kMaxNoticeSamples) {
      notice_samples.push_back(name + ":" + std::to_string(line_no) + ": " +
                               SanitizeUtf8(line, kSampleBytes));
    }
  }

  static bool Matches(const Slot& s, const ReplyView& v) {
    return s.instance == v.instance && s.version == v.version && s.cluster == v.cluster;
  }

  size_t FindSlot(const ReplyView& v) {
    if (last_slot < slots.size() && Matches(slots[last_slot], v)) return last_slot;
    const size_t linear = std::min(slots.size(), kLinearSlots);
    for (size_t i = 0; i < linear; ++i) {
      if (Matches(slots[i], v)) return last_slot = i;
    }
    if (slots.size() > kLinearSlots) {
      MakeKey(v);
      auto it = slot_index.find(slot_key);
      if (it != slot_index.end()) return last_slot = it->second;
    }
    if (slots.size() >= kMaxSlots) FlushSlots();
    const size_t i = slots.size();
    slots.push_back(Slot{std::string(v.version), std::string(v.instance), std::string(v.cluster)});
    if (i >= kLinearSlots) {
      MakeKey(v);
      slot_index.emplace(slot_key, i);
    }
    return last_slot = i;
  }

  void MakeKey(const ReplyView& v) {
    slot_key.assign(v.version);
    slot_key.push_back('\0');
    slot_key.append(v.instance);
    slot_key.push_back('\0');
    slot_key.append(v.cluster);
  }

  void FlushSlots() {
    batch.Flush(&agg);
    for (const Slot& s : slots) {
      agg.AddOkCount("", name, s.cluster, s.version, s.instance, s.count);
    }
    slots.clear();
    slot_index.clear();
    last_slot = 0;
    for (CachedLine& c : line_cache) c.slot = kNoSlot;
  }

  void CountJsonl(std::string_view line) {
    if (Status s = ParseRecordLineInto(line, name, line_no, &record, &has_seq); !s.ok()) {
      error = s;
      return;
    }
    const ProbeRecord* r = &record;
    if (has_seq && IsDuplicate(*r)) {
      ++duplicates;
      if (duplicate_samples.size() < Ingestor::kMaxDuplicateSamples) {
        duplicate_samples.push_back(name + ":" + std::to_string(line_no));
      }
      return;
    }
    const std::string_view cls = ClassifyRecord(*r);
    if (!cls.empty()) {
      agg.AddError(r->source_cluster, r->source_pod, cls);
      return;
    }
    if (!batch.Add(*r, &agg)) {
      agg.AddError(r->source_cluster, r->source_pod, kErrUnparsed,
                   std::string_view(r->body).substr(0, kSampleBytes));
    }
  }

  // True when the record's (cluster, pod, seq) was seen before; else remembers it.
  bool IsDuplicate(const ProbeRecord& r) {
    if (seq_check_stopped) return false;
    SeqSet* set = RecentSeqs(r);
    const size_t before = set->ranges();
    if (!set->Insert(r.seq)) return true;
    seq_ranges = seq_ranges - before + set->ranges();
    if (seq_ranges > kMaxSeqRanges) {
      seq_check_stopped = true;
      seqs.clear();
      for (RecentSource& e : recent) e.seqs = nullptr;
    }
    return false;
  }

  // The SeqSet of the record's source; a source not in `recent` replaces the oldest entry.
  SeqSet* RecentSeqs(const ProbeRecord& r) {
    for (RecentSource& e : recent) {
      if (e.seqs != nullptr && e.pod == r.source_pod && e.cluster == r.source_cluster) {
        return e.seqs;
      }
    }
    RecentSource& e = recent[next_recent];
    next_recent = (next_recent + 1) % kRecentSources;
    seq_key.assign(r.source_cluster);
    seq_key.push_back('\0');
    seq_key.append(r.source_pod);
    e.seqs = &seqs.try_emplace(seq_key).first->second;
    e.cluster = r.source_cluster;
    e.pod = r.source_pod;
    return e.seqs;
  }

  void AppendCarry(const char* p, size_t n) {
    const uint64_t len = carry_len + n;
    if (!oversize && len > options.max_line_bytes) {
      oversize = true;
      carry.resize(std::min(carry.size(), kSampleBytes));
    }
    if (oversize) {
      n = std::min(n, kSampleBytes - carry.size());
    }
    carry.append(p, n);
    carry_len = len;
  }

  void FinishCarry() {
    if (oversize) {
      ++line_no;
      ProcessOversize(carry);
    } else {
      ProcessLine(carry);
    }
    carry.clear();
    carry_len = 0;
    oversize = false;
  }

  Status Feed(std::string_view chunk) {
    if (!error.ok()) return error;
    if (!active) return Status::Internal("Ingestor::Feed called before BeginSource");
    // Lines before a NUL are still read, so that the first error in byte order is reported
    // however the input is cut into chunks.
    const auto* nul = static_cast<const char*>(std::memchr(chunk.data(), '\0', chunk.size()));
    if (nul != nullptr) {
      const uint64_t byte = offset + (nul - chunk.data()) + 1;
      if (Status s = FeedText(chunk.substr(0, nul - chunk.data())); !s.ok()) return s;
      error = Status::InvalidInput(name + ": byte " + std::to_string(byte) + ": binary input");
      return error;
    }
    return FeedText(chunk);
  }

  // Feed without NUL bytes.
  Status FeedText(std::string_view chunk) {
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    offset += chunk.size();
    if (carry_len > 0) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      AppendCarry(p, (nl != nullptr ? nl : end) - p);
      if (nl == nullptr) return error;
      FinishCarry();
      p = nl + 1;
    }
    while (error.ok() && p < end) {
      const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (nl == nullptr) {
        AppendCarry(p, end - p);
        break;
      }
      ProcessLine(std::string_view(p, nl - p));
      p = nl + 1;
    }
    return error;
  }

  Status EndSource() {
    if (!active) return error;
    if (error.ok() && carry_len > 0) FinishCarry();
    FlushSlots();
    carry.clear();
    carry.shrink_to_fit();
    carry_len = 0;
    oversize = false;
    active = false;
    return error;
  }

  void BeginSource(std::string_view source_name) {
    if (active) (void)EndSource();
    active = true;
    name = source_name;
    format = options.format;
    offset = 0;
    line_no = 0;
    source_lines = 0;
  }
};

Result<Ingestor> Ingestor::Create(const IngestOptions& options) {
  if (options.max_line_bytes == 0) {
    return Status::InvalidInput("--max-line-bytes: must be positive");
  }
  Result<ReplyParser> parser = ReplyParser::Create(options.pattern);
  if (!parser.ok()) return parser.status();
  return Ingestor(std::make_unique<State>(options, std::move(parser).value()));
}

Ingestor::Ingestor(std::unique_ptr<State> state) : s_(std::move(state)) {}
Ingestor::Ingestor(Ingestor&&) noexcept = default;
Ingestor& Ingestor::operator=(Ingestor&&) noexcept = default;
Ingestor::~Ingestor() = default;

void Ingestor::BeginSource(std::string_view name) { s_->BeginSource(name); }
Status Ingestor::Feed(std::string_view chunk) { return s_->Feed(chunk); }
Status Ingestor::EndSource() { return s_->EndSource(); }
const Aggregator& Ingestor::aggregate() const { return s_->agg; }
Aggregator Ingestor::TakeAggregate() {
  s_->FlushSlots();
  return std::exchange(s_->agg, Aggregator());
}
InputFormat Ingestor::source_format() const { return s_->format; }
uint64_t Ingestor::source_lines() const { return s_->source_lines; }
uint64_t Ingestor::total_lines() const { return s_->total_lines; }
uint64_t Ingestor::skipped_notices() const { return s_->skipped_notices; }
const std::vector<std::string>& Ingestor::notice_samples() const { return s_->notice_samples; }
uint64_t Ingestor::duplicates() const { return s_->duplicates; }
const std::vector<std::string>& Ingestor::duplicate_samples() const {
  return s_->duplicate_samples;
}
bool Ingestor::duplicate_check_stopped() const { return s_->seq_check_stopped; }

}  // namespace meshverify
