// YAML node helpers: core-schema scalar typing and mapping look-up.
#include "frontend/yaml_node.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace frontend {

llvm::StringRef scalarStyleName(ScalarStyle s) {
  switch (s) {
  case ScalarStyle::Plain:
    return "Plain";
  case ScalarStyle::SingleQuoted:
    return "SingleQuoted";
  case ScalarStyle::DoubleQuoted:
    return "DoubleQuoted";
  case ScalarStyle::Literal:
    return "Literal";
  case ScalarStyle::Folded:
    return "Folded";
  }
  return "Plain";
}

static bool isDigits(llvm::StringRef s, int base) {
  if (s.empty())
    return false;
  for (char c : s) {
    bool ok = base == 16 ? llvm::isHexDigit(c) : base == 8 ? (c >= '0' && c <= '7') : llvm::isDigit(c);
    if (!ok)
      return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
static bool isCoreFloat(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+'))
    ++i;
  size_t intDigits = 0, fracDigits = 0;
  while (i < n && llvm::isDigit(s[i]))
    ++i, ++intDigits;
  bool dot = false;
  if (i < n && s[i] == '.') {
    dot = true;
    ++i;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++fracDigits;
  }
  if (intDigits == 0 && fracDigits == 0)
    return false;
  (void)dot;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      ++i;
    size_t expDigits = 0;
    while (i < n && llvm::isDigit(s[i]))
      ++i, ++expDigits;
    if (expDigits == 0)
      return false;
  }
  return i == n;
}

ScalarType resolvePlainScalar(llvm::StringRef s) {
  if (s.empty())
    return ScalarType::Null;
  switch (s[0]) {
  case 'n':
  case 'N':
  case '~':
    if (s == "null" || s == "Null" || s == "NULL" || s == "~")
      return ScalarType::Null;
    return ScalarType::String;
  case 't':
  case 'T':
    if (s == "true" || s == "True" || s == "TRUE")
      return ScalarType::Bool;
    return ScalarType::String;
  case 'f':
  case 'F':
    if (s == "false" || s == "False" || s == "FALSE")
      return ScalarType::Bool;
    return ScalarType::String;
  default:
    break;
  }
  char c = s[0];
  if (!(llvm::isDigit(c) || c == '-' || c == '+' || c == '.'))
    return ScalarType::String;
  // Integers: [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+
  llvm::StringRef body = s;
  if (body.startswith("0x"))
    return isDigits(body.drop_front(2), 16) ? ScalarType::Int : ScalarType::String;
  if (body.startswith("0o"))
    return isDigits(body.drop_front(2), 8) ? ScalarType::Int : ScalarType::String;
  llvm::StringRef unsignedBody = body;
  if (!unsignedBody.empty() && (unsignedBody[0] == '-' || unsignedBody[0] == '+'))
    unsignedBody = unsignedBody.drop_front();
  if (isDigits(unsignedBody, 10))
    return ScalarType::Int;
  if (isCoreFloat(s))
    return ScalarType::Float;
  if (unsignedBody == ".inf" || unsignedBody == ".Inf" || unsignedBody == ".INF")
    return ScalarType::Float;
  if (s == ".nan" || s == ".NaN" || s == ".NAN")
    return ScalarType::Float;
  return ScalarType::String;
}

std::optional<double> parseYamlNumber(llvm::StringRef s) {
  if (s.startswith("0x") || s.startswith("0o")) {
    unsigned long long v = 0;
    if (s.drop_front(2).getAsInteger(s[1] == 'x' ? 16 : 8, v))
      return std::nullopt;
    return static_cast<double>(v);
  }
  llvm::StringRef u = s;
  bool neg = false;
  if (!u.empty() && (u[0] == '-' || u[0] == '+')) {
    neg = u[0] == '-';
    u = u.drop_front();
  }
  if (u == ".inf" || u == ".Inf" || u == ".INF")
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (u == ".nan" || u == ".NaN" || u == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  std::string buf = s.str();
  char *end = nullptr;
  double d = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size())
    return std::nullopt;
  return d;
}

std::optional<bool> YamlNode::asBool() const {
  if (!isScalar() || type != ScalarType::Bool)
    return std::nullopt;
  return value.size() == 4; // true/True/TRUE vs false/...
}

std::optional<double> YamlNode::asNumber() const {
  if (!isScalar() || (type != ScalarType::Int && type != ScalarType::Float))
    return std::nullopt;
  return parseYamlNumber(value);
}

const YamlEntry *YamlNode::getEntry(llvm::StringRef key) const {
  if (!isMapping())
    return nullptr;
  for (const auto &e : entries)
    if (e.key->isScalar() && e.key->value.equals_insensitive(key))
      return &e;
  return nullptr;
}

const YamlNode *YamlNode::get(llvm::StringRef key) const {
  const YamlEntry *e = getEntry(key);
  return e ? e->value : nullptr;
}

llvm::StringRef YamlNode::describe() const {
  switch (kind) {
  case NodeKind::Sequence:
    return "a sequence";
  case NodeKind::Mapping:
    return "a mapping";
  case NodeKind::Scalar:
    break;
  }
  switch (type) {
  case ScalarType::Null:
    return "null";
  case ScalarType::Bool:
    return "a boolean";
  case ScalarType::Int:
  case ScalarType::Float:
    return "a number";
  case ScalarType::String:
    return "a string";
  }
  return "a string";
}

llvm::StringRef YamlDocument::copyString(llvm::StringRef s) {
  if (s.empty())
    return {};
  char *p = arena.Allocate<char>(s.size());
  memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

} // namespace frontend
