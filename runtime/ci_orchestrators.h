/// \file
/// The CI orchestrators on the durable engine (architecture decision 5, "the
/// orchestration loop"):
///
///     ci-run:      step(compile) -> invoke(ci-workflow) per workflow -> wait for all
///     ci-workflow: [acquire the workflow's concurrency group]
///                  loop { decide (WorkflowScheduler::advance);
///                         wake callbacks + one effects step (groups, provider cancels);
///                         per newly ready instance: child context { callback(timeout);
///                                                                   step(dispatch) };
///                         next(wait set: job contexts, wakes, cancel, retry) }
///                  step(finish)
///
/// The scheduler's state is never loaded: it is rebuilt by replaying the journaled
/// facts into it, so the loop costs O(1) operations per event and nothing per job it
/// does not touch. Operation names: `compile`, `workflow <path>`, `cancel#N`,
/// `retry#N`, `take-cancel#N`, `take-retry#N`, `wake:<instance>#<attempt>.<n>`,
/// `effects`, `job:<instance>#<attempt>` (a child context with `done` and `dispatch`),
/// `next`, `start`, `finish`; the workflow group adds `workflow-wake` and
/// `acquire-workflow-group`.
///
/// Inputs: the run execution gets {"run": {id, attempt, source, event}, "request":
/// {...}, "provider": {name, config}, "previous"?: {...}}; each workflow execution
/// gets {"run": {id, attempt, execution, github, inputs, vars}, "provider",
/// "workflow": the workflow JSON (workflow_model.h), "carry"?: jobs kept from the
/// previous attempt}.
#pragma once

#include "runtime/engine.h"
#include "runtime/provider_registry.h"

#include <functional>

namespace runtime {

/// Turns a run request into the workflows to run: {"workflows": [workflow JSON...],
/// "github": {...}, "inputs": {...}, "vars": {...}}. Runs inside the compile step.
using RunCompiler = std::function<llvm::Expected<json>(const json &request)>;

struct CiDeps {
  Engine *engine = nullptr;
  ProviderRegistry *providers = nullptr;
  RunCompiler compile;
};

/// Registers `ci-run` and `ci-workflow` (and creates the state tables).
llvm::Error registerCiOrchestrators(Engine &engine, CiDeps deps);

} // namespace runtime
