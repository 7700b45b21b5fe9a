// meshverify version (also --version): what a bug report needs — the version, the commit and
// build it came from, the compiler, and the libraries it was built with.
#include <boost/version.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "meshverify_build_info.h"  // generated at build time by cmake/build_info.cmake
#include "transport/curl_version.h"

namespace meshverify::cli {
namespace {

constexpr char kHelp[] =
    "usage: meshverify version\n"
    "\n"
    "Prints meshverify's version, the git commit and build type it was built from, the\n"
    "compiler, and the versions of the libraries it uses (libcurl as loaded at run time):\n"
    "what a bug report needs. 'meshverify --version' prints the same. Exit code 0.\n"
    "\n"
    "meshverify version options:\n"
    "  -h [ --help ]   show this help\n";

#if defined(__clang__)
constexpr char kCompiler[] = "Clang " __clang_version__;
#elif defined(__GNUC__)
constexpr char kCompiler[] = "GCC " __VERSION__;
#else
constexpr char kCompiler[] = "unknown";
#endif

std::string BoostVersion() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100);
}

}  // namespace

Result<VersionFlags> ParseVersionFlags(const Args& args) {
  VersionFlags f;
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      f.help = kHelp;
      return f;
    }
    return Status::Usage("unexpected argument '" + a + "' (see meshverify version --help)");
  }
  return f;
}

ExitCode RunVersion(const VersionFlags&, Environment& env) {
  std::ostream& out = *env.out;
  out << "meshverify " << MESHVERIFY_VERSION << "\n"
      << "commit         " << MESHVERIFY_GIT_COMMIT << "\n"
      << "build type     " << MESHVERIFY_BUILD_TYPE << "\n"
      << "compiler       " << kCompiler << "\n"
      << "libcurl        " << LibcurlVersion() << "\n"
      << "Boost          " << BoostVersion() << "\n"
      << "nlohmann_json  " << NLOHMANN_JSON_VERSION_MAJOR << "." << NLOHMANN_JSON_VERSION_MINOR
      << "." << NLOHMANN_JSON_VERSION_PATCH << "\n"
      << "yaml-cpp       " << MESHVERIFY_YAML_CPP_VERSION << "\n"
      << "RE2            " << MESHVERIFY_RE2_VERSION << "\n";
  return ExitCode::kPass;
}

}  // namespace meshverify::cli
