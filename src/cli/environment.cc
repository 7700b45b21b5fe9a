#include "cli/environment.h"

#include <istream>
#include <sstream>

namespace meshverify::cli {

Result<std::string> ReadFileOrStdin(Environment& env, const std::string& path) {
  if (path != "-") return env.fs->ReadFile(path);
  std::ostringstream ss;
  ss << env.in->rdbuf();
  if (env.in->bad()) return Status::InvalidInput("-: read error");
  return ss.str();
}

}  // namespace meshverify::cli
