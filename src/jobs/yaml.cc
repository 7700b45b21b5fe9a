// ToYaml: JSON values as a YAML stream in block style. Strings and keys are written as JSON
// string literals, which are valid YAML double-quoted scalars, so no value is ever read back
// as another type ("true", "0755", "1e3" stay strings).
#include <cctype>
#include <sstream>

#include "meshverify/jobs.h"

namespace meshverify::jobs {
namespace {

using nlohmann::json;

std::string Scalar(const json& v) {
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool Inline(const json& v) { return v.is_primitive() || v.empty(); }

// Keys like "apiVersion" or "app.kubernetes.io/name" need no quotes; anything YAML could read
// as another type or syntax does.
std::string Key(const std::string& k) {
  static const char* kWords[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
  bool plain = !k.empty() && (std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_');
  for (char c : k) {
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                      c == '/' || c == '-');
  }
  std::string lower;
  for (char c : k) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : kWords) plain = plain && lower != w;
  return plain ? k : Scalar(json(k));
}

void Emit(const json& v, int indent, std::ostringstream& os);

void EmitObject(const json& v, int indent, std::ostringstream& os, bool first_inline) {
  bool first = true;
  for (const auto& [k, item] : v.items()) {
    if (!(first && first_inline)) os << std::string(indent, ' ');
    first = false;
    os << Key(k) << ":";
    if (Inline(item)) {
      os << " " << Scalar(item) << "\n";
    } else {
      os << "\n";
      Emit(item, item.is_array() ? indent : indent + 2, os);
    }
  }
}

void Emit(const json& v, int indent, std::ostringstream& os) {
  if (v.is_object()) return EmitObject(v, indent, os, false);
  for (const json& item : v) {
    os << std::string(indent, ' ') << "- ";
    if (Inline(item)) {
      os << Scalar(item) << "\n";
    } else if (item.is_object()) {
      EmitObject(item, indent + 2, os, true);
    } else {
      os << "\n";
      Emit(item, indent + 2, os);
    }
  }
}

}  // namespace

std::string ToYaml(const std::vector<json>& objects, const std::string& header) {
  std::ostringstream os;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) os << "# " << line << "\n";
  for (size_t i = 0; i < objects.size(); ++i) {
    os << "---\n";
    if (Inline(objects[i])) {
      os << Scalar(objects[i]) << "\n";
    } else {
      Emit(objects[i], 0, os);
    }
  }
  return os.str();
}

}  // namespace meshverify::jobs
