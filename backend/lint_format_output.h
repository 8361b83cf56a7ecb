/// \file
/// Output formats of ci-lint over ir::Diagnostic:
///
/// | format | what | for |
/// |---|---|---|
/// | `text` | `file:line:col: severity: message [kind]`, the line and a caret, colour on a tty | people |
/// | `json` | an array of {file, range, severity, kind, message, notes} (ir/diagnostic_render.h) | scripts |
/// | `sarif` | SARIF 2.1.0, one run, a rule (help text, link into docs/checks.md) per kind reported | GitHub code scanning |
/// | `github` | `::error file=...,line=...::message` workflow commands | annotations in a GitHub Actions log |
/// | `actionlint` | `file:line:col: message [kind]`, exactly actionlint's one-line output | tools that parse actionlint |
///
/// Every format lists the diagnostics in the order given (the driver's: file
/// order, then position).
#pragma once

#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace backend {

enum class LintFormat : uint8_t { Text, Json, Sarif, Github, Actionlint };

/// "text", "json", "sarif", "github", "actionlint" (nullopt otherwise).
std::optional<LintFormat> parseLintFormat(llvm::StringRef name);

/// Where each kind is documented: "docs/checks.md" of ci-lint's sources, one
/// section per kind (the anchor is the kind name). A path, not a URL: no
/// output names a web address for the documentation.
extern const char *const kChecksDoc;

struct LintFormatOptions {
  bool color = false;            ///< text: ANSI colours
  std::string toolVersion = "0.1.0";
};

void writeLintReport(llvm::raw_ostream &os, LintFormat format, const ir::SourceManager &sm,
                     const std::vector<ir::Diagnostic> &diags, const LintFormatOptions &opts = {});

/// The SARIF log as JSON (what `--format=sarif` prints).
nlohmann::json lintReportToSarif(const ir::SourceManager &sm,
                                 const std::vector<ir::Diagnostic> &diags,
                                 const LintFormatOptions &opts = {});
/// One GitHub workflow command for `d` (no trailing newline).
std::string githubAnnotation(const ir::SourceManager &sm, const ir::Diagnostic &d);
/// One actionlint line for `d` (no trailing newline).
std::string actionlintLine(const ir::SourceManager &sm, const ir::Diagnostic &d);

} // namespace backend
