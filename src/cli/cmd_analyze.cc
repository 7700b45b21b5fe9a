// Placeholder until `meshverify analyze` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunAnalyze(const Args&, Environment& env) {
  *env.err << "meshverify analyze: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
