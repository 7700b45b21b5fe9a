#include "cli/environment.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace meshverify::cli {

Result<std::string> ReadFileOrStdin(Environment& env, const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << env.in->rdbuf();
    return ss.str();
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::InvalidInput(path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << f.rdbuf();
  if (f.bad()) return Status::InvalidInput(path + ": read error");
  return ss.str();
}

Status WriteFile(const std::string& path, std::string_view text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::Unavailable(path + ": " + std::strerror(errno));
    f.write(text.data(), static_cast<std::streamsize>(text.size()));
    f.flush();
    if (!f) return Status::Unavailable(path + ": write error");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    return Status::Unavailable(path + ": " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace meshverify::cli
