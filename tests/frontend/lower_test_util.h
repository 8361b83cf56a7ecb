// Test helpers: compile a workflow text and inspect its diagnostics.
#pragma once

#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "ir/diagnostic_render.h"

#include <string>

namespace testutil {

struct Compiled {
  ir::SourceManager sm;
  ir::DiagnosticEngine diags;
  ir::Workflow wf;

  /// "line:col: message [kind]" per diagnostic, one per line.
  std::string summary() const {
    std::string s;
    for (const auto &d : diags.diagnostics())
      s += std::to_string(d.range.line) + ":" + std::to_string(d.range.col) + ": " + d.message +
           " [" + d.kindName().str() + "]\n";
    return s;
  }
  bool hasMessage(llvm::StringRef m) const {
    for (const auto &d : diags.diagnostics())
      if (llvm::StringRef(d.message).contains(m))
        return true;
    return false;
  }
  const ir::Diagnostic *find(llvm::StringRef m) const {
    for (const auto &d : diags.diagnostics())
      if (llvm::StringRef(d.message).contains(m))
        return &d;
    return nullptr;
  }
};

inline std::unique_ptr<Compiled> compile(const std::string &text,
                                         const std::string &name = "wf.yml") {
  auto c = std::make_unique<Compiled>();
  ir::FileId f = c->sm.addFile(name, text);
  c->wf = frontend::compileWorkflow(c->sm, f, c->diags);
  c->diags.finalize();
  return c;
}

} // namespace testutil
