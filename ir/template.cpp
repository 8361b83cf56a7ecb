// Template helpers.
#include "ir/template.h"

namespace ir {

bool Template::hasExpressions() const {
  for (const auto &p : parts)
    if (p.isExpr)
      return true;
  return false;
}

std::string Template::toExpressionSource() const {
  if (!hasExpressions())
    return raw;
  if (isSingleExpression())
    return parts[0].text;
  std::string fmt = "format('";
  std::string args;
  unsigned n = 0;
  for (const auto &p : parts) {
    if (p.isExpr) {
      fmt += "{" + std::to_string(n++) + "}";
      args += ", " + p.text;
      continue;
    }
    for (char c : p.text) {
      if (c == '\'')
        fmt += "''";
      else if (c == '{')
        fmt += "{{";
      else if (c == '}')
        fmt += "}}";
      else
        fmt += c;
    }
  }
  return fmt + "'" + args + ")";
}

} // namespace ir
