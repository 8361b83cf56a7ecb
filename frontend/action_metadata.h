/// \file
/// Loads action metadata (`action.yml` / `action.yaml`) into ir::Action:
/// name, author, description, inputs, outputs, and `runs` for composite
/// (steps lowered like workflow steps), Node.js (main/pre/post with their
/// `if`) and Docker (image, entrypoints, args, env) actions. Unknown keys and
/// wrong shapes get the same diagnostics as workflows.
#pragma once

#include "frontend/lower_workflow.h"
#include "ir/action.h"

namespace frontend {

ir::Action lowerAction(const ir::SourceManager &sm, const YamlDocument &doc,
                       ir::DiagnosticEngine &diags, const LowerOptions &opts = {});
/// Reads file `file` of `sm` and lowers it as action metadata.
ir::Action compileAction(const ir::SourceManager &sm, ir::FileId file, ir::DiagnosticEngine &diags,
                         const LowerOptions &opts = {});
/// True for a path whose base name is action.yml or action.yaml.
bool isActionMetadataPath(llvm::StringRef path);

} // namespace frontend
