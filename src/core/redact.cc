// RedactUrl, RedactUrls, RedactUrlsInJson (redact.h).
#include "meshverify/redact.h"

#include <cctype>

namespace meshverify {
namespace {

constexpr char kHidden[] = "***";

// "k=v&k2" -> "k=***&k2=***".
std::string RedactPairs(std::string_view pairs) {
  std::string out;
  while (true) {
    const size_t amp = pairs.find('&');
    std::string_view pair = pairs.substr(0, amp);
    if (!pair.empty()) {
      out.append(pair.substr(0, pair.find('='))).append("=").append(kHidden);
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    pairs.remove_prefix(amp + 1);
  }
  return out;
}

// True at the first byte after a URL quoted in text, JSON, Markdown, HTML or XML: a space or
// control character, a quote, a bracket, a backslash (a JSON escape) or an HTML entity for one
// of those ("&quot;", "&#10;"; "&amp;" is part of the URL).
bool EndsUrl(std::string_view rest) {
  const char c = rest[0];
  if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return true;
  if (std::string_view("\"'<>`\\)]").find(c) != std::string_view::npos) return true;
  if (c != '&') return false;
  for (std::string_view entity : {"&quot;", "&#", "&lt;", "&gt;", "&apos;"}) {
    if (rest.substr(0, entity.size()) == entity) return true;
  }
  return false;
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  std::string out(url.substr(0, start));
  std::string_view authority = url.substr(start, end - start);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    out.append(kHidden).append("@");
    authority.remove_prefix(at + 1);
  }
  out.append(authority);
  std::string_view rest = url.substr(end);
  const size_t hash = rest.find('#');
  std::string_view fragment = hash == std::string_view::npos ? "" : rest.substr(hash);
  rest = rest.substr(0, hash);
  const size_t q = rest.find('?');
  out.append(rest.substr(0, q));
  if (q != std::string_view::npos) out.append("?").append(RedactPairs(rest.substr(q + 1)));
  if (!fragment.empty()) out.append("#").append(kHidden);
  return out;
}

std::string RedactUrls(std::string_view text) {
  std::string out;
  size_t done = 0;
  while (true) {
    size_t at = text.find("://", done);
    if (at == std::string_view::npos) break;
    size_t begin = at;
    while (begin > done && std::isalpha(static_cast<unsigned char>(text[begin - 1]))) --begin;
    size_t end = at + 3;
    while (end < text.size() && !EndsUrl(text.substr(end))) ++end;
    // Punctuation that ends a sentence ends the URL too ("...?token=abc: refused").
    while (end > at + 3 &&
           std::string_view(".,:;!").find(text[end - 1]) != std::string_view::npos) {
      --end;
    }
    out.append(text.substr(done, begin - done));
    out.append(RedactUrl(text.substr(begin, end - begin)));
    done = end;
  }
  out.append(text.substr(done));
  return out;
}

}  // namespace meshverify
