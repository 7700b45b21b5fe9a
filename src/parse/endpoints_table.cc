// The Go tabwriter tables of `istioctl proxy-config endpoints` (ENDPOINT STATUS OUTLIER CHECK
// CLUSTER; before Istio 1.1 ENDPOINT STATUS CLUSTER) and `istioctl proxy-config eds` (NAME
// STATUS LOCALITY CLUSTER), with or without their header.
#include <algorithm>
#include <cctype>

#include "meshverify/endpoint_parsers.h"
#include "parse/endpoints_internal.h"

namespace meshverify::endpoints_internal {

namespace {

enum class Column { kEndpoint, kStatus, kOutlier, kLocality, kCluster, kOther };

struct HeaderCell {
  Column column;
  size_t start;  // byte offset in the header line
};

Column ColumnOf(std::string_view name) {
  if (name == "ENDPOINT" || name == "NAME") return Column::kEndpoint;
  if (name == "STATUS") return Column::kStatus;
  if (name == "OUTLIER CHECK") return Column::kOutlier;
  if (name == "LOCALITY") return Column::kLocality;
  if (name == "CLUSTER") return Column::kCluster;
  return Column::kOther;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Splits on runs of two or more blanks, or on any tab: tabwriter pads with at least 5 spaces
// and no cell holds two blanks in a row ("OUTLIER CHECK" holds one).
std::vector<std::pair<size_t, std::string_view>> SplitWide(std::string_view line) {
  std::vector<std::pair<size_t, std::string_view>> cells;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() &&
           !(line[i] == '\t' || (line[i] == ' ' && i + 1 < line.size() && IsBlank(line[i + 1])))) {
      ++i;
    }
    cells.emplace_back(start, Trim(line.substr(start, i - start)));
  }
  return cells;
}

// Cuts a row at the header's column offsets. Fails when a cell straddles an offset (the row was
// not written by the same tabwriter as the header).
bool CutAtOffsets(std::string_view row, const std::vector<HeaderCell>& header,
                  std::vector<std::string_view>* cells) {
  cells->clear();
  for (size_t i = 0; i < header.size(); ++i) {
    size_t start = header[i].start;
    size_t end = i + 1 < header.size() ? header[i + 1].start : row.size();
    if (start >= row.size()) {
      cells->push_back({});
      continue;
    }
    if (start > 0 && !IsBlank(row[start - 1])) return false;
    if (end < row.size() && !IsBlank(row[end - 1])) return false;
    cells->push_back(Trim(row.substr(start, std::min(end, row.size()) - start)));
  }
  return true;
}

// Splits on any run of blanks: no cell of a row holds a blank, so this reads rows whatever
// their spacing (re-spaced pastes, tabwriter widths that differ from the header's).
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

Status RowError(std::string_view source, int line, const std::string& reason) {
  return Status::InvalidInput(std::string(source) + ":" + std::to_string(line) + ": " + reason);
}

constexpr char kCutOff[] =
    "row ends before its CLUSTER column (cut off?): kept with no Envoy cluster";

std::string EndpointText(std::string_view cell) {
  if (cell.substr(0, 9) == "endpoint/") cell.remove_prefix(9);  // `istioctl pc all`
  cell = cell.substr(0, cell.find(','));  // additional addresses follow the first
  if (!cell.empty() && (cell.front() == '/' || cell.front() == '@')) {
    return "unix://" + std::string(cell);  // eds prints a pipe as its bare path
  }
  return std::string(cell);
}

// The columns of a header line, at their offsets; a header re-spaced with single blanks is
// read by its words (OUTLIER CHECK is two), and its offsets are then no use (*by_words).
// Returns no columns unless ENDPOINT (or NAME), STATUS and CLUSTER are among them.
std::vector<HeaderCell> HeaderColumns(std::string_view line, bool* by_words) {
  auto complete = [](const std::vector<HeaderCell>& cells) {
    bool has[6] = {};
    for (const HeaderCell& c : cells) has[static_cast<int>(c.column)] = true;
    return has[int(Column::kEndpoint)] && has[int(Column::kStatus)] && has[int(Column::kCluster)];
  };
  std::vector<HeaderCell> cells;
  for (auto [start, name] : SplitWide(line)) cells.push_back({ColumnOf(name), start});
  *by_words = false;
  if (complete(cells)) return cells;
  cells.clear();
  std::vector<std::string_view> words = Words(line);
  for (size_t i = 0; i < words.size(); ++i) {
    bool outlier = words[i] == "OUTLIER" && i + 1 < words.size() && words[i + 1] == "CHECK";
    cells.push_back({outlier ? Column::kOutlier : ColumnOf(words[i]), 0});
    i += outlier;
  }
  *by_words = true;
  if (complete(cells)) return cells;
  return {};
}

// One table being read: its header (empty when the rows came without one) and where to put
// warnings.
struct Table {
  std::string_view source;
  std::string_view want_header;
  Warnings* warnings = nullptr;
  std::vector<HeaderCell> header;
  bool offsets = false;  // rows may be cut at the header's offsets

  Status Error(int line, const std::string& reason) const { return RowError(source, line, reason); }
  void Warn(int line, const std::string& reason) const {
    if (warnings != nullptr) warnings->AtLine(line, reason);
  }
  Status FillCell(Column column, std::string_view cell, int line, Endpoint* ep) const;
  Status ReadHeader(std::string_view line, int number);
  Status RowByOffsets(const std::vector<std::string_view>& cells, int line, Endpoint* ep) const;
  Status RowByShape(std::string_view row, int line, Endpoint* ep) const;
};

Status Table::FillCell(Column column, std::string_view cell, int line, Endpoint* ep) const {
  switch (column) {
    case Column::kEndpoint: {
      bool not_ip = false;
      Result<HostPort> hp = SplitEndpointOrPlaceholder(EndpointText(cell), &not_ip);
      if (!hp.ok()) return Error(line, hp.status().message());
      if (not_ip) Warn(line, NotAnIpWarning(hp->address));
      ep->address = std::move(hp->address);
      ep->port = hp->port;
      return Status::Ok();
    }
    case Column::kStatus:
      if (cell.empty()) return Error(line, "row ends before its STATUS column (cut off?)");
      if (!NormalizeHealth(cell, &ep->health)) {
        return Error(line, "unknown STATUS '" + Printable(cell) +
                               "' (want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)");
      }
      return Status::Ok();
    case Column::kOutlier:
      if (cell != "OK" && cell != "FAILED") {
        return Error(line, "unknown OUTLIER CHECK '" + Printable(cell) + "' (want OK|FAILED)");
      }
      ep->outlier_ejected = cell == "FAILED";
      return Status::Ok();
    case Column::kLocality:
      ep->locality = std::string(cell);
      return Status::Ok();
    case Column::kCluster:
      if (cell.empty()) return Error(line, "empty CLUSTER");
      ep->envoy_cluster = std::string(cell);
      return Status::Ok();
    case Column::kOther:
      return Status::Ok();
  }
  return Status::Ok();
}

Status Table::ReadHeader(std::string_view line, int number) {
  bool by_words = false;
  header = HeaderColumns(line, &by_words);
  offsets = !by_words;
  if (header.empty()) return Error(number, "expected a header '" + std::string(want_header) + "'");
  return Status::Ok();
}

// A row cut at the header's offsets. A row that stops after its STATUS (the rest of the line
// is gone: a paste cut short) is kept without the missing cells, with a warning.
Status Table::RowByOffsets(const std::vector<std::string_view>& cells, int line,
                           Endpoint* ep) const {
  size_t cut = header.size();
  for (size_t c = 0; c < header.size(); ++c) {
    Column col = header[c].column;
    if (col == Column::kEndpoint && cells[c].empty()) {
      return Error(line, "empty " + std::string(want_header.substr(0, want_header.find(' '))));
    }
    if (cells[c].empty() && (col == Column::kOutlier || col == Column::kCluster)) {
      cut = c;
      break;
    }
  }
  for (size_t c = cut; c < header.size(); ++c) {
    if (!cells[c].empty()) {
      cut = header.size();  // a gap inside the row, not a cut: FillCell names the empty cell
      break;
    }
  }
  for (size_t c = 0; c < cut; ++c) {
    if (Status s = FillCell(header[c].column, cells[c], line, ep); !s.ok()) return s;
  }
  if (cut < header.size()) Warn(line, kCutOff);
  return Status::Ok();
}

// A row read by the shape of its words: ADDRESS STATUS [OK|FAILED] [LOCALITY] [CLUSTER]. This
// is how rows without a header (`istioctl pc endpoints POD | grep ...`) and rows re-spaced
// away from the header's offsets are read. A LOCALITY never reads OK or FAILED.
Status Table::RowByShape(std::string_view row, int line, Endpoint* ep) const {
  std::vector<std::string_view> words = Words(row);
  if (Status s = FillCell(Column::kEndpoint, words[0], line, ep); !s.ok()) return s;
  std::string_view status = words.size() > 1 ? words[1] : std::string_view();
  if (Status s = FillCell(Column::kStatus, status, line, ep); !s.ok()) return s;
  size_t i = 2;
  if (i < words.size() && (words[i] == "OK" || words[i] == "FAILED")) {
    ep->outlier_ejected = words[i++] == "FAILED";
  }
  size_t rest = words.size() - i;
  if (rest == 2) ep->locality = std::string(words[i++]);
  if (rest == 1 || rest == 2) {
    ep->envoy_cluster = std::string(words[i]);
  } else if (rest == 0) {
    Warn(line, kCutOff);
  } else {
    size_t want = header.empty() ? 4 : header.size();
    return Error(line, "expected " + std::to_string(want) + " columns (" +
                           std::string(want_header) + "), got " + std::to_string(words.size()));
  }
  return Status::Ok();
}

bool MaybeHeader(std::string_view line) {
  line = Trim(line);
  return line.substr(0, 8) == "ENDPOINT" || line.substr(0, 4) == "NAME";
}

Result<std::vector<Endpoint>> ParseTable(const std::vector<Line>& lines, std::string_view source,
                                         std::string_view want_header, Warnings* w) {
  size_t h = 0;
  while (h < lines.size() && Trim(lines[h].text).empty()) ++h;
  if (h == lines.size()) return Status::InvalidInput(std::string(source) + ": empty input");
  Table t;
  t.source = source;
  t.want_header = want_header;
  t.warnings = w;
  if (IsTableHeader(lines[h].text)) {
    if (Status s = t.ReadHeader(lines[h].text, lines[h].number); !s.ok()) return s;
    ++h;
  } else if (!LooksLikeTableRow(lines[h].text)) {
    return t.Error(lines[h].number, "expected a header '" + std::string(want_header) +
                                        "' or a row '<address> <STATUS> ...'");
  }
  std::vector<Endpoint> out;
  std::vector<std::string_view> cells;
  for (size_t i = h; i < lines.size(); ++i) {
    std::string_view row = lines[i].text;
    int number = lines[i].number;
    if (Trim(row).empty()) continue;
    if (MaybeHeader(row) && IsTableHeader(row)) {  // another listing pasted after the first
      if (Status s = t.ReadHeader(row, number); !s.ok()) return s;
      continue;
    }
    Endpoint ep;
    Status s = t.offsets && CutAtOffsets(row, t.header, &cells) ? t.RowByOffsets(cells, number, &ep)
                                                                : t.RowByShape(row, number, &ep);
    if (!s.ok()) return s;
    out.push_back(std::move(ep));
  }
  return out;
}

}  // namespace

bool IsTableHeader(std::string_view line) {
  if (!MaybeHeader(line) && line.find("ENDPOINT") == std::string_view::npos &&
      line.find("NAME") == std::string_view::npos) {
    return false;
  }
  bool by_words = false;
  return !HeaderColumns(line, &by_words).empty();
}

bool LooksLikeTableRow(std::string_view line) {
  std::vector<std::string_view> words = Words(line);
  if (words.size() < 2) return false;
  HealthStatus health;
  return words[0].find_first_of(":./@") != std::string_view::npos &&
         NormalizeHealth(words[1], &health);
}

Result<std::vector<Endpoint>> ParseIstioctlTable(const std::vector<Line>& lines,
                                                 std::string_view source, Warnings* w) {
  return ParseTable(lines, source, "ENDPOINT STATUS OUTLIER CHECK CLUSTER", w);
}

Result<std::vector<Endpoint>> ParseEdsTable(const std::vector<Line>& lines, std::string_view source,
                                            Warnings* w) {
  return ParseTable(lines, source, "NAME STATUS LOCALITY CLUSTER", w);
}

}  // namespace meshverify::endpoints_internal
