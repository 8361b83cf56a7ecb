/// \file
/// Reusable workflows (gha-semantics §7): parsing `uses:` references, finding
/// and loading the called files, and checking what a caller passes against
/// what the callee declares. Shared by the inline-reusable pass and the
/// github-template emitter.
///
/// Where a reference is looked for, in order:
///   1. files supplied by reference text (`--workflow-file REF=FILE`, tests);
///   2. a local `./.github/workflows/x.yml`: under the repository root
///      (`--repo-root`, by default the repository containing the caller);
///   3. a remote `owner/repo/path@ref`: `DIR/owner/repo@ref/path` under the
///      workflow cache (`--workflow-cache DIR`).
/// A remote reference found nowhere is *symbolic*: the call stays a node of
/// the plan without members. A local one found nowhere is an error.
#pragma once

#include "frontend/lower_workflow.h"
#include "ir/plan.h"
#include "passes/const_eval.h"

#include "llvm/ADT/StringMap.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace passes {

/// A parsed `jobs.<id>.uses` value.
struct WorkflowRef {
  enum class Kind : uint8_t { Local, Remote, Invalid };
  Kind kind = Kind::Invalid;
  std::string path;  ///< `.github/workflows/x.yml` (no leading ./)
  std::string owner; ///< remote only
  std::string repo;  ///< remote only
  std::string ref;   ///< remote only: tag, branch or SHA

  /// `./.github/workflows/x.yml` or `owner/repo/.github/workflows/x.yml@ref`.
  static WorkflowRef parse(llvm::StringRef uses);
};

struct LoaderOptions {
  std::string repoRoot;      ///< "" = no local look-ups on disk
  std::string workflowCache; ///< "" = remote references stay symbolic
  frontend::LowerOptions lower;
};

/// The repository root for a workflow file: the directory above its
/// `.github/workflows/`, else the nearest ancestor holding `.git`, else "".
std::string repositoryRootOf(llvm::StringRef workflowPath);

/// Finds, reads and lowers called workflows; each reference is loaded once.
/// Loaded workflows live as long as the loader (pointers stay valid).
class WorkflowLoader {
public:
  WorkflowLoader(ir::SourceManager &sm, ir::DiagnosticEngine &diags, LoaderOptions opts = {})
      : sm_(sm), diags_(diags), opts_(std::move(opts)) {}

  /// Makes `text` the content of reference `ref` (as written after `uses:`).
  void addFile(std::string ref, std::string text);
  LoaderOptions &options() { return opts_; }

  enum class Status : uint8_t {
    Loaded,   ///< `workflow` is the lowered callee
    Symbolic, ///< a remote reference not available: no members
    NotFound, ///< a local reference (or one the caller requires) not found
    Invalid,  ///< the reference does not parse
  };
  struct Result {
    Status status = Status::NotFound;
    const ir::Workflow *workflow = nullptr;
    std::string path; ///< where it was read from
  };

  /// Loads the workflow `uses` names. Lowering diagnostics go to the engine.
  Result load(llvm::StringRef uses);

  /// Number of distinct references loaded so far.
  size_t loadedCount() const { return loaded_.size(); }

private:
  ir::SourceManager &sm_;
  ir::DiagnosticEngine &diags_;
  LoaderOptions opts_;
  std::map<std::string, std::string> files_;
  std::map<std::string, Result> loaded_;
  std::vector<std::unique_ptr<ir::Workflow>> owned_;
};

/// Checks a call against the callee: its `on:` must list workflow_call, and
/// `with` and `secrets` must match the `workflow_call` declarations: undefined
/// inputs and secrets, missing required ones, and literal values of the wrong
/// type (`boolean` and `number` inputs).
/// Returns false when it reported an error.
bool checkCallArguments(const ir::Job &call, const ir::Workflow &callee,
                        ir::DiagnosticEngine &diags);

/// The inputs the callee sees: every declared input, the value given (a
/// literal coerced to the declared type, or the template) or its default
/// (false, 0 or '' by type when none is declared). Values given as
/// expressions are evaluated when closed under `caller` (the caller's known
/// contexts, e.g. its matrix leg); defaults when closed under `github`/`vars`.
std::vector<std::pair<std::string, ir::PlanValue>>
resolveCallInputs(const ir::Job &call, const ir::Workflow &callee, const KnownContexts &caller);

} // namespace passes
