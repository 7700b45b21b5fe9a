#include "transport/http_get.h"

#include <curl/curl.h>

namespace meshverify {
namespace {

struct Sink {
  std::string body;
  size_t max = 0;
  bool over = false;
};

size_t Keep(char* data, size_t size, size_t n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  if (s->body.size() + size * n > s->max) {
    s->over = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  s->body.append(data, size * n);
  return size * n;
}

}  // namespace

Result<std::string> HttpGet(const std::string& url, std::chrono::milliseconds timeout,
                            size_t max_bytes) {
  CURL* e = curl_easy_init();
  if (e == nullptr) return Status::Unavailable(url + ": libcurl: could not create a handle");
  Sink sink;
  sink.max = max_bytes;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Keep);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  const CURLcode rc = curl_easy_perform(e);
  long code = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(e);
  if (sink.over) {
    return Status::Unavailable(url + ": answer over " + std::to_string(max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) return Status::Unavailable(url + ": " + curl_easy_strerror(rc));
  if (code < 200 || code > 299) {
    return Status::Unavailable(url + ": HTTP " + std::to_string(code));
  }
  return std::move(sink.body);
}

}  // namespace meshverify
