// The Lambda plan: the resolved plan with each workflow's operation estimate per execution (docs/lambda-plan.md).
/// \file
/// `ci-compile --emit=lambda-plan` writes the plan JSON of ir/plan_json.h
/// after the operation-budget pass, with each workflow's `estimate` spelled
/// out per execution, the shape backend/lambda/src/plan.js produces:
///
///   "estimate": {"operations": 40, "budget": 3000,
///                "executions": [{"id": "main", "operations": 33}, {"id": "p1", "operations": 7}]}
///
/// and `partitions` (kind `call`, `matrix` or `stage`) when the workflow was
/// split. The Node.js package runs this document as is.
#pragma once

#include "ir/plan.h"

#include <string>

namespace backend {

/// The Lambda plan as JSON text (2-space indentation, final newline).
/// Workflows must have been through the operation-budget pass.
std::string writeLambdaPlanJson(const ir::Plan &plan);

/// The file name `ci-compile -o DIR` gives the plan of `plan`: `<workflow id>.lambda-plan.json`.
std::string lambdaPlanFileName(const ir::Plan &plan);

} // namespace backend
