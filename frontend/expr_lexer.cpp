// Expression lexer (GitHub's LexicalAnalyzer rules).
#include "frontend/expr_lexer.h"

#include "llvm/ADT/StringExtras.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace frontend {

namespace {
/// Boundary characters: ( ) [ ] , . ! > < = & | and whitespace.
struct BoundaryTable {
  bool is[256] = {};
  bool ident[256] = {}; ///< letters, digits, '_' and '-'
  constexpr BoundaryTable() {
    for (int c = 0; c < 256; ++c)
      ident[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
    for (char c : {'(', ')', '[', ']', ',', '.', '!', '>', '<', '=', '&', '|', ' ', '\t', '\n',
                   '\r', '\v', '\f'})
      is[static_cast<unsigned char>(c)] = true;
  }
};
constexpr BoundaryTable kBoundary;
} // namespace

static inline bool isBoundary(char c) { return kBoundary.is[static_cast<unsigned char>(c)]; }

static bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool parseExprNumber(llvm::StringRef s, double &out) {
  if (s.empty())
    return false;
  if (s.startswith("0x") || s.startswith("0o")) {
    llvm::StringRef digits = s.drop_front(2);
    if (digits.empty())
      return false;
    unsigned long long v = 0;
    if (digits.getAsInteger(s[1] == 'x' ? 16 : 8, v) || v > 0x7fffffffULL)
      return false;
    out = static_cast<double>(v);
    return true;
  }
  size_t i = 0, n = s.size();
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') {
    neg = s[i] == '-';
    ++i;
  }
  if (s.substr(i) == "Infinity") {
    out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  size_t digits = 0;
  while (i < n && llvm::isDigit(s[i]))
    ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++digits;
  }
  if (digits == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      ++i;
    size_t exp = 0;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++exp;
    if (exp == 0)
      return false;
  }
  if (i != n)
    return false;
  llvm::StringRef body = s.startswith("+") ? s.drop_front() : s;
  auto r = std::from_chars(body.data(), body.data() + body.size(), out);
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow is ±Infinity and underflow ±0, as .NET's double.Parse gives.
    size_t ePos = body.find_insensitive('e');
    bool tiny = ePos != llvm::StringRef::npos && body.substr(ePos + 1).startswith("-");
    double mag = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    out = neg ? -mag : mag;
  }
  return true;
}

static bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(llvm::isAlpha(s[0]) || s[0] == '_'))
    return false;
  for (char c : s)
    if (!kBoundary.ident[static_cast<unsigned char>(c)])
      return false;
  return true;
}

std::vector<Token> lexExpression(llvm::StringRef e) {
  std::vector<Token> out;
  lexExpression(e, out, /*identifierText=*/true);
  return out;
}

std::string stringTokenValue(llvm::StringRef e, const LexToken &t) {
  llvm::StringRef inner = e.substr(t.pos + 1, t.len >= 2 ? t.len - 2 : 0);
  if (!t.escaped)
    return inner.str();
  std::string v;
  v.reserve(inner.size());
  for (size_t k = 0; k < inner.size(); ++k) {
    v += inner[k];
    if (inner[k] == '\'' && k + 1 < inner.size() && inner[k + 1] == '\'')
      ++k;
  }
  return v;
}

void lexExpression(llvm::StringRef e, std::vector<Token> &out, bool identifierText) {
  std::vector<LexToken> toks;
  lexTokens(e, toks);
  out.clear();
  out.reserve(toks.size());
  for (const LexToken &lt : toks) {
    Token &t = out.emplace_back();
    t.kind = lt.kind;
    t.pos = lt.pos;
    t.len = lt.len;
    t.number = lt.number;
    t.boolean = lt.boolean;
    switch (lt.kind) {
    case TokenKind::String:
      t.text = stringTokenValue(e, lt);
      break;
    case TokenKind::PropertyName:
    case TokenKind::Function:
    case TokenKind::NamedValue:
      if (identifierText)
        t.text = e.substr(lt.pos, lt.len).str();
      break;
    case TokenKind::Unexpected:
      t.text = e.substr(lt.pos, lt.len).str();
      break;
    default:
      break;
    }
  }
}

void lexTokens(llvm::StringRef e, std::vector<LexToken> &out) {
  out.clear();
  size_t i = 0, n = e.size();
  out.reserve(n / 3 + 4);
  auto push = [&](TokenKind k, size_t pos, size_t len) -> LexToken & {
    LexToken &t = out.emplace_back();
    t.kind = k;
    t.pos = static_cast<uint32_t>(pos);
    t.len = static_cast<uint32_t>(len);
    return t;
  };
  auto lastKind = [&]() -> int { return out.empty() ? -1 : static_cast<int>(out.back().kind); };
  // Operand position: start, after a separator, an opening bracket or an operator.
  auto operandPosition = [&]() {
    int k = lastKind();
    if (k < 0)
      return true;
    auto tk = static_cast<TokenKind>(k);
    switch (tk) {
    case TokenKind::Separator:
    case TokenKind::Dereference: // `a..b`: the second dot starts a (bad) number
    case TokenKind::StartGroup:
    case TokenKind::StartIndex:
    case TokenKind::Not:
    case TokenKind::And:
    case TokenKind::Or:
    case TokenKind::Eq:
    case TokenKind::Ne:
    case TokenKind::Lt:
    case TokenKind::Le:
    case TokenKind::Gt:
    case TokenKind::Ge:
      return true;
    default:
      return false;
    }
  };
  while (i < n) {
    char c = e[i];
    if (isSpace(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    switch (c) {
    case '(':
      push(TokenKind::StartGroup, i++, 1);
      continue;
    case ')':
      push(TokenKind::EndGroup, i++, 1);
      continue;
    case '[':
      push(TokenKind::StartIndex, i++, 1);
      continue;
    case ']':
      push(TokenKind::EndIndex, i++, 1);
      continue;
    case ',':
      push(TokenKind::Separator, i++, 1);
      continue;
    case '*':
      push(TokenKind::Wildcard, i++, 1);
      continue;
    case '\'': {
      ++i;
      bool closed = false, escaped = false;
      while (i < n) {
        size_t q = e.find('\'', i);
        if (q == llvm::StringRef::npos) {
          i = n;
          break;
        }
        if (q + 1 < n && e[q + 1] == '\'') {
          escaped = true;
          i = q + 2;
          continue;
        }
        i = q + 1;
        closed = true;
        break;
      }
      if (!closed) {
        push(TokenKind::Unexpected, start, n - start);
        return;
      }
      push(TokenKind::String, start, i - start).escaped = escaped;
      continue;
    }
    case '!':
    case '>':
    case '<':
    case '=':
    case '&':
    case '|': {
      char d = i + 1 < n ? e[i + 1] : '\0';
      TokenKind k;
      size_t len = 1;
      if (c == '!' && d == '=')
        k = TokenKind::Ne, len = 2;
      else if (c == '!')
        k = TokenKind::Not;
      else if (c == '>' && d == '=')
        k = TokenKind::Ge, len = 2;
      else if (c == '>')
        k = TokenKind::Gt;
      else if (c == '<' && d == '=')
        k = TokenKind::Le, len = 2;
      else if (c == '<')
        k = TokenKind::Lt;
      else if (c == '=' && d == '=')
        k = TokenKind::Eq, len = 2;
      else if (c == '&' && d == '&')
        k = TokenKind::And, len = 2;
      else if (c == '|' && d == '|')
        k = TokenKind::Or, len = 2;
      else {
        // A lone `=`, `&` or `|` is read like an identifier, to the next boundary
        // after it (`=2` in `1 =2`), which GitHub then rejects.
        size_t j = i + 1;
        if (c == '=' || c == '&' || c == '|')
          while (j < n && !isBoundary(e[j]))
            ++j;
        push(TokenKind::Unexpected, i, j - i);
        return;
      }
      push(k, i, len);
      i += len;
      continue;
    }
    default:
      break;
    }
    bool number = c == '-' || c == '+' || llvm::isDigit(c) || (c == '.' && operandPosition());
    if (c == '.' && !number) {
      push(TokenKind::Dereference, i++, 1);
      continue;
    }
    // Read to the next boundary; numbers may contain '.'. Identifier characters
    // are scanned first (the common case), then anything else up to a boundary.
    ++i;
    bool identChars = false; // every character read is a letter, digit, '_' or '-'
    if (!number) {
      while (i < n && kBoundary.ident[static_cast<unsigned char>(e[i])])
        ++i;
      identChars = i == n || isBoundary(e[i]);
    }
    while (i < n && (!isBoundary(e[i]) || (number && e[i] == '.')))
      ++i;
    llvm::StringRef raw = e.slice(start, i);
    if (number) {
      double d;
      if (!parseExprNumber(raw, d)) {
        push(TokenKind::Unexpected, start, raw.size());
        return;
      }
      LexToken &t = push(TokenKind::Number, start, raw.size());
      t.number = d;
      continue;
    }
    if (identChars ? !(llvm::isAlpha(c) || c == '_') : !isIdentifier(raw)) {
      push(TokenKind::Unexpected, start, raw.size());
      return;
    }
    if (lastKind() == static_cast<int>(TokenKind::Dereference)) {
      push(TokenKind::PropertyName, start, raw.size());
      continue;
    }
    if (raw == "true" || raw == "false") {
      LexToken &t = push(TokenKind::Boolean, start, raw.size());
      t.boolean = raw == "true";
      continue;
    }
    if (raw == "null") {
      push(TokenKind::Null, start, raw.size());
      continue;
    }
    if (raw == "NaN" || raw == "Infinity") {
      LexToken &t = push(TokenKind::Number, start, raw.size());
      t.number = raw == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                              : std::numeric_limits<double>::infinity();
      continue;
    }
    size_t j = i;
    while (j < n && isSpace(e[j]))
      ++j;
    push(j < n && e[j] == '(' ? TokenKind::Function : TokenKind::NamedValue, start, raw.size());
  }
  return;
}

} // namespace frontend
