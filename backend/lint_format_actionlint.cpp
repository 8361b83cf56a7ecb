// The actionlint one-line format: `file:line:col: message [kind]`.
#include "backend/lint_format_output.h"

namespace backend {

std::string actionlintLine(const ir::SourceManager &sm, const ir::Diagnostic &d) {
  std::string file = d.range.file != 0 ? sm.name(d.range.file).str() : "<input>";
  return file + ":" + std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " +
         d.message + " [" + d.kindName().str() + "]";
}

} // namespace backend
