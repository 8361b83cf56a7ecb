/// \file
/// The resolved plan: what the passes make of a workflow and what both
/// runtimes consume (ci-exec's orchestrator in C++, the Lambda package in
/// Node.js). Serialised by backend/plan_json.h as versioned JSON
/// (docs/plan.md); `--emit=lambda-plan` is the same document with the
/// operation estimate and partitions filled in (docs/lambda-plan.md).
///
///   Plan { version, workflows: [PlanWorkflow { id, path, name, concurrency,
///          env, jobs: [PlanJob { id, needs, if, strategy, instances, ... }] }] }
///
/// Jobs of an inlined reusable workflow are members of their call job: their
/// ids are `caller/callee`, `call` names the caller, and `needsAs` maps their
/// needs back to the callee's own job ids (the names `needs.<id>` uses there).
/// Templates stay expression source: conditions after GitHub's implicit
/// `success() && (...)` rewrite (gha-semantics §3.1), other values as the
/// `${{ }}` text or literal GitHub would evaluate.
#pragma once

#include "ir/value.h"
#include "ir/workflow.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

/// A value that is either known at compile time or an expression for the
/// runtime (`${{ }}` template source; a bare expression for conditions).
struct PlanValue {
  std::optional<Value> constant; ///< set when resolved
  std::string expression;        ///< template source when not resolved
  bool resolved() const { return constant.has_value(); }
  static PlanValue of(Value v) {
    PlanValue p;
    p.constant = std::move(v);
    return p;
  }
  static PlanValue expr(std::string src) {
    PlanValue p;
    p.expression = std::move(src);
    return p;
  }
};

/// A concurrency group (§4) at workflow or job level.
struct PlanConcurrency {
  PlanValue group;            ///< string; compared case-insensitively
  PlanValue cancelInProgress; ///< bool
  std::string queue = "single"; ///< "single" or "max"
};

/// One leg of a job: its matrix values, GitHub's display name and config id.
struct PlanInstance {
  std::string id;       ///< unique in the workflow: the job id, or `job.<configId>`
  std::string name;     ///< display name, e.g. `build (ubuntu-latest, 18)`
  Value matrix;         ///< the leg's matrix context (null for non-matrix jobs)
  std::string configId; ///< GitHub's configuration id (`__default` without a matrix)
};

struct PlanStrategy {
  PlanValue failFast;    ///< bool, default true
  PlanValue maxParallel; ///< number, or null constant for unlimited
  /// The matrix as written when it must be expanded at run time (it depends
  /// on needs or other run-time data); null when `instances` lists the legs.
  /// Its strings are templates (the runtime evaluates them, then expands).
  const TemplateToken *matrix = nullptr;
  /// Template source when the whole matrix (or strategy) is one expression,
  /// e.g. `${{ fromJSON(needs.setup.outputs.matrix) }}`; else "".
  std::string dynamicMatrix;
  bool dynamic() const { return matrix || !dynamicMatrix.empty(); }
};

struct PlanJob {
  std::string id;      ///< unique plan id: the job id, or `caller/callee` for members
  std::string localId; ///< the id in its own workflow (github.job, needs.<id>)
  std::string name;    ///< display name: literal, or `${{ }}` template source
  const Job *source = nullptr;          ///< the IR job (steps, env, runs-on, ...)
  const Workflow *workflow = nullptr;   ///< the workflow file it comes from
  std::vector<std::string> needs;       ///< plan ids
  /// Needs implied by other needs (the transitive reduction drops them).
  std::vector<std::string> redundantNeeds;
  /// For each need whose `needs.<name>` differs from its plan id: plan id -> name.
  std::vector<std::pair<std::string, std::string>> needsAs;
  /// The condition the runtime evaluates as is: GitHub's implicit rewrite
  /// (`success() && (...)`), constant-folded by fold-conditions.
  std::string condition = "success()";
  /// GitHub's rewrite before folding, when folding changed it ("" otherwise).
  std::string conditionSource;
  bool neverRuns = false;               ///< folded to false (fold-conditions)
  std::string neverRunsReason;          ///< why, for the plan and diagnostics
  PlanValue continueOnError = PlanValue::of(Value::boolean(false));
  PlanValue timeoutMinutes = PlanValue::of(Value::number(360));
  std::optional<PlanStrategy> strategy;
  /// Legs in GitHub's order, when known at compile time (a job without a
  /// matrix has one). Empty when the matrix is dynamic.
  std::vector<PlanInstance> instances;
  std::optional<PlanConcurrency> concurrency;
  TemplateMap outputs;                  ///< output templates (strings)
  /// Reusable calls: the workflow reference and the inputs passed; members
  /// of a call name it in `call`.
  std::string uses;
  std::string call;
  /// Call nodes: every input the callee declares, given or defaulted, coerced
  /// to its declared type (constant) or a template for the caller's context.
  std::vector<std::pair<std::string, PlanValue>> with;
  /// Call nodes: secrets passed explicitly, name -> template (`${{ secrets.X }}`).
  std::vector<std::pair<std::string, std::string>> secrets;
  bool inheritSecrets = false;
  /// Call nodes: the callee's file when it was loaded ("" for a remote call
  /// kept symbolic: not found in --workflow-cache).
  std::string calleePath;
  /// Members: what precedes the name in GitHub's display (`caller / `).
  std::string namePrefix;
  /// Upper bound of legs: instances, or 256 for a symbolic matrix.
  int64_t legs = 1;
  uint32_t level = 0; ///< topological level in the job graph (0 = no needs)
  double weight = 0;  ///< critical-path weight (minutes): --durations or timeout
};

struct PlanPartition {
  std::string id;   ///< p1, p2, ...
  std::string kind; ///< "call", "matrix" or "stage"
  std::vector<std::string> jobs;
  int64_t estimate = 0;
};

struct PlanWorkflow {
  std::string id;   ///< execution-name safe: 1-40 of [A-Za-z0-9_-]
  std::string path; ///< the workflow file
  std::string name; ///< workflow name (or the path)
  std::optional<PlanConcurrency> concurrency;
  const Workflow *source = nullptr; ///< the root workflow (env, triggers)
  std::vector<PlanJob> jobs; ///< file order, members right after their call
  /// The heaviest chain of jobs under their weights (plan ids) and its length.
  std::vector<std::string> criticalPath;
  double criticalPathMinutes = 0;
  // Filled by the operation-budget pass.
  int64_t estimate = -1;
  std::vector<PlanPartition> partitions;

  const PlanJob *findJob(llvm::StringRef id) const;
  PlanJob *findJob(llvm::StringRef id);
};

struct Plan {
  static constexpr int kVersion = 1;
  int64_t opBudget = 3000;
  std::vector<PlanWorkflow> workflows;
};

} // namespace ir
