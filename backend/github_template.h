/// \file
/// `ci-compile --emit=github-template`: GitHub's converted workflow template
/// JSON, the format of the cross-implementation reader cases in
/// shared/conformance/github-xlang/reader (see its README).
///
/// Strings are JSON strings; sequences `{"type":1,"seq":[...]}`; mappings
/// `{"type":2,"map":[{"Key":k,"Value":v}]}`; expressions `{"type":3,"expr":...}`
/// (text mixed with `${{ }}` becomes `format(...)`); `if` is rewritten to
/// `success() && (...)` unless it calls a status function. Reusable-workflow
/// calls are resolved (at any depth) through passes::WorkflowLoader, against
/// the workflow files supplied with addWorkflowFile() (and the repository and
/// cache the loader options name), and checked by passes::checkCallArguments
/// (inputs undefined, required or of the wrong type; secrets).
/// Invalid input yields `{"errors":[{"Message":"<file> (Line: L, Col: C): <text>"}]}`
/// with at most 10 errors, positions of the YAML values as GitHub reports them.
#pragma once

#include "frontend/lower_workflow.h"
#include "ir/ir_json.h"
#include "ir/condition.h"
#include "passes/reusable_workflow.h"

#include <map>
#include <memory>
#include <string>

namespace backend {

class GithubTemplateEmitter {
public:
  GithubTemplateEmitter(ir::SourceManager &sm, ir::DiagnosticEngine &diags,
                        frontend::LowerOptions opts = {}, passes::LoaderOptions loader = {})
      : sm_(sm), diags_(diags), loader_(sm, diags, withLower(std::move(loader), opts)) {}

  /// Makes a reusable workflow available under `ref` (as written after
  /// `uses:`, e.g. `./.github/workflows/x.yml` or `o/r/.github/workflows/x.yml@v1`).
  void addWorkflowFile(std::string ref, std::string text);

  /// The template for `wf` (already lowered; its diagnostics already in the
  /// engine), or the errors document when the engine holds errors after the
  /// reusable calls were checked.
  ir::OrderedJson emit(const ir::Workflow &wf);

  /// The errors document for the engine's current errors.
  ir::OrderedJson errorsDocument();

  /// The name GitHub prints for a workflow file: the path from
  /// `.github/workflows/` on, or `.github/workflows/<base name>`.
  static std::string displayPath(llvm::StringRef path);

private:
  ir::OrderedJson jobJson(const ir::Workflow &wf, const ir::Job &job, bool nested);
  ir::OrderedJson callJson(const ir::Workflow &wf, const ir::Job &job, ir::OrderedJson &o);
  const ir::Workflow *loadCallee(llvm::StringRef ref);
  static passes::LoaderOptions withLower(passes::LoaderOptions l, frontend::LowerOptions opts) {
    l.lower = std::move(opts);
    return l;
  }

  ir::SourceManager &sm_;
  ir::DiagnosticEngine &diags_;
  passes::WorkflowLoader loader_;
};

/// Template-token JSON of a template (string, folded literal or type-3 expression).
ir::OrderedJson templateJson(const ir::Template &t);
ir::OrderedJson tokenJson(const ir::TemplateToken &t);
/// GitHub's `if` rewrite (ir/condition.h).
using ir::rewriteCondition;

} // namespace backend
