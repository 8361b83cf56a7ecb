/// \file
/// `run:` scripts as the shellcheck and pyflakes rules see them: the shell
/// that runs a step (step `shell`, job then workflow `defaults.run.shell`,
/// else GitHub's default for the runner: bash, or pwsh on Windows; a step
/// whose `if:` tests `runner.os == 'Windows'` counts as Windows), the
/// script text with every `${{ }}` replaced by underscores of the same length
/// in code points (so tools see valid code and report the user's columns),
/// and the map from a tool's (line, column) in the script back to the YAML
/// source, through literal, folded and quoted scalars alike.
#pragma once

#include "passes/lint_rule.h"

#include <string>

namespace passes {

/// The shell's program name ("bash", "sh", "pwsh", "python", ...), or ""
/// when it cannot be known (an expression, or a composite action step that
/// sets none).
std::string resolveStepShell(const YamlWorkflowView &w, const YamlJobView &job,
                             const YamlStepView &step);

/// `script` with each `${{ ... }}` replaced by '_' per code point (newlines kept).
std::string maskExpressions(llvm::StringRef script);

/// Source range in the YAML of script line `line`, columns [col, endCol)
/// (1-based, code points) of scalar `run`. `endCol` <= `col` gives one character.
ir::SourceRange mapScriptRange(const LintContext &ctx, const frontend::YamlNode &run,
                               uint32_t line, uint32_t col, uint32_t endCol);

/// The range of a `run:` entry from its key to the end of its value: what
/// actionlint points at for tool findings (kept as Diagnostic::valueRange).
ir::SourceRange runEntryRange(const frontend::YamlEntry &run);

} // namespace passes
