/// \file
/// Lexer for `${{ }}` expressions, following GitHub's LexicalAnalyzer
/// (gha-semantics §5.1): keywords are case-sensitive, strings use single
/// quotes with '' escapes, numbers run to the next boundary character and
/// parse as .NET doubles (plus 0x/0o Int32 forms), `.` starts a number only
/// in operand position.
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace frontend {

enum class TokenKind : uint8_t {
  StartGroup,  // (
  EndGroup,    // )
  StartIndex,  // [
  EndIndex,    // ]
  Separator,   // ,
  Dereference, // .
  Wildcard,    // *
  Not,         // !
  And,         // &&
  Or,          // ||
  Eq,          // ==
  Ne,          // !=
  Lt,          // <
  Le,          // <=
  Gt,          // >
  Ge,          // >=
  Null,
  Boolean,
  Number,
  String,
  PropertyName,
  Function,
  NamedValue,
  Unexpected,
};

struct Token {
  TokenKind kind;
  uint32_t pos; ///< 0-based byte offset in the expression
  uint32_t len;
  double number = 0;
  bool boolean = false;
  std::string text; ///< string value (unescaped), identifier, or the bad text of an
                    ///< Unexpected token; empty for other kinds (see pos/len)
};

/// A compact token without owned text, the parser's form: an identifier's or a bad
/// token's text is the source slice at pos/len; a String's value is the slice
/// inside its quotes, with `''` read as `'` when `escaped` (see stringTokenValue).
struct LexToken {
  TokenKind kind;
  bool boolean = false;
  bool escaped = false; ///< String: the literal contains '' escapes
  uint32_t pos = 0;
  uint32_t len = 0;
  double number = 0;
};

/// Tokenizes `expr` into compact tokens (cleared first). Stops at the first
/// Unexpected token, which is then the last element.
void lexTokens(llvm::StringRef expr, std::vector<LexToken> &out);
/// The unescaped value of a String token of `expr`.
std::string stringTokenValue(llvm::StringRef expr, const LexToken &t);

/// Tokenizes `expr`. Stops at the first Unexpected token, which is the last
/// element of the result.
std::vector<Token> lexExpression(llvm::StringRef expr);
/// The same, into `out` (cleared first), so a caller can reuse its capacity. With
/// `identifierText` false, identifiers and property names leave `text` empty (their
/// text is the source slice at pos/len), which saves a copy per token.
void lexExpression(llvm::StringRef expr, std::vector<Token> &out, bool identifierText = true);

/// Parses a GitHub number literal ("1", "-.5", "1e3", "0xff", "0o17",
/// "Infinity"); false when the text is not a number.
bool parseExprNumber(llvm::StringRef text, double &out);

} // namespace frontend
