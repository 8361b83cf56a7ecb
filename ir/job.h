/// \file
/// A job (gha-semantics §1.5): a normal job that runs steps on a runner, or a
/// reusable-workflow call (§7). Open-ended values (runs-on, strategy with its
/// matrix, container, services, environment, timeouts) stay template tokens
/// as written, with typed accessors; the passes evaluate and expand them.
#pragma once

#include "ir/step.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

/// `permissions:` at workflow or job level (§1.2).
struct Permissions {
  enum class Form : uint8_t { ReadAll, WriteAll, Map };
  Form form = Form::Map;
  struct Scope {
    LocatedString scope; ///< e.g. "contents", "id-token"
    LocatedString level; ///< "read", "write" or "none"
  };
  std::vector<Scope> scopes; ///< Map form, in file order; `{}` = every scope none
  SourceRange range;

  /// The level for a scope: "read"/"write"/"none" ("none" for unlisted
  /// scopes in Map form, the all-level for read-all/write-all).
  std::string levelOf(llvm::StringRef scope) const;
};

/// `concurrency:` (§4): a group string or {group, cancel-in-progress, queue}.
struct Concurrency {
  Template group;
  std::optional<TemplateToken> cancelInProgress; ///< bool or expression
  std::optional<TemplateToken> queue;
  bool shortForm = false; ///< written as a plain string
  SourceRange range;
};

/// `defaults.run`.
struct RunDefaults {
  std::optional<Template> shell;
  std::optional<Template> workingDirectory;
  SourceRange range;
  bool empty() const { return !shell && !workingDirectory; }
};

enum class JobKind : uint8_t {
  Normal,       ///< runs-on + steps
  ReusableCall, ///< uses: a reusable workflow
};

struct Job {
  JobKind kind = JobKind::Normal;
  LocatedString id;             ///< the key under `jobs:`
  std::optional<Template> name; ///< display name (defaults to the id)
  std::vector<LocatedString> needs;
  /// Bare expression (or template); absent means `success()`.
  std::optional<Template> condition;
  /// string | sequence of labels | {group, labels} | expression.
  std::optional<TemplateToken> runsOn;
  /// string | {name, url, deployment}.
  std::optional<TemplateToken> environment;
  TemplateMap outputs;
  TemplateMap env;
  RunDefaults defaults;
  std::vector<Step> steps;
  std::optional<TemplateToken> timeoutMinutes;       ///< number or expression
  std::optional<TemplateToken> cancelTimeoutMinutes; ///< number or expression
  /// `strategy` mapping as written: matrix (mapping or expression, typed
  /// values in key order, not expanded), fail-fast, max-parallel.
  std::optional<TemplateToken> strategy;
  std::optional<TemplateToken> continueOnError; ///< bool or expression
  std::optional<TemplateToken> container;       ///< image string or mapping
  /// `services` mapping: id -> image string or container mapping.
  std::optional<TemplateToken> services;
  std::optional<Permissions> permissions;
  std::optional<Concurrency> concurrency;
  std::optional<TemplateToken> snapshot; ///< custom-image feature
  // Reusable calls.
  std::optional<LocatedString> uses; ///< ./path.yml or owner/repo/path@ref
  std::vector<TokenEntry> with;       ///< input values, typed as written
  std::vector<NamedTemplate> secrets; ///< explicit secrets
  bool inheritSecrets = false;        ///< `secrets: inherit`
  SourceRange range;                  ///< the job's mapping

  /// Display name as written, or the id.
  std::string displayName() const { return name ? name->raw : id.value; }
  /// The matrix token (strategy.matrix), or null.
  const TemplateToken *matrix() const { return strategy ? strategy->get("matrix") : nullptr; }
  /// runs-on labels as written: the string, the sequence items, or the
  /// group's labels (an expression stays `${{ ... }}` text).
  std::vector<std::string> runsOnLabels() const;
  /// runs-on group name (mapping form), "" when none.
  std::string runsOnGroup() const;
  const Step *findStep(llvm::StringRef id) const;
};

} // namespace ir
