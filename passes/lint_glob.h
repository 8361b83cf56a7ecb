/// \file
/// Syntax of the glob patterns in branch, tag and path filters
/// (gha-semantics §1.3 "Glob syntax"): `*`, `**`, `?` and `+` (zero-or-one /
/// one-or-more of the *preceding* character, so they cannot follow another
/// special character), `[a-z0-9]` classes with increasing ranges, `!` only
/// as the first character, `\` to escape. Branch and tag patterns must also
/// be possible git ref names (no spaces, `~`, `^`, `:`, no literal `[`, `?`,
/// `*`; see git-check-ref-format); path patterns may not use `.` or `..`
/// segments (GitHub matches the path from the repository root).
///
/// A standalone validator returning positioned errors with actionlint's
/// wording; the glob rule maps offsets into the YAML scalar.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace passes {

struct GlobError {
  std::string message; ///< without the trailing "note: filter pattern syntax ..." link
  size_t offset = 0;   ///< byte offset in the pattern (== size() for "unexpected EOF")
};

/// Errors in a branch or tag filter pattern.
std::vector<GlobError> validateRefGlob(llvm::StringRef pattern);
/// Errors in a path filter pattern.
std::vector<GlobError> validatePathGlob(llvm::StringRef pattern);

} // namespace passes
