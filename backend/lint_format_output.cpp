// Format selection and the text/json formats of ci-lint.
#include "backend/lint_format_output.h"

#include "ir/diagnostic_render.h"

namespace backend {

std::optional<LintFormat> parseLintFormat(llvm::StringRef name) {
  if (name == "text")
    return LintFormat::Text;
  if (name == "json")
    return LintFormat::Json;
  if (name == "sarif")
    return LintFormat::Sarif;
  if (name == "github")
    return LintFormat::Github;
  if (name == "actionlint")
    return LintFormat::Actionlint;
  return std::nullopt;
}

void writeLintReport(llvm::raw_ostream &os, LintFormat format, const ir::SourceManager &sm,
                     const std::vector<ir::Diagnostic> &diags, const LintFormatOptions &opts) {
  switch (format) {
  case LintFormat::Text: {
    ir::RenderOptions ro;
    ro.color = opts.color;
    ir::renderHuman(os, sm, diags, ro);
    return;
  }
  case LintFormat::Json:
    os << ir::diagnosticsToJson(sm, diags).dump(2) << '\n';
    return;
  case LintFormat::Sarif:
    os << lintReportToSarif(sm, diags, opts).dump(2) << '\n';
    return;
  case LintFormat::Github:
    for (const auto &d : diags)
      os << githubAnnotation(sm, d) << '\n';
    return;
  case LintFormat::Actionlint:
    for (const auto &d : diags)
      os << actionlintLine(sm, d) << '\n';
    return;
  }
}

} // namespace backend
