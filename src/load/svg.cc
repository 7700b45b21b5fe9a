#include "load/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace meshverify::load::internal {
namespace {

constexpr double kW = 720, kH = 240, kLeft = 56, kRight = 150, kTop = 28, kBottom = 36;

std::string N(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string Tick(double v, bool percent) {
  char buf[32];
  if (percent) {
    std::snprintf(buf, sizeof(buf), "%.0f%%", 100 * v);
  } else if (std::fabs(v) >= 100 || v == std::floor(v)) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.2g", v);
  }
  return buf;
}

}  // namespace

std::string RenderChart(const Chart& c) {
  double x0 = 1e300, x1 = -1e300, y0 = c.y_min, y1 = c.y_max;
  const bool auto_y = c.y_max <= c.y_min;
  if (auto_y) y0 = 0, y1 = 0;
  for (const Series& s : c.series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      if (auto_y) y1 = std::max({y1, s.y[i], s.hi.empty() ? 0 : s.hi[i]});
    }
  }
  for (const Marker& m : c.markers) x0 = std::min(x0, m.x), x1 = std::max(x1, m.x);
  if (x0 > x1) x0 = 0, x1 = 1;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 <= y0) y1 = y0 + 1;
  if (auto_y) y1 = c.percent ? std::min(1.0, y1 * 1.1) : y1 * 1.1;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto X = [&](double x) { return kLeft + (x - x0) / (x1 - x0) * pw; };
  auto Y = [&](double y) { return kTop + ph - (std::clamp(y, y0, y1) - y0) / (y1 - y0) * ph; };
  std::ostringstream os;
  os << "<svg class=\"chart\" data-chart=\"" << EscapeHtml(c.id) << "\" viewBox=\"0 0 " << kW << " "
     << kH << "\" width=\"" << kW << "\" height=\"" << kH
     << "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n<title>" << EscapeHtml(c.title)
     << "</title>\n<text x=\"" << kLeft << "\" y=\"18\" class=\"t\">" << EscapeHtml(c.title)
     << "</text>\n<rect x=\"" << kLeft << "\" y=\"" << kTop << "\" width=\"" << N(pw)
     << "\" height=\"" << N(ph) << "\" fill=\"#fafafa\" stroke=\"#999\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    const double v = y0 + (y1 - y0) * i / 4;
    os << "<line x1=\"" << kLeft << "\" x2=\"" << N(kLeft + pw) << "\" y1=\"" << N(Y(v))
       << "\" y2=\"" << N(Y(v)) << "\" stroke=\"#e3e3e3\"/><text x=\"" << kLeft - 4 << "\" y=\""
       << N(Y(v) + 4) << "\" class=\"a\" text-anchor=\"end\">" << Tick(v, c.percent) << "</text>\n";
  }
  for (int i = 0; i <= 5; ++i) {
    const double v = x0 + (x1 - x0) * i / 5;
    os << "<text x=\"" << N(X(v)) << "\" y=\"" << N(kTop + ph + 14)
       << "\" class=\"a\" text-anchor=\"middle\">" << Tick(v, false) << "</text>\n";
  }
  os << "<text x=\"" << N(kLeft + pw / 2) << "\" y=\"" << kH - 4
     << "\" class=\"a\" text-anchor=\"middle\">" << EscapeHtml(c.x_label) << "</text>\n";
  os << "<text x=\"12\" y=\"" << N(kTop + ph / 2) << "\" class=\"a\" transform=\"rotate(-90 12 "
     << N(kTop + ph / 2) << ")\" text-anchor=\"middle\">" << EscapeHtml(c.y_label) << "</text>\n";
  for (const Band& b : c.bands) {
    os << "<rect class=\"band\" x=\"" << kLeft << "\" width=\"" << N(pw) << "\" y=\"" << N(Y(b.hi))
       << "\" height=\"" << N(std::max(0.5, Y(b.lo) - Y(b.hi))) << "\" fill=\"" << b.color
       << "\" fill-opacity=\"0.12\"><title>" << EscapeHtml(b.label) << "</title></rect>\n";
  }
  int legend = 0;
  for (const Series& s : c.series) {
    os << "<g class=\"series\" data-series=\"" << EscapeHtml(s.name) << "\">\n";
    if (!s.lo.empty() && s.x.size() > 0) {
      os << "<polygon class=\"ci\" fill=\"" << s.color << "\" fill-opacity=\"0.18\" points=\"";
      for (size_t i = 0; i < s.x.size(); ++i) os << N(X(s.x[i])) << "," << N(Y(s.hi[i])) << " ";
      for (size_t i = s.x.size(); i-- > 0;) os << N(X(s.x[i])) << "," << N(Y(s.lo[i])) << " ";
      os << "\"/>\n";
    }
    os << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"1.8\""
       << (s.dashed ? " stroke-dasharray=\"4 3\"" : "") << " points=\"";
    for (size_t i = 0; i < s.x.size(); ++i) os << N(X(s.x[i])) << "," << N(Y(s.y[i])) << " ";
    os << "\"/>\n";
    for (size_t i = 0; i < s.x.size(); ++i) {
      os << "<circle data-window=\"" << s.index[i] << "\" cx=\"" << N(X(s.x[i])) << "\" cy=\""
         << N(Y(s.y[i])) << "\" r=\"2.4\" fill=\"" << s.color << "\"><title>" << EscapeHtml(s.name)
         << " " << Tick(s.x[i], false) << ": " << Tick(s.y[i], c.percent) << "</title></circle>\n";
    }
    const double ly = kTop + 12 + 16 * legend++;
    os << "<line x1=\"" << N(kLeft + pw + 10) << "\" x2=\"" << N(kLeft + pw + 28) << "\" y1=\""
       << N(ly) << "\" y2=\"" << N(ly) << "\" stroke=\"" << s.color << "\" stroke-width=\"3\""
       << (s.dashed ? " stroke-dasharray=\"4 3\"" : "") << "/><text x=\"" << N(kLeft + pw + 32)
       << "\" y=\"" << N(ly + 4) << "\" class=\"a\">" << EscapeHtml(s.name) << "</text>\n</g>\n";
  }
  for (const Marker& m : c.markers) {
    os << "<g class=\"marker\"><line x1=\"" << N(X(m.x)) << "\" x2=\"" << N(X(m.x)) << "\" y1=\""
       << kTop << "\" y2=\"" << N(kTop + ph) << "\" stroke=\"#c00\" stroke-dasharray=\"5 3\"/>"
       << "<text x=\"" << N(X(m.x) + 3) << "\" y=\"" << kTop + 10 << "\" class=\"m\">"
       << EscapeHtml(m.label) << "</text></g>\n";
  }
  os << "</svg>\n";
  return os.str();
}

}  // namespace meshverify::load::internal
