/// \file
/// IR JSON: the deterministic, versioned JSON form of ir::Workflow and
/// ir::Action (schema in docs/ir.md), written by `ci-compile --emit=ir`.
///
/// Determinism: keys in a fixed order, absent optionals and empty lists
/// omitted, numbers that are integers written as integers. The reader
/// accepts exactly what the writer produces (and ignores unknown keys), so
/// JSON -> IR -> JSON is byte-identical. Templates keep their literal and
/// expression parts; expression ASTs are not serialised: pass a
/// `reparseExpression` hook (frontend::irJsonReadOptions() does) to rebuild them.
#pragma once

#include "ir/action.h"
#include "ir/workflow.h"

#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace ir {

/// Current IR JSON version; readers reject other major versions.
inline constexpr int kIrJsonVersion = 1;

using OrderedJson = nlohmann::ordered_json;

OrderedJson workflowToJson(const Workflow &wf);
OrderedJson actionToJson(const Action &action);
/// The JSON text with 2-space indentation and a final newline.
std::string writeWorkflowJson(const Workflow &wf);
std::string writeActionJson(const Action &action);

struct IrJsonReadOptions {
  /// Called for each expression part read back (source text); returns its
  /// AST or null. Without it, parts keep a null AST.
  std::function<std::shared_ptr<const Expr>(llvm::StringRef source, bool bareIf)> reparseExpression;
  /// File id to put in every range read.
  FileId file = 0;
};

llvm::Expected<Workflow> readWorkflowJson(llvm::StringRef text, const IrJsonReadOptions &opts = {});
llvm::Expected<Action> readActionJson(llvm::StringRef text, const IrJsonReadOptions &opts = {});

} // namespace ir
