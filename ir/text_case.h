/// \file
/// Case-insensitive text operations as GitHub's expression engine does them
/// (gha-semantics §5.3): both sides are upper-cased code point by code point with
/// the simple Unicode mapping (dotless ı stays as it is, like .NET's
/// ToUpperInvariant), then compared ordinally. ASCII text takes a fast path with no
/// allocation. Invalid UTF-8 bytes are treated as Latin-1 code points.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace ir {

/// The simple upper-case mapping of one code point (identity when none).
uint32_t toUpperSimple(uint32_t cp);

/// Ordinal comparison after upper-casing, in UTF-16 code unit order as GitHub's
/// engines compare: <0, 0, >0.
int compareIgnoreCase(llvm::StringRef a, llvm::StringRef b);
bool equalsIgnoreCase(llvm::StringRef a, llvm::StringRef b);
bool startsWithIgnoreCase(llvm::StringRef s, llvm::StringRef prefix);
bool endsWithIgnoreCase(llvm::StringRef s, llvm::StringRef suffix);
bool containsIgnoreCase(llvm::StringRef s, llvm::StringRef needle);

/// Upper-cased copy (the key under which case-insensitive look-ups meet).
std::string foldCase(llvm::StringRef s);
/// Hash of foldCase(s) computed without building it.
uint64_t hashIgnoreCase(llvm::StringRef s);

} // namespace ir
