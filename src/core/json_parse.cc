// ParseJsonText (json_parse.h): nlohmann's DOM parser; when it throws, a SAX pass over the same
// text finds where, for the errors nlohmann's exception does not place (number overflow).
#include "meshverify/json_parse.h"

#include <algorithm>

#include "meshverify/utf8.h"

namespace meshverify {
namespace {

using nlohmann::json;

constexpr size_t kMaxReasonBytes = 200;

// A SAX handler that accepts everything and keeps the first error's position.
class Locator : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    position_ = position;
    return false;
  }
  std::size_t position() const { return position_; }

 private:
  std::size_t position_ = 0;
};

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." and
// "[json.exception.out_of_range.406] number overflow parsing '1e999'" -> the part after the
// place (the place is reported separately).
std::string Reason(std::string_view what) {
  const size_t at = what.find("parse error at line ");
  if (at != std::string_view::npos) {
    const size_t colon = what.find(": ", at);
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  } else if (const size_t end = what.find("] "); end != std::string_view::npos) {
    what.remove_prefix(end + 2);
  }
  std::string one_line(what.substr(0, kMaxReasonBytes * 2));
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  return SanitizeUtf8(one_line, kMaxReasonBytes);
}

JsonError At(std::string_view text, uint64_t byte, std::string reason) {
  JsonError e;
  e.byte = byte;
  e.reason = std::move(reason);
  // nlohmann counts the byte it stopped at as read; line and column are those of that byte.
  const size_t read = std::min<uint64_t>(byte > 0 ? byte - 1 : 0, text.size());
  const std::string_view before = text.substr(0, read);
  e.line = 1 + static_cast<uint64_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t nl = before.rfind('\n');
  e.column = read - (nl == std::string_view::npos ? 0 : nl + 1) + 1;
  return e;
}

}  // namespace

JsonParse ParseJsonText(std::string_view text) {
  JsonParse out;
  try {
    out.value = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    out.error = At(text, e.byte, Reason(e.what()));
  } catch (const json::exception& e) {
    // out_of_range.406 ("1e999") carries no position: find it with a SAX pass.
    Locator locator;
    json::sax_parse(text.begin(), text.end(), &locator);
    out.error = At(text, locator.position(), Reason(e.what()));
  }
  return out;
}

std::string JsonPointerChild(const std::string& ptr, std::string_view key) {
  std::string out = ptr + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace meshverify
