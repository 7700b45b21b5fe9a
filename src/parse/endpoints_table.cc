// The Go tabwriter tables of `istioctl proxy-config endpoints` (ENDPOINT STATUS OUTLIER CHECK
// CLUSTER) and `istioctl proxy-config eds` (NAME STATUS LOCALITY CLUSTER).
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

Status RowError(std::string_view source, int line, const std::string& reason) {
  return Status::InvalidInput(std::string(source) + ":" + std::to_string(line) + ": " + reason);
}

std::string EndpointText(std::string_view cell) {
  if (cell.substr(0, 9) == "endpoint/") cell.remove_prefix(9);  // `istioctl pc all`
  cell = cell.substr(0, cell.find(','));  // additional addresses follow the first
  if (!cell.empty() && (cell.front() == '/' || cell.front() == '@')) {
    return "unix://" + std::string(cell);  // eds prints a pipe as its bare path
  }
  return std::string(cell);
}

Status FillCell(Column column, std::string_view cell, std::string_view source, int line,
                Endpoint* ep) {
  switch (column) {
    case Column::kEndpoint: {
      Result<HostPort> hp = SplitEndpointAddress(EndpointText(cell));
      if (!hp.ok()) return RowError(source, line, hp.status().message());
      ep->address = std::move(hp->address);
      ep->port = hp->port;
      return Status::Ok();
    }
    case Column::kStatus:
      if (!NormalizeHealth(cell, &ep->health)) {
        return RowError(source, line,
                        "unknown STATUS '" + Printable(cell) +
                            "' (want UNKNOWN|HEALTHY|UNHEALTHY|DRAINING|TIMEOUT|DEGRADED)");
      }
      return Status::Ok();
    case Column::kOutlier:
      if (cell != "OK" && cell != "FAILED") {
        return RowError(source, line,
                        "unknown OUTLIER CHECK '" + Printable(cell) + "' (want OK|FAILED)");
      }
      ep->outlier_ejected = cell == "FAILED";
      return Status::Ok();
    case Column::kLocality:
      ep->locality = std::string(cell);
      return Status::Ok();
    case Column::kCluster:
      if (cell.empty()) return RowError(source, line, "empty CLUSTER");
      ep->envoy_cluster = std::string(cell);
      return Status::Ok();
    case Column::kOther:
      return Status::Ok();
  }
  return Status::Ok();
}

Result<std::vector<Endpoint>> ParseTable(std::string_view text, std::string_view source,
                                         std::string_view want_header) {
  std::vector<Line> lines = SplitLines(text);
  size_t h = 0;
  while (h < lines.size() && Trim(lines[h].text).empty()) ++h;
  if (h == lines.size()) return Status::InvalidInput(std::string(source) + ": empty input");
  std::vector<HeaderCell> header;
  bool has[6] = {};
  for (auto [start, name] : SplitWide(lines[h].text)) {
    Column c = ColumnOf(name);
    header.push_back({c, start});
    has[static_cast<int>(c)] = true;
  }
  if (!has[int(Column::kEndpoint)] || !has[int(Column::kStatus)] || !has[int(Column::kCluster)]) {
    return RowError(source, lines[h].number,
                    "expected a header '" + std::string(want_header) + "'");
  }
  std::vector<Endpoint> out;
  std::vector<std::string_view> cells;
  for (size_t i = h + 1; i < lines.size(); ++i) {
    std::string_view row = lines[i].text;
    if (Trim(row).empty()) continue;
    if (!CutAtOffsets(row, header, &cells)) {
      // Not aligned with the header (hand-edited or re-spaced): fall back to wide blanks.
      auto wide = SplitWide(row);
      if (wide.size() + 1 == header.size() && has[int(Column::kLocality)]) {
        size_t loc = 0;
        while (header[loc].column != Column::kLocality) ++loc;
        wide.insert(wide.begin() + static_cast<long>(loc), {0, std::string_view()});  // empty
      }
      if (wide.size() != header.size()) {
        return RowError(source, lines[i].number,
                        "expected " + std::to_string(header.size()) + " columns (" +
                            std::string(want_header) + "), got " + std::to_string(wide.size()));
      }
      cells.clear();
      for (auto& w : wide) cells.push_back(w.second);
    }
    Endpoint ep;
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c].column == Column::kEndpoint && cells[c].empty()) {
        return RowError(source, lines[i].number,
                        "empty " + std::string(want_header.substr(0, want_header.find(' '))));
      }
      Status s = FillCell(header[c].column, cells[c], source, lines[i].number, &ep);
      if (!s.ok()) return s;
    }
    out.push_back(std::move(ep));
  }
  return out;
}

}  // namespace

Result<std::vector<Endpoint>> ParseIstioctlTable(std::string_view text, std::string_view source) {
  return ParseTable(text, source, "ENDPOINT STATUS OUTLIER CHECK CLUSTER");
}

Result<std::vector<Endpoint>> ParseEdsTable(std::string_view text, std::string_view source) {
  return ParseTable(text, source, "NAME STATUS LOCALITY CLUSTER");
}

}  // namespace meshverify::endpoints_internal
