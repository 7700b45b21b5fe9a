// Placeholder until `meshverify report` lands.
#include <ostream>

#include "cli/commands.h"

namespace meshverify::cli {

int RunReport(const Args&, Environment& env) {
  *env.err << "meshverify report: not implemented yet\n";
  return 3;
}

}  // namespace meshverify::cli
