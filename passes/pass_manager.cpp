// Pass manager support: the --time-passes table.
#include "passes/pass_manager.h"

#include "llvm/Support/Format.h"

namespace passes {

void printPassTimings(llvm::raw_ostream &os, const std::vector<PassTiming> &timings) {
  double total = 0;
  for (const auto &t : timings)
    total += t.seconds;
  os << "===" << std::string(60, '-') << "===\n";
  os << "                      Pass execution timing report\n";
  os << "===" << std::string(60, '-') << "===\n";
  os << llvm::format("  Total Execution Time: %.4f seconds\n\n", total);
  os << "   ---Wall Time---  --- Name ---\n";
  for (const auto &t : timings)
    os << llvm::format("   %.4f (%5.1f%%)  ", t.seconds, total > 0 ? 100.0 * t.seconds / total : 0.0)
       << t.pass << '\n';
  os << llvm::format("   %.4f (100.0%%)  Total\n", total);
}

} // namespace passes
