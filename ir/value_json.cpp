// JSON reader and writer for ir::Value (fromJSON/toJSON semantics).
#include "ir/value_json.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace ir {

namespace {

constexpr size_t kValueCost = 32;

class Reader {
public:
  Reader(llvm::StringRef text, JSONParseError &err, const JSONParseLimits &limits)
      : s_(text), err_(err), limits_(limits) {}

  bool parseDocument(Value &out) {
    skipSpace();
    if (i_ >= s_.size())
      return fail("Unexpected end of JSON input");
    if (!parseValue(out, 0))
      return false;
    skipSpace();
    if (i_ < s_.size())
      return failHere("Unexpected non-whitespace character after JSON");
    return true;
  }
  size_t used = 0;

private:
  bool charge(size_t n) {
    used += n;
    if (used > limits_.maxBytes) {
      err_.kind = JSONParseError::Kind::TooLarge;
      return setError("The JSON value is too large");
    }
    return true;
  }
  bool setError(std::string msg) {
    err_.message = std::move(msg);
    err_.offset = i_;
    err_.line = 1;
    err_.column = 1;
    for (size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') {
        ++err_.line;
        err_.column = 1;
      } else {
        ++err_.column;
      }
    }
    return false;
  }
  bool fail(std::string msg) { return setError(std::move(msg)); }
  bool failHere(llvm::StringRef what) {
    if (i_ >= s_.size())
      return fail("Unexpected end of JSON input");
    std::string msg = what.str();
    char c = s_[i_];
    if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
      msg += std::string(" '") + c + "'";
    return fail(msg);
  }
  void skipSpace() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool literal(llvm::StringRef word) {
    if (s_.substr(i_).startswith(word)) {
      i_ += word.size();
      return true;
    }
    return false;
  }

  bool parseValue(Value &out, unsigned depth) {
    if (i_ >= s_.size())
      return fail("Unexpected end of JSON input");
    if (!charge(kValueCost))
      return false;
    char c = s_[i_];
    switch (c) {
    case '{':
      return parseObject(out, depth + 1);
    case '[':
      return parseArray(out, depth + 1);
    case '"': {
      std::string str;
      if (!parseString(str))
        return false;
      if (!charge(2 * str.size()))
        return false;
      out = Value::string(std::move(str));
      return true;
    }
    case 't':
      if (literal("true")) {
        out = Value::boolean(true);
        return true;
      }
      break;
    case 'f':
      if (literal("false")) {
        out = Value::boolean(false);
        return true;
      }
      break;
    case 'n':
      if (literal("null")) {
        out = Value();
        return true;
      }
      break;
    default:
      if (c == '-' || (c >= '0' && c <= '9'))
        return parseNumber(out);
    }
    return failHere("Unexpected token");
  }

  bool parseNumber(Value &out) {
    size_t start = i_;
    if (s_[i_] == '-')
      ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (i_ < s_.size() && s_[i_] >= '1' && s_[i_] <= '9') {
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
        ++i_;
    } else {
      return failHere("No number after minus sign");
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9')
        return failHere("Unterminated fractional number");
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
        ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-'))
        ++i_;
      if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9')
        return failHere("Exponent part is missing a number");
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9')
        ++i_;
    }
    double d = 0;
    llvm::StringRef num = s_.slice(start, i_);
    auto r = std::from_chars(num.data(), num.data() + num.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
      // Overflow is ±Infinity and underflow 0, as JSON.parse gives.
      bool neg = num.startswith("-");
      size_t e = num.find_insensitive('e');
      bool tiny = e != llvm::StringRef::npos && num.substr(e + 1).startswith("-");
      d = tiny ? (neg ? -0.0 : 0.0) : (neg ? -HUGE_VAL : HUGE_VAL);
    }
    out = Value::number(d);
    return true;
  }

  static void encodeUtf8(uint32_t cp, std::string &out) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }

  bool hex4(uint32_t &v) {
    if (i_ + 4 > s_.size())
      return fail("Bad Unicode escape");
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_ + k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return fail("Bad Unicode escape");
    }
    i_ += 4;
    return true;
  }

  bool parseString(std::string &out) {
    ++i_; // opening quote
    for (;;) {
      size_t run = i_;
      while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' &&
             static_cast<unsigned char>(s_[i_]) >= 0x20)
        ++i_;
      out.append(s_.data() + run, i_ - run);
      if (i_ >= s_.size())
        return fail("Unterminated string in JSON");
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c != '\\')
        return fail("Bad control character in string literal");
      ++i_;
      if (i_ >= s_.size())
        return fail("Unterminated string in JSON");
      char e = s_[i_++];
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp))
          return false;
        if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(i_).startswith("\\u")) {
          size_t save = i_;
          i_ += 2;
          uint32_t lo;
          if (!hex4(lo))
            return false;
          if (lo >= 0xDC00 && lo <= 0xDFFF)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          else
            i_ = save;
        }
        encodeUtf8(cp, out);
        break;
      }
      default:
        --i_;
        return failHere("Bad escaped character in JSON");
      }
    }
  }

  bool parseArray(Value &out, unsigned depth) {
    if (depth > limits_.maxDepth) {
      err_.kind = JSONParseError::Kind::TooDeep;
      return fail("The JSON value nests deeper than " + std::to_string(limits_.maxDepth));
    }
    ++i_;
    ValueArray items;
    skipSpace();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      out = Value::array(std::move(items));
      return true;
    }
    for (;;) {
      skipSpace();
      Value v;
      if (!parseValue(v, depth))
        return false;
      if (!charge(8))
        return false;
      items.push_back(std::move(v));
      skipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        break;
      }
      return failHere("Expected ',' or ']' after array element");
    }
    out = Value::array(std::move(items));
    return true;
  }

  bool parseObject(Value &out, unsigned depth) {
    if (depth > limits_.maxDepth) {
      err_.kind = JSONParseError::Kind::TooDeep;
      return fail("The JSON value nests deeper than " + std::to_string(limits_.maxDepth));
    }
    ++i_;
    ValueObject obj;
    skipSpace();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      out = Value::object(std::move(obj));
      return true;
    }
    for (;;) {
      skipSpace();
      if (i_ >= s_.size() || s_[i_] != '"')
        return failHere("Expected double-quoted property name");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (i_ >= s_.size() || s_[i_] != ':')
        return failHere("Expected ':' after property name");
      ++i_;
      skipSpace();
      Value v;
      if (!parseValue(v, depth))
        return false;
      if (!charge(2 * key.size() + 16))
        return false;
      // JSON.parse: an exact repeat replaces the value in place; GitHub's
      // dictionaries then keep the first of keys differing only in case.
      if (Value *same = obj.findExact(key))
        *same = std::move(v);
      else
        obj.insert(std::move(key), std::move(v));
      skipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        break;
      }
      return failHere("Expected ',' or '}' after property value");
    }
    out = Value::object(std::move(obj));
    return true;
  }

  llvm::StringRef s_;
  JSONParseError &err_;
  const JSONParseLimits &limits_;
  size_t i_ = 0;
};

void writeIndent(std::string &out, unsigned level) {
  out += '\n';
  out.append(level * 2, ' ');
}

void write(const Value &v, std::string &out, bool pretty, unsigned level, bool nf) {
  switch (v.kind()) {
  case Value::Kind::Null:
    out += "null";
    return;
  case Value::Kind::Bool:
    out += v.getBool() ? "true" : "false";
    return;
  case Value::Kind::Number: {
    double d = v.getNumber();
    if (std::isfinite(d)) {
      appendJSNumber(out, d);
    } else if (nf) {
      out += '"';
      appendJSNumber(out, d);
      out += '"';
    } else {
      out += "null";
    }
    return;
  }
  case Value::Kind::String:
    appendJSONString(out, v.getString());
    return;
  case Value::Kind::Array: {
    const ValueArray &a = v.getArray();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    for (size_t i = 0; i < a.size(); ++i) {
      if (i)
        out += ',';
      if (pretty)
        writeIndent(out, level + 1);
      write(a[i], out, pretty, level + 1, nf);
    }
    if (pretty)
      writeIndent(out, level);
    out += ']';
    return;
  }
  case Value::Kind::Object: {
    const ValueObject &o = v.getObject();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto &e : o) {
      if (!first)
        out += ',';
      first = false;
      if (pretty)
        writeIndent(out, level + 1);
      appendJSONString(out, e.key);
      out += pretty ? ": " : ":";
      write(e.value, out, pretty, level + 1, nf);
    }
    if (pretty)
      writeIndent(out, level);
    out += '}';
    return;
  }
  }
}

} // namespace

bool parseJSON(llvm::StringRef text, Value &out, JSONParseError &err,
               const JSONParseLimits &limits, size_t *accounted) {
  Reader r(text, err, limits);
  bool ok = r.parseDocument(out);
  if (accounted)
    *accounted = r.used;
  if (!ok)
    out = Value();
  return ok;
}

size_t accountedSize(const Value &v) {
  switch (v.kind()) {
  case Value::Kind::String:
    return kValueCost + 2 * v.getString().size();
  case Value::Kind::Array: {
    size_t n = kValueCost;
    for (const Value &e : v.getArray())
      n += 8 + accountedSize(e);
    return n;
  }
  case Value::Kind::Object: {
    size_t n = kValueCost;
    for (const auto &e : v.getObject())
      n += 16 + 2 * e.key.size() + accountedSize(e.value);
    return n;
  }
  default:
    return kValueCost;
  }
}

void appendJSONString(std::string &out, llvm::StringRef s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void appendJSNumber(std::string &out, double d) {
  if (d != d) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  llvm::StringRef sci(buf, r.ptr - buf); // "-1.2345e+02"
  bool neg = sci.consume_front("-");
  size_t epos = sci.find('e');
  llvm::StringRef mant = sci.substr(0, epos);
  int exp = std::atoi(sci.substr(epos + 1).str().c_str());
  std::string digits;
  for (char c : mant)
    if (c != '.')
      digits += c;
  int k = static_cast<int>(digits.size());
  int n = exp + 1;
  if (neg)
    out += '-';
  if (k <= n && n <= 21) {
    out += digits;
    out.append(n - k, '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, n);
    out += '.';
    out.append(digits, n, std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(-n, '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

std::string writeJSON(const Value &v, bool pretty, bool nonFiniteAsStrings) {
  std::string out;
  write(v, out, pretty, 0, nonFiniteAsStrings);
  return out;
}

void writeJSON(const Value &v, std::string &out, bool pretty, bool nonFiniteAsStrings) {
  write(v, out, pretty, 0, nonFiniteAsStrings);
}

} // namespace ir
