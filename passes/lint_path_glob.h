/// \file
/// Glob matching for the config file's path patterns and self-hosted runner
/// labels: `*` matches within one path segment, `**` across segments
/// (`a/**/b` also matches `a/b`), `?` one character, `[a-z]`/`[!a-z]` a class,
/// `{x,y}` alternatives, `\` escapes. Matching is linear-time in practice
/// (backtracking is bounded by memoisation) and never recurses on the input.
#pragma once

#include "llvm/ADT/StringRef.h"

namespace passes {

/// True when `path` matches `pattern` as a whole.
bool matchPathGlob(llvm::StringRef pattern, llvm::StringRef path);

} // namespace passes
