/// \file
/// What the run's compile step does: turns a run request into the workflows to run and
/// the run's contexts.
///
/// A request is {"source": FILE or DIR, "event": NAME, "payload": {...} (the event
/// payload, `github.event`), "inputs": {...}, "vars": {...}, "repo": the repository
/// root, "plan": {...} (a plan given inline instead of a source)}. A source that is a
/// `.json` file is a plan (docs/lambda-plan.md: {"version": 1, "workflows": [...]});
/// workflow files are compiled by the `WorkflowFileCompiler` the program provides (the
/// passes' plan builder), which also applies the event's branch, tag and path filters.
#pragma once

#include "runtime/result.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>

namespace runtime {

/// Compiles the workflow files of a source for an event: returns the workflow JSON
/// (workflow_model.h) of every workflow the event triggers, and the typed `inputs`
/// (workflow_dispatch defaults and types applied), as {"workflows": [...], "inputs": {...}}.
using WorkflowFileCompiler =
    std::function<llvm::Expected<json>(const std::string &source, const std::string &event,
                                       const json &payload, const json &inputs)>;

/// The `github` context of a run (event name, payload, ref, sha, repository, actor...),
/// from the payload where it has them, else from the repository's checkout.
json githubContext(const std::string &event, const json &payload, const std::string &repoRoot);

/// `owner/name` from a git remote URL (`https://github.com/o/n.git`,
/// `git@github.com:o/n.git`, `ssh://git@host/o/n`); "" for a local path or a URL
/// without two path segments.
std::string repositoryFromRemoteUrl(llvm::StringRef url);

/// `owner/name` of the `origin` remote in `repoRoot`/.git/config ("" when none):
/// github.repository of a run whose event names no repository.
std::string originRepository(const std::string &repoRoot);

/// The compile step: {"workflows": [...], "github": {...}, "inputs": {...}, "vars": {...}}.
llvm::Expected<json> compileRunRequest(const json &request, const WorkflowFileCompiler &files);

} // namespace runtime
