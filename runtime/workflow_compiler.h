/// \file
/// The workflow file compiler of ci-exec's compile step: the passes' pipeline
/// (passes/compile_driver.h) on each workflow file of a source, the plan as JSON
/// (ir/plan_json.h), and the event filters (event_filter.h) choosing which workflows
/// the event runs.
///
/// A source is a workflow file, or a directory: its `.github/workflows/*.yml|yaml`
/// (or the directory's own YAML files). Without an event, a directory runs `push`; a
/// file runs `push` if it reacts to it, else the first event of its `on:`.
/// `workflow_dispatch` inputs get their declared defaults and types (boolean, number)
/// in the `inputs` context. Files with errors fail the compile with their diagnostics.
#pragma once

#include "runtime/run_compiler.h"

namespace runtime {

/// The compiler `ci-exec run` uses.
WorkflowFileCompiler makeWorkflowFileCompiler();

} // namespace runtime
