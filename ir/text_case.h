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

/// Equality of two identifiers (ASCII by the lexer's rules) ignoring ASCII case.
inline bool identifierEquals(llvm::StringRef a, llvm::StringRef b) {
  if (a.size() != b.size())
    return false;
  for (size_t k = 0, n = a.size(); k < n; ++k) {
    unsigned char x = static_cast<unsigned char>(a[k]), y = static_cast<unsigned char>(b[k]);
    if (x != y && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z'))
      return false;
  }
  return true;
}

/// Ordinal comparison after upper-casing, in UTF-16 code unit order as GitHub's
/// engines compare: <0, 0, >0.
int compareIgnoreCase(llvm::StringRef a, llvm::StringRef b);
bool equalsIgnoreCaseSlow(llvm::StringRef a, llvm::StringRef b);
/// Equality ignoring case. Same-size ASCII text is compared inline.
inline bool equalsIgnoreCase(llvm::StringRef a, llvm::StringRef b) {
  if (a.size() == b.size()) {
    for (size_t k = 0, n = a.size(); k < n; ++k) {
      unsigned char x = static_cast<unsigned char>(a[k]), y = static_cast<unsigned char>(b[k]);
      if (x == y && x < 0x80)
        continue;
      if (x < 0x80 && y < 0x80 && (x | 0x20) == (y | 0x20) && (x | 0x20) >= 'a' &&
          (x | 0x20) <= 'z')
        continue;
      if (x < 0x80 && y < 0x80)
        return false; // two ASCII characters that differ beyond case
      return equalsIgnoreCaseSlow(a, b);
    }
    return true;
  }
  return equalsIgnoreCaseSlow(a, b);
}
bool startsWithIgnoreCase(llvm::StringRef s, llvm::StringRef prefix);
bool endsWithIgnoreCase(llvm::StringRef s, llvm::StringRef suffix);
bool containsIgnoreCase(llvm::StringRef s, llvm::StringRef needle);

/// Upper-cased copy (the key under which case-insensitive look-ups meet).
std::string foldCase(llvm::StringRef s);
/// Hash of foldCase(s) computed without building it.
uint64_t hashIgnoreCase(llvm::StringRef s);

} // namespace ir
