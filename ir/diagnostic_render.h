/// \file
/// Renders diagnostics for people (file:line:col, the source line and a caret
/// underline, colour on a terminal) and for machines (JSON).
#pragma once

#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace ir {

struct RenderOptions {
  bool color = false;       ///< ANSI colours (callers pass true on a tty)
  bool showSource = true;   ///< print the source line and the caret
  bool showKind = true;     ///< append " [kind]"
};

/// `file:line:col: severity: message [kind]`, then the line and a caret/underline.
void renderHuman(llvm::raw_ostream &os, const SourceManager &sm, const Diagnostic &d,
                 const RenderOptions &opts = {});
void renderHuman(llvm::raw_ostream &os, const SourceManager &sm,
                 const std::vector<Diagnostic> &diags, const RenderOptions &opts = {});

/// One diagnostic as JSON: {file, range{start{line,column},end{...}}, severity,
/// kind, message, notes[]}.
nlohmann::json diagnosticToJson(const SourceManager &sm, const Diagnostic &d);
nlohmann::json diagnosticsToJson(const SourceManager &sm, const std::vector<Diagnostic> &diags);

} // namespace ir
