/// \file
/// The typed workflow model: what the frontend lowers a workflow file into
/// (frontend/lower_workflow.h) and what passes, linters, emitters and runtimes
/// consume. It follows the workflow schema of gha-semantics §1.2-1.6:
///
///   Workflow { name, run-name, on -> [Trigger], permissions, env, defaults,
///              concurrency, jobs -> [Job { ..., steps -> [Step] }] }
///
/// Every node keeps its source range; keys that linters and the language
/// server point at keep the range of their key too (LocatedString). Every
/// string that may hold `${{ }}` is an ir::Template parsed with the contexts
/// allowed at its key; `if:` values are bare expressions. Values GitHub keeps
/// open-ended stay ir::TemplateToken (typed, key order kept). Serialised as
/// versioned JSON by ir/ir_json.h (docs/ir.md).
#pragma once

#include "ir/job.h"
#include "ir/trigger.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

struct Workflow {
  std::string file; ///< path as given to the frontend
  FileId fileId = 0;
  std::optional<Template> name; ///< literal (no expressions allowed)
  std::optional<Template> runName;
  std::optional<Template> description;
  TriggerForm triggerForm = TriggerForm::None;
  std::vector<Trigger> triggers; ///< in file order
  SourceRange onRange;
  std::optional<Permissions> permissions;
  TemplateMap env;
  RunDefaults defaults;
  std::optional<Concurrency> concurrency;
  std::vector<Job> jobs; ///< in file order
  SourceRange jobsRange; ///< the `jobs:` value
  SourceRange range;     ///< the root mapping

  const Job *findJob(llvm::StringRef id) const; ///< case-insensitive
  Job *findJob(llvm::StringRef id);
  const Trigger *findTrigger(llvm::StringRef event) const;
  /// True when `on:` lists workflow_call (the file is a reusable workflow).
  bool isReusable() const { return findTrigger("workflow_call") != nullptr; }
};

} // namespace ir
