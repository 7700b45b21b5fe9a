#pragma once
// Shared checks of the endpoint-view fuzz targets: an error or a warning is one line naming the
// source.
#include <cstdlib>
#include <string_view>

#include "meshverify/endpoints.h"
#include "meshverify/status.h"

namespace meshverify::fuzz {

inline void CheckError(const Status& s, std::string_view source) {
  if (s.ok()) return;
  const std::string& m = s.message();
  if (!s.IsInvalidInput() || m.compare(0, source.size(), source) != 0 ||
      m.find('\n') != std::string::npos) {
    std::abort();
  }
}

// A view's warnings are at most 51 lines (50 and a count), each one line naming the source, and
// the view agrees with ParseEndpoints on the same input.
inline void CheckView(const Result<EndpointView>& v, std::string_view text, EndpointFormat fmt,
                      std::string_view source) {
  CheckError(v.status(), source);
  Result<std::vector<Endpoint>> plain = ParseEndpoints(text, fmt, source);
  if (v.ok() != plain.ok()) std::abort();
  if (!v.ok()) {
    if (v.status().message() != plain.status().message()) std::abort();
    return;
  }
  if (v->endpoints != *plain || v->warnings.size() > 51) std::abort();
  for (const std::string& w : v->warnings) {
    if (w.compare(0, source.size(), source) != 0 || w.find('\n') != std::string::npos) {
      std::abort();
    }
  }
}

}  // namespace meshverify::fuzz
