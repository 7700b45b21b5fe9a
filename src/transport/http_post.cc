#include "transport/http_post.h"

#include <curl/curl.h>

#include "transport/http_request.h"

namespace meshverify {
namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

Status HttpPostEmpty(const std::string& url, std::chrono::milliseconds timeout) {
  CURL* e = curl_easy_init();
  if (e == nullptr) return Status::Unavailable(url + ": libcurl: could not create a handle");
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Discard);
  return transport_internal::PerformAndCleanup(e, url, timeout);
}

}  // namespace meshverify
