/// \file
/// Workflow triggers (`on:`), gha-semantics §1.3: events with activity types,
/// branch/tag/path filters and their -ignore forms, schedules, and the inputs,
/// outputs and secrets of workflow_dispatch and workflow_call (§7).
#pragma once

#include "ir/template_token.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

/// A filter list of one event: `branches`, `branches-ignore`, `tags`,
/// `tags-ignore`, `paths`, `paths-ignore`, `workflows` (workflow_run),
/// `names`/`versions` (image_version). A single string is a one-item list.
struct TriggerFilter {
  LocatedString key;                  ///< the filter key as written
  std::vector<LocatedString> patterns; ///< glob patterns, `!` negations kept
};

/// One `schedule` entry.
struct Schedule {
  LocatedString cron;                    ///< 5-field POSIX cron
  std::optional<LocatedString> timezone; ///< IANA time zone, UTC when absent
  SourceRange range;
};

/// An input of workflow_dispatch or workflow_call.
struct WorkflowInput {
  LocatedString id;
  std::optional<LocatedString> description;
  std::optional<bool> required;
  /// dispatch: string|boolean|number|choice|environment (default string);
  /// call: boolean|number|string (required).
  std::optional<LocatedString> type;
  /// Default value as written (call defaults may hold expressions over
  /// github, inputs, vars).
  std::optional<TemplateToken> defaultValue;
  std::vector<LocatedString> options; ///< choice inputs
  SourceRange range;                  ///< the input's mapping (or null value)
};

/// An output of workflow_call.
struct WorkflowOutput {
  LocatedString id;
  std::optional<LocatedString> description;
  Template value; ///< over github, jobs, vars, inputs
  SourceRange range;
};

/// A secret a workflow_call declares.
struct WorkflowSecret {
  LocatedString id;
  std::optional<LocatedString> description;
  std::optional<bool> required;
  bool isNull = false; ///< declared as `name:` with no mapping
  SourceRange range;
};

/// One event the workflow reacts to.
struct Trigger {
  LocatedString event;              ///< e.g. "push", "pull_request", "schedule"
  std::vector<LocatedString> types; ///< activity types (`types:`)
  std::vector<TriggerFilter> filters;
  std::vector<Schedule> schedules; ///< event "schedule"
  std::vector<WorkflowInput> inputs;   ///< workflow_dispatch / workflow_call
  std::vector<WorkflowOutput> outputs; ///< workflow_call
  std::vector<WorkflowSecret> secrets; ///< workflow_call
  bool hasConfig = false; ///< written as a mapping (not a bare name or null)
  SourceRange range;      ///< the event's value (or its name in string/list form)

  const TriggerFilter *filter(llvm::StringRef key) const;
  const WorkflowInput *input(llvm::StringRef id) const;
};

/// How `on:` was written.
enum class TriggerForm : uint8_t { None, String, Sequence, Mapping };

} // namespace ir
