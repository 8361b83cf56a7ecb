/// \file
/// The workflow an execution runs, as the orchestrator reads it: the JSON form of one
/// resolved plan workflow (`ir::PlanWorkflow`), with its expressions parsed once.
///
/// The JSON is the workflow object of the plan format both runtimes read
/// (docs/lambda-plan.md): `{id, path, name, concurrency, env, jobs: [{id, local_id,
/// name, needs, needs_as, if, strategy: {fail_fast, max_parallel, matrix}, instances,
/// continue_on_error, timeout_minutes, concurrency, outputs, uses, call, spec}]}`.
/// A string value holding `${{` is a template evaluated at run time; any other value
/// is a constant; `if` is a bare expression already rewritten per gha-semantics §3.1.
/// The run journals this JSON (the compile step's result), so a resumed or retried
/// run uses the workflow as it was compiled, whatever happened to the file since.
///
/// ir/plan_json.h writes it from the passes' plan; `readWorkflowModel` checks it (ids,
/// needs, cycles, expressions) and builds the model.
#pragma once

#include "runtime/result.h"

#include "ir/expr_functions.h"
#include "ir/plan.h"
#include "ir/template.h"
#include "ir/value.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runtime {

/// JSON <-> expression values (numbers are doubles). `json` objects keep their keys
/// sorted; where the order matters (a matrix: its key order is the product order and
/// the legs' names, gha-semantics §2.1), the workflow JSON carries the object as text,
/// `matrix_json`, read with the order-preserving parser of ir/value_json.h.
ir::Value jsonToValue(const json &j);
json valueToJson(const ir::Value &v);

/// Rewrites the literal matrices of a plan read with its key order (`strategy.matrix`
/// and `instances[].matrix` objects) into `matrix_json` texts, and returns the plan
/// as `json`. `text` is the plan's JSON text.
llvm::Expected<json> readPlanKeepingMatrixOrder(llvm::StringRef text);

/// A plan value: a constant, or a `${{ }}` template (or a bare expression) evaluated
/// when it is needed.
class PlanExpr {
public:
  PlanExpr() = default;
  static PlanExpr constant(json value);
  /// A constant given as an expression value (keeps object key order).
  static PlanExpr constantValue(ir::Value value);
  /// A string with `${{` is parsed as a template, anything else is a constant.
  /// Fails with the parser's message for a bad expression.
  static llvm::Expected<PlanExpr> read(const json &value, llvm::StringRef what);
  /// A bare expression (an `if:` value).
  static llvm::Expected<PlanExpr> condition(llvm::StringRef source, llvm::StringRef what);

  bool isTemplate() const { return tmpl_ != nullptr; }
  /// The plan's JSON for this value (the template source for a template).
  const json &source() const { return source_; }
  /// The value: the constant, or the template evaluated against `contexts` (an
  /// object of named contexts). Returns false with `error` on an evaluation error.
  bool evaluate(const ir::Value &contexts, ir::ExprHost *host, ir::Value &out,
                std::string &error) const;

private:
  json source_;
  ir::Value constant_;
  std::shared_ptr<const ir::Template> tmpl_;
};

/// `concurrency:` at workflow or job level (gha-semantics §4).
struct ModelConcurrency {
  PlanExpr group;
  PlanExpr cancelInProgress;
  std::string queue = "single"; ///< "single" or "max"
};

/// A pre-expanded matrix leg.
struct ModelInstance {
  std::string id;   ///< unique in the workflow: the job id, or `job.<configId>`
  std::string name; ///< display name
  ir::Value matrix; ///< null for a job without a matrix
};

/// One job of the workflow.
struct ModelJob {
  std::string id;      ///< plan id (`caller/callee` for members of a reusable call)
  std::string localId; ///< `needs.<id>` key and the id in its own file
  std::string name;    ///< display name as written (template source if it has `${{`)
  PlanExpr nameExpr;   ///< the name (a template when it holds an expression)
  std::vector<uint32_t> needs;        ///< indices of the jobs it needs
  std::vector<std::string> needsKeys; ///< `needs` context key of each need
  PlanExpr condition;                 ///< rewritten `if`
  PlanExpr continueOnError;           ///< bool, per leg
  PlanExpr timeoutMinutes;            ///< number, per leg (default 360)
  bool hasStrategy = false;
  PlanExpr failFast;    ///< bool, default true
  PlanExpr maxParallel; ///< number or null (unlimited)
  /// The matrix to expand when the job becomes ready: a template, or a literal
  /// mapping; null when `instances` lists the legs or there is no matrix.
  std::optional<PlanExpr> matrix;
  std::optional<std::vector<ModelInstance>> instances;
  std::optional<ModelConcurrency> concurrency;
  json outputs = json::object(); ///< output templates, for the compute provider
  json spec = json::object();    ///< opaque: what the provider runs
  bool isCall = false;           ///< a reusable-workflow call node (`uses`): no compute
  std::string uses;
  /// A call's `with:` inputs (callee defaults filled in by the compiler), evaluated
  /// in the caller's contexts when the call is entered: its members' `inputs`.
  std::vector<std::pair<std::string, PlanExpr>> with;
  /// A call's `secrets:`: "inherit", or secret name -> template over the caller's
  /// `secrets`; evaluated by the provider, which alone holds the secret values.
  json secrets;
  int32_t call = -1; ///< index of the call a member belongs to, or -1
  /// The jobs whose results `success()`/`failure()` read through: the needs, and for a
  /// member also its call's needs (transitively, these cover every ancestor).
  std::vector<uint32_t> statusDeps;
  std::vector<uint32_t> dependents; ///< jobs that need this one
  std::vector<uint32_t> members;    ///< a call's member jobs
};

/// A workflow ready to run.
struct WorkflowModel {
  std::string id;   ///< execution-name safe id
  std::string path; ///< the workflow file
  std::string name;
  std::optional<ModelConcurrency> concurrency;
  json env = json::object();
  std::vector<ModelJob> jobs; ///< file order; members right after their call

  /// The index of a job by plan id, local id (case-insensitive); -1 when unknown.
  int32_t findJob(llvm::StringRef id) const;
};

/// Checks and reads one workflow of a plan. Errors name the workflow, job and field.
llvm::Expected<std::shared_ptr<const WorkflowModel>> readWorkflowModel(const json &workflow);

} // namespace runtime
