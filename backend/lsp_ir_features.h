/// \file
/// Language-server features computed from the lowered workflow (ir::Workflow):
/// the static types of expressions and where their values come from.
///
/// - hover on a context path inside `${{ }}` (`needs.build.outputs.v`,
///   `matrix.os`, `steps.s.outputs.x`, `inputs.flag`): its type at that key
///   (passes/lint_expr_env.h) and the source of the value (the job, step,
///   trigger input or matrix row that defines it);
/// - completion after `context.path.`: the properties of the typed object at
///   the cursor's key (declared outputs of needed jobs and of actions, matrix
///   keys including `include` rows, trigger inputs, github/runner properties).
///
/// Answers nothing while the file does not lower (the YAML provider then
/// answers from the text alone).
#pragma once

#include "backend/lsp_features.h"

namespace backend {

std::unique_ptr<LanguageFeatures> createIrLanguageFeatures();

} // namespace backend
