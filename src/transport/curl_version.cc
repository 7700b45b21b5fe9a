#include "transport/curl_version.h"

#include <curl/curl.h>

#include <string_view>

namespace meshverify {

std::string LibcurlVersion() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  std::string backends;
  auto add = [&backends](std::string_view name, const char* version) {
    if (version == nullptr || *version == '\0') return;
    if (!backends.empty()) backends += ", ";
    backends += name;
    backends += version;
  };
  add("", info->ssl_version);  // already "OpenSSL/3.0.15"
  add("zlib/", info->libz_version);
  add("nghttp2/", info->nghttp2_version);
  std::string out = info->version;
  if (!backends.empty()) out += " (" + backends + ")";
  if (std::string_view(info->version) != LIBCURL_VERSION) out += "; built with " LIBCURL_VERSION;
  return out;
}

}  // namespace meshverify
