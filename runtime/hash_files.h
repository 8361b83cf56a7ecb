/// \file
/// `hashFiles(patterns...)` as GitHub's runner computes it (gha-semantics §5.5):
/// the files under the workspace that the glob patterns select, in sorted order,
/// each hashed with SHA-256, and the SHA-256 of those binary digests, in lower-case
/// hex; the empty string when no file matches.
///
/// Patterns follow @actions/glob, which the runner uses: relative to the
/// workspace (a leading `./` or the workspace's absolute path is dropped), `*`,
/// `?` and `[...]` within one path segment, `**` for any number of segments, dot
/// files included, a pattern that matches a directory selects everything below it,
/// and a leading `!` excludes; the last pattern that matches a path decides.
/// Blank patterns and `#` comments are ignored. Symbolic links are followed
/// (directory cycles are visited once); only regular files are hashed, and files
/// that resolve outside the workspace are skipped.
#pragma once

#include "ir/expr_functions.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace runtime {

/// Workspace-relative paths (with `/`) of the files the patterns select, sorted.
llvm::Expected<std::vector<std::string>> matchWorkspaceFiles(llvm::StringRef workspace,
                                                             llvm::ArrayRef<std::string> patterns);

/// The hashFiles() result for `patterns` under `workspace`.
llvm::Expected<std::string> hashFiles(llvm::StringRef workspace,
                                      llvm::ArrayRef<std::string> patterns);

/// Whether `path` (workspace-relative, `/`-separated) is selected by one glob
/// pattern, itself or through an ancestor directory (implicit descendants).
bool globMatches(llvm::StringRef pattern, llvm::StringRef path);

/// Registers hashFiles() over `workspace` in a function table.
void addHashFilesFunction(ir::FunctionTableHost &host, std::string workspace);

} // namespace runtime
