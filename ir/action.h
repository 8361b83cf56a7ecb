/// \file
/// Action metadata (`action.yml` / `action.yaml`): name, description, inputs,
/// outputs and how the action runs (composite steps, a Node.js entry point or
/// a Docker image). Loaded by frontend/action_metadata.h; used by linters
/// (inputs/outputs) and runtimes (composite and node actions).
#pragma once

#include "ir/step.h"

#include <optional>
#include <string>
#include <vector>

namespace ir {

struct ActionInput {
  LocatedString id;
  std::optional<LocatedString> description;
  std::optional<bool> required;
  std::optional<Template> defaultValue; ///< may use github, inputs, ... expressions
  std::optional<LocatedString> deprecationMessage;
  SourceRange range;
};

struct ActionOutput {
  LocatedString id;
  std::optional<LocatedString> description;
  std::optional<Template> value; ///< composite actions: expression over steps
  SourceRange range;
};

enum class ActionRunsKind : uint8_t { Composite, Node, Docker, Unknown };

struct ActionRuns {
  ActionRunsKind kind = ActionRunsKind::Unknown;
  LocatedString using_;          ///< "composite", "node20", "docker", ...
  std::optional<LocatedString> main, pre, post; ///< node entry points
  std::optional<Template> preIf, postIf;
  std::optional<LocatedString> image; ///< docker: "Dockerfile" or docker://...
  std::optional<LocatedString> entrypoint, preEntrypoint, postEntrypoint;
  std::vector<Template> args; ///< docker args
  TemplateMap env;            ///< docker env
  std::vector<Step> steps;    ///< composite steps
  SourceRange range;
};

struct Action {
  std::string file;
  std::optional<LocatedString> name;
  std::optional<LocatedString> author;
  std::optional<LocatedString> description;
  std::vector<ActionInput> inputs;
  std::vector<ActionOutput> outputs;
  ActionRuns runs;
  SourceRange range;

  const ActionInput *findInput(llvm::StringRef id) const;
};

} // namespace ir
