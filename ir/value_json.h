/// \file
/// JSON text to and from `ir::Value`, with the behaviour GitHub's `fromJSON` and
/// `toJSON` have (gha-semantics §5.5): strict JSON (RFC 8259) in, numbers as
/// doubles, object keys in document order (a repeated key keeps its first
/// position and its last value, as JSON.parse does); out, JSON.stringify's
/// layout (2-space indentation, `": "`, `[]`/`{}` for empty containers) and
/// JavaScript's shortest number form. Non-finite numbers print as `null`.
///
/// Parsing is bounded: nesting depth and a byte budget (strings count twice their
/// length plus a fixed cost per value) give errors, never a crash; errors carry the
/// offset, line and column.
#pragma once

#include "ir/value.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <string>

namespace ir {

struct JSONParseLimits {
  unsigned maxDepth = 512;        ///< nesting of arrays/objects
  size_t maxBytes = SIZE_MAX;     ///< budget in accounted bytes (see file comment)
};

struct JSONParseError {
  enum class Kind : uint8_t { Syntax, TooDeep, TooLarge };
  Kind kind = Kind::Syntax;
  std::string message; ///< e.g. "Unexpected character 'b'" (no position)
  size_t offset = 0;   ///< 0-based byte offset
  unsigned line = 1;   ///< 1-based
  unsigned column = 1; ///< 1-based, in bytes
};

/// Parses `text` (surrounding whitespace allowed). On failure returns false and
/// fills `err`. `accounted`, when given, receives the bytes charged.
bool parseJSON(llvm::StringRef text, Value &out, JSONParseError &err,
               const JSONParseLimits &limits = {}, size_t *accounted = nullptr);

/// Accounted size of a value as the evaluator charges it (see file comment).
size_t accountedSize(const Value &v);

/// JSON text of `v`: pretty (JSON.stringify(v, null, 2)) or compact. With
/// `nonFiniteAsStrings`, NaN and ±Infinity print as the strings "NaN",
/// "Infinity", "-Infinity" instead of null (ci-expr's result format).
std::string writeJSON(const Value &v, bool pretty = true, bool nonFiniteAsStrings = false);
void writeJSON(const Value &v, std::string &out, bool pretty = true,
               bool nonFiniteAsStrings = false);
/// Appends `s` as a JSON string literal with JSON.stringify's escapes.
void appendJSONString(std::string &out, llvm::StringRef s);
/// JavaScript's Number.prototype.toString (shortest round-trip form).
void appendJSNumber(std::string &out, double d);

} // namespace ir
