#include "transport/http_request.h"

namespace meshverify::transport_internal {

Status PerformAndCleanup(CURL* e, const std::string& url, std::chrono::milliseconds timeout) {
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(e);
  long code = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(e);
  if (rc != CURLE_OK) return Status::Unavailable(url + ": " + curl_easy_strerror(rc));
  if (code < 200 || code > 299) {
    return Status::Unavailable(url + ": HTTP " + std::to_string(code));
  }
  return Status::Ok();
}

}  // namespace meshverify::transport_internal
