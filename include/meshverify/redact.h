#pragma once
// Credentials kept out of what meshverify prints (issue 15 item 7): a URL's userinfo and its
// query and fragment values become "***" in every report and message, while the request itself
// is sent with the URL as given. Pure; thread-safe.

#include <string>
#include <string_view>

namespace meshverify {

// `url` with its userinfo and the value of each query parameter and the fragment replaced by
// "***": "https://u:p@host/p?token=abc&x#f" -> "https://***@host/p?token=***&x=***#***" (a
// parameter without a value is a value). Anything without "://" is returned unchanged.
std::string RedactUrl(std::string_view url);

// `text` with every URL in it (letters, "://", up to a space, quote or control character)
// passed through RedactUrl: for messages and rendered reports that may quote a URL. A URL ends
// at a space or control character, a quote, '<', '>', '`', '\\', ')', ']' or an HTML entity
// for one of them ("&quot;", "&#10;"), so quoted and escaped URLs are redacted in place; a
// trailing '.', ',', ':', ';' or '!' is the sentence's, not the URL's.
std::string RedactUrls(std::string_view text);

}  // namespace meshverify
