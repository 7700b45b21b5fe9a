#pragma once
// A small SVG line-chart writer for the load report's HTML page. Pure.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/render_util.h"

namespace meshverify::load::internal {

struct Series {
  std::string name;
  std::string color;
  std::vector<double> x, y;     // one point per window (or per sweep step)
  std::vector<uint64_t> index;  // the window (or step) of each point
  std::vector<double> lo, hi;   // optional band around the line (same length as x)
  bool dashed = false;
};

struct Band {  // a horizontal band, e.g. expected share +- tolerance
  double lo = 0, hi = 0;
  std::string color, label;
};

struct Marker {  // a vertical line, e.g. an event
  double x = 0;
  std::string label;
};

struct Chart {
  std::string id;  // data-chart
  std::string title;
  std::string x_label, y_label;
  double y_min = 0, y_max = 0;  // y_max <= y_min: from the data
  bool percent = false;         // y axis labels as %
  std::vector<Series> series;
  std::vector<Band> bands;
  std::vector<Marker> markers;
};

inline Chart MakeChart(std::string id, std::string title, std::string x_label, std::string y_label,
                       double y_min = 0, double y_max = 0, bool percent = false) {
  Chart c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.x_label = std::move(x_label);
  c.y_label = std::move(y_label);
  c.y_min = y_min;
  c.y_max = y_max;
  c.percent = percent;
  return c;
}

inline Series MakeSeries(std::string name, std::string color) {
  Series s;
  s.name = std::move(name);
  s.color = std::move(color);
  return s;
}

// Text and attribute values in the HTML page and its charts: the report renderers' escaping.
inline std::string EscapeHtml(std::string_view s) { return render::XmlEscape(s, /*attribute=*/true); }
std::string RenderChart(const Chart& c);

}  // namespace meshverify::load::internal
