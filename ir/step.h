/// \file
/// A job step (gha-semantics §1.6): a `run:` script, a `uses:` action, or one
/// of the 2026 step kinds (`wait`, `wait-all`, `cancel`, `parallel`) with
/// `background` steps. Steps without an `id` get GitHub's generated ids
/// (`__run`, `__actions_checkout`, `__self`, `__alpine_latest`, `_2`...).
#pragma once

#include "ir/template_token.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

/// A name -> template map in file order (env, with, outputs).
struct NamedTemplate {
  LocatedString name;
  Template value;
};
using TemplateMap = std::vector<NamedTemplate>;

/// Look-up in a TemplateMap (case-insensitive).
const NamedTemplate *findNamed(const TemplateMap &m, llvm::StringRef name);

enum class StepKind : uint8_t {
  Run,      ///< `run:` script
  Uses,     ///< `uses:` action (owner/repo[/path]@ref, ./path, docker://image)
  Wait,     ///< `wait: [ids]`: waits for background steps
  WaitAll,  ///< `wait-all:`: waits for every background step
  Cancel,   ///< `cancel: id`: cancels a background step
  Parallel, ///< `parallel: [steps]`: runs nested steps concurrently
  Invalid,  ///< none of the above could be determined (an error was reported)
};

llvm::StringRef stepKindName(StepKind k); // "run", "uses", "wait", ...
std::optional<StepKind> stepKindFromName(llvm::StringRef name);

struct Step {
  StepKind kind = StepKind::Invalid;
  /// The id as written, or the generated one (`generatedId` true).
  LocatedString id;
  bool generatedId = false;
  std::optional<Template> name;
  /// `if:` parsed as a bare expression (or a template when it holds `${{`);
  /// absent means `success()`. Not valid for wait/wait-all/cancel.
  std::optional<Template> condition;
  Template run;                        ///< Run steps
  std::optional<LocatedString> uses;   ///< Uses steps (no expressions)
  std::optional<LocatedString> shell;  ///< Run steps (no expressions; composite actions keep `${{ }}` text)
  std::optional<Template> workingDirectory;
  TemplateMap with;                    ///< Uses steps; values are strings
  TemplateMap env;
  std::optional<TemplateToken> continueOnError; ///< bool or expression
  std::optional<TemplateToken> timeoutMinutes;  ///< number or expression
  bool background = false;
  std::vector<LocatedString> waitFor;  ///< Wait: step ids
  std::optional<LocatedString> cancel; ///< Cancel: step id
  std::vector<Step> parallel;          ///< Parallel: nested steps
  SourceRange range;                   ///< the step's mapping
};

/// GitHub's generated id base for a step without `id` (before `_N` suffixes):
/// `__run`, `__owner_repo`, `__self`, `__<image>`, `__wait`, ...
std::string generatedStepIdBase(const Step &s);

} // namespace ir
