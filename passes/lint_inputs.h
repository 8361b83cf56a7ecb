/// \file
/// What a ci-lint invocation lints: the files named on the command line
/// (`-` is standard input, shown as `--stdin-filename` or `<stdin>`), or,
/// when none is named, the workflows and action files of the repository
/// around the current directory (lint_discovery.h), shown relative to it.
#pragma once

#include "passes/lint_driver.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace passes {

/// Builds the inputs. `readStdin` is called once when `-` is given. Fails
/// when no file is named and no repository is found.
llvm::Expected<std::vector<LintInput>>
collectLintInputs(const std::vector<std::string> &files, const std::string &stdinFilename,
                  const std::function<std::string()> &readStdin);

/// `path` relative to the current directory (with `..` when it lies elsewhere).
std::string displayPath(llvm::StringRef path);

} // namespace passes
