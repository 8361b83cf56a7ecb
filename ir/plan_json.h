/// \file
/// Plan JSON: the versioned document `ci-compile --emit=plan` writes and both
/// runtimes read (docs/plan.md; the Lambda package's reader is
/// backend/lambda/src/plan.js). Field names are snake_case. A value the plan
/// knows is written as JSON; one the runtime evaluates is a template string
/// (`"${{ matrix.os }}"`); `if` is a bare expression.
///
/// Each job carries `spec`, what a compute provider needs to run it: runs-on,
/// environment, the effective env and defaults (its workflow's merged with
/// the job's), container, services, permissions and the steps with their
/// templates and rewritten conditions. Readers ignore fields they do not know.
#pragma once

#include "ir/ir_json.h"
#include "ir/plan.h"

#include <string>

namespace ir {

/// The plan format version written (Plan::kVersion).
OrderedJson planToJson(const Plan &plan);
/// The JSON text with 2-space indentation and a final newline.
std::string writePlanJson(const Plan &plan);

/// A value as JSON (integral numbers as integers; NaN and infinities as null).
OrderedJson valueToJson(const Value &v);
/// A plan value: its constant, or its template/expression source.
OrderedJson planValueJson(const PlanValue &v);
/// A template token with strings as template text.
OrderedJson tokenToPlanJson(const TemplateToken &t);
/// The `spec` of a normal job (see the file comment).
OrderedJson jobSpecJson(const Job &job, const Workflow &wf);

} // namespace ir
