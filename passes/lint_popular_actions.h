/// \file
/// The popular-actions table: inputs (required, default, deprecated) and
/// outputs of commonly used actions at the refs workflows use, so that the
/// `action` rule can check `with:` keys, missing required inputs, deprecated
/// inputs and `steps.<id>.outputs.<name>` without network access.
///
/// The data is GENERATED into `passes/lint_popular_actions.inc` by
/// `scripts/gen-popular-actions/run.sh` from `../shared/data/popular-actions`
/// (its README describes the source and the look-up rules followed here). Do
/// not edit the .inc by hand.
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace passes {

struct PopularActionInput {
  const char *name;
  bool required;                  ///< `required: true` and no `default:`
  const char *defaultValue;       ///< the default's text, or nullptr without one
  const char *deprecationMessage; ///< nullptr unless the input is deprecated ("" is possible)
};

struct PopularAction {
  const char *action;    ///< owner/repo[/path] as GitHub names it
  const char *ref;       ///< vN, a concrete tag, or a branch name
  const char *runsUsing; ///< node20, node24, composite, docker, ...
  uint32_t firstInput, numInputs, firstOutput, numOutputs;
  const char *deprecationMessage; ///< top-level message some actions carry, or nullptr
  bool defaultBranch;             ///< the row of the repository's default branch

  llvm::ArrayRef<PopularActionInput> inputs() const;
  std::vector<llvm::StringRef> outputs() const;
  /// The input named `name` (case-insensitive, as the runner matches them).
  const PopularActionInput *findInput(llvm::StringRef name) const;
  bool hasOutput(llvm::StringRef name) const; ///< case-insensitive
};

struct PopularActionPin {
  const char *sha12; ///< first 12 hex digits of the pinned commit
  const char *action;
  const char *ref;
};

/// Every row of the table.
llvm::ArrayRef<PopularAction> popularActions();

/// The metadata for `uses: ACTION@REF` (e.g. "actions/checkout@v4"): the row
/// with exactly REF; for a version (v4, v4.1, 4.1.2) the row of its major;
/// for a commit SHA the row its pin resolves to. Null when the action or the
/// version is unknown (callers then skip their checks rather than guess).
const PopularAction *findPopularAction(llvm::StringRef uses);
const PopularAction *findPopularAction(llvm::StringRef action, llvm::StringRef ref);

/// The newest major version stored for `action` (e.g. 7 for actions/checkout),
/// for the outdated-version check; nullopt when the action has no vN rows.
std::optional<unsigned> newestPopularActionMajor(llvm::StringRef action);

} // namespace passes
