/// \file
/// Finding what to lint: the repository root (the nearest directory upwards
/// holding `.git`, a directory or a worktree's file), its workflows
/// (`.github/workflows/*.yml|yaml`, not recursive: GitHub reads only that
/// folder) and its action metadata files (`action.yml|yaml` anywhere in the
/// repository, skipping hidden directories other than `.github`, and
/// `node_modules`). Results are sorted so output order is stable.
#pragma once

#include "passes/lint_rule.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace passes {

/// The nearest ancestor of `start` (itself included) that holds `.git`.
std::optional<std::string> findRepositoryRoot(llvm::StringRef start);

/// Workflows then action files of the repository at `root`, as paths that
/// start with `root`.
std::vector<std::string> discoverLintFiles(llvm::StringRef root);

/// Action metadata when the file is named action.yml/action.yaml, else a workflow.
LintFileKind classifyLintFile(llvm::StringRef path);

/// `path` relative to `root` with "/" separators, or `path` itself when it is
/// not under `root` (both are made absolute first).
std::string relativeToRoot(llvm::StringRef path, llvm::StringRef root);

} // namespace passes
