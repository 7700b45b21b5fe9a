#pragma once
// Shared checks of the endpoint-view fuzz targets: an error is one line naming the source.
#include <cstdlib>
#include <string_view>

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

}  // namespace meshverify::fuzz
