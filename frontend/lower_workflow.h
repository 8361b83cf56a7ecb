/// \file
/// Lowering: located YAML nodes -> ir::Workflow, with a diagnostic for every
/// schema violation (gha-semantics §1.2-1.6). Unknown keys get "did you mean"
/// suggestions; wrong shapes say what is allowed; as many problems as are
/// useful are reported per file, and whatever is valid is still lowered.
///
/// The pieces live in lower_workflow.cpp (root keys), lower_triggers.cpp
/// (`on:`), lower_job.cpp (jobs) and lower_step.cpp (steps); action metadata
/// (frontend/action_metadata.h) reuses the step lowering for composite actions.
#pragma once

#include "frontend/lower_context.h"
#include "frontend/yaml_reader.h"
#include "ir/ir_json.h"
#include "ir/workflow.h"

namespace frontend {

struct LowerOptions {
  /// Accept `background:` and the wait/wait-all/cancel/parallel step kinds.
  bool allowBackgroundSteps = true;
  YamlReadOptions yaml;
};

/// Lowers a parsed workflow document (doc.root may be null).
ir::Workflow lowerWorkflow(const ir::SourceManager &sm, const YamlDocument &doc,
                           ir::DiagnosticEngine &diags, const LowerOptions &opts = {});

/// Reads file `file` of `sm` (YAML rules of yaml_reader.h) and lowers it.
ir::Workflow compileWorkflow(const ir::SourceManager &sm, ir::FileId file,
                             ir::DiagnosticEngine &diags, const LowerOptions &opts = {});

/// Read options for ir/ir_json.h that rebuild expression ASTs with this
/// frontend's parser.
ir::IrJsonReadOptions irJsonReadOptions(ir::FileId file = 0);

// --- pieces shared by the lowering files ---

void lowerTriggers(LowerContext &cx, const YamlNode *on, ir::Workflow &wf);
std::optional<ir::Permissions> lowerPermissions(LowerContext &cx, const YamlNode *n);
std::optional<ir::Concurrency> lowerConcurrency(LowerContext &cx, const YamlNode *n,
                                                llvm::StringRef definition);
ir::RunDefaults lowerDefaults(LowerContext &cx, const YamlNode *n, bool allowExpressions);
ir::Job lowerJob(LowerContext &cx, const YamlEntry &e, const LowerOptions &opts);
/// Lowers a `steps:` sequence; `definitionPrefix` is "step" for workflow jobs
/// and "action-step" for composite actions. Assigns generated ids.
std::vector<ir::Step> lowerSteps(LowerContext &cx, const YamlNode *n, const LowerOptions &opts,
                                 llvm::StringRef definitionPrefix = "step");
/// GitHub's id rule (§1.4); reports and returns false when `id` breaks it.
bool checkIdentifier(LowerContext &cx, const ir::LocatedString &id);

} // namespace frontend
