/// \file
/// A located, typed YAML value whose strings are compiled templates: GitHub's
/// "template token" (null, boolean, number, string, sequence, mapping).
///
/// The IR keeps values in this form where GitHub keeps them open-ended and
/// where later passes need the typed data as written: matrices (vectors keep
/// their item types and key order; the passes expand them), reusable-call
/// `with` values, runs-on, container/services, environment, strategy and
/// timeouts that may be expressions. A string token whose text holds
/// `${{ }}` is an expression token (GitHub's type 3).
#pragma once

#include "ir/source_location.h"
#include "ir/template.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace ir {

/// A string with the source range it was read from (ids, keys, action refs:
/// places where expressions are not allowed).
struct LocatedString {
  std::string value;
  SourceRange range;

  bool operator==(const LocatedString &o) const { return value == o.value; }
};

struct TokenEntry;

struct TemplateToken {
  enum class Kind : uint8_t {
    Null,     ///< `~`, `null`, an empty value
    Bool,     ///< value in `boolean`
    Number,   ///< value in `number` (YAML 1.2 core: ints, hex, octal, floats, .inf, .nan)
    String,   ///< `str`: literal text, or a template with `${{ }}` expressions
    Sequence, ///< `items`
    Mapping,  ///< `entries`, in file order
  };

  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  Template str;
  std::vector<TemplateToken> items;
  std::vector<TokenEntry> entries;
  SourceRange range;

  bool isNull() const { return kind == Kind::Null; }
  bool isString() const { return kind == Kind::String; }
  bool isMapping() const { return kind == Kind::Mapping; }
  bool isSequence() const { return kind == Kind::Sequence; }
  /// A string holding at least one `${{ }}`.
  bool isExpression() const { return kind == Kind::String && str.hasExpressions(); }
  /// Mapping look-up by key (case-insensitive, as GitHub's keys are).
  const TemplateToken *get(llvm::StringRef key) const;
  /// The scalar's text as GitHub converts it to a string: "" for null,
  /// "true"/"false", numbers in G15 form, strings as written.
  std::string scalarText() const;
  /// "null", "boolean", "number", "string", "sequence", "mapping".
  static llvm::StringRef kindName(Kind k);

  static TemplateToken makeString(std::string text, SourceRange r = {});
};

struct TokenEntry {
  LocatedString key;
  TemplateToken value;
};

/// Number formatting GitHub uses when a number becomes a string (G15; -0 is 0).
std::string formatNumber(double v);

} // namespace ir
