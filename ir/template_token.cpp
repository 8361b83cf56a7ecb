// Template tokens: typed located values.
#include "ir/template_token.h"

#include <cmath>
#include <cstdio>

namespace ir {

const TemplateToken *TemplateToken::get(llvm::StringRef key) const {
  for (const auto &e : entries)
    if (llvm::StringRef(e.key.value).equals_insensitive(key))
      return &e.value;
  return nullptr;
}

std::string formatNumber(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0)
    return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15G", v);
  std::string s = buf;
  // %G keeps trailing zeros in exponent form only when '#' is given; normalise
  // the exponent like .NET ("1E+15").
  auto e = s.find('E');
  if (e != std::string::npos) {
    std::string mant = s.substr(0, e), exp = s.substr(e + 1);
    char sign = exp[0];
    exp = exp.substr(1);
    while (exp.size() > 2 && exp[0] == '0')
      exp.erase(0, 1);
    s = mant + "E" + sign + exp;
  }
  return s;
}

std::string TemplateToken::scalarText() const {
  switch (kind) {
  case Kind::Null:
    return "";
  case Kind::Bool:
    return boolean ? "true" : "false";
  case Kind::Number:
    return formatNumber(number);
  case Kind::String:
    return str.raw;
  case Kind::Sequence:
    return "Array";
  case Kind::Mapping:
    return "Object";
  }
  return "";
}

llvm::StringRef TemplateToken::kindName(Kind k) {
  switch (k) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "boolean";
  case Kind::Number:
    return "number";
  case Kind::String:
    return "string";
  case Kind::Sequence:
    return "sequence";
  case Kind::Mapping:
    return "mapping";
  }
  return "null";
}

TemplateToken TemplateToken::makeString(std::string text, SourceRange r) {
  TemplateToken t;
  t.kind = Kind::String;
  t.str.raw = std::move(text);
  t.str.range = r;
  t.range = r;
  return t;
}

} // namespace ir
