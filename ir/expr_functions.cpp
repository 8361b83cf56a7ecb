// Built-in expression functions with GitHub's semantics, and the host table.
#include "ir/expr_functions.h"

#include "ir/text_case.h"
#include "ir/value_json.h"

namespace ir {

ExprHost::~ExprHost() = default;

void FunctionTableHost::set(llvm::StringRef name, Fn fn) {
  for (auto &[n, f] : fns_)
    if (llvm::StringRef(n).equals_insensitive(name)) {
      f = std::move(fn);
      return;
    }
  fns_.emplace_back(name.str(), std::move(fn));
}

void FunctionTableHost::setConstant(llvm::StringRef name, Value v) {
  set(name, [v](llvm::ArrayRef<Value>, Value &out, std::string &) {
    out = v;
    return true;
  });
}

bool FunctionTableHost::has(llvm::StringRef name) const {
  for (const auto &[n, f] : fns_)
    if (llvm::StringRef(n).equals_insensitive(name))
      return true;
  return false;
}

bool FunctionTableHost::callFunction(llvm::StringRef name, llvm::ArrayRef<Value> args,
                                     Value &result, std::string &error) {
  for (auto &[n, f] : fns_)
    if (llvm::StringRef(n).equals_insensitive(name))
      return f(args, result, error);
  error = "Function '" + name.str() + "' is not available here";
  return false;
}

BuiltinFunction lookupBuiltin(llvm::StringRef name) {
  if (name.empty())
    return BuiltinFunction::None;
  switch (name[0] | 0x20) {
  case 'c':
    if (identifierEquals(name, "contains"))
      return BuiltinFunction::Contains;
    if (identifierEquals(name, "case"))
      return BuiltinFunction::Case;
    break;
  case 's':
    if (identifierEquals(name, "startsWith"))
      return BuiltinFunction::StartsWith;
    break;
  case 'e':
    if (identifierEquals(name, "endsWith"))
      return BuiltinFunction::EndsWith;
    break;
  case 'f':
    if (identifierEquals(name, "format"))
      return BuiltinFunction::Format;
    if (identifierEquals(name, "fromJSON"))
      return BuiltinFunction::FromJSON;
    break;
  case 'j':
    if (identifierEquals(name, "join"))
      return BuiltinFunction::Join;
    break;
  case 't':
    if (identifierEquals(name, "toJSON"))
      return BuiltinFunction::ToJSON;
    break;
  }
  return BuiltinFunction::None;
}

namespace {

/// A string view of a primitive, using `buf` when it has to be built.
llvm::StringRef primitiveText(const ValueRef &v, std::string &buf) {
  if (v.kind == Value::Kind::String)
    return v.str;
  buf.clear();
  v.appendString(buf);
  return buf;
}

bool contains(const ValueRef &search, const ValueRef &item) {
  if (search.isPrimitive()) {
    if (!item.isPrimitive())
      return false;
    std::string b1, b2;
    return containsIgnoreCase(primitiveText(search, b1), primitiveText(item, b2));
  }
  if (search.kind == Value::Kind::Array && search.value) {
    for (const Value &e : search.value->getArray())
      if (looseEquals(item, ValueRef::of(e)))
        return true;
  }
  return false;
}

bool readArgIndex(llvm::StringRef s, size_t start, size_t &index, size_t &end) {
  size_t i = start;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9')
    ++i;
  if (i == start)
    return false;
  index = 0;
  for (size_t k = start; k < i; ++k) {
    index = index * 10 + (s[k] - '0');
    if (index > 1000000)
      index = 1000000; // far past any argument count; keeps the arithmetic bounded
  }
  end = i;
  return true;
}

} // namespace

bool formatString(llvm::StringRef fs, llvm::ArrayRef<ValueRef> args, size_t budget,
                  std::string &out, std::string &error) {
  auto invalid = [&] {
    error = "The following format string is invalid: " + fs.str();
    return false;
  };
  size_t index = 0;
  while (index < fs.size()) {
    size_t lbrace = fs.find('{', index);
    size_t rbrace = fs.find('}', index);
    if (lbrace != llvm::StringRef::npos && (rbrace == llvm::StringRef::npos || rbrace > lbrace)) {
      if (lbrace + 1 < fs.size() && fs[lbrace + 1] == '{') {
        out.append(fs.data() + index, lbrace - index + 1);
        index = lbrace + 2;
        continue;
      }
      size_t argIndex, end;
      if (rbrace != llvm::StringRef::npos && rbrace > lbrace + 1 &&
          readArgIndex(fs, lbrace + 1, argIndex, end) && end == rbrace) {
        if (argIndex >= args.size()) {
          error = "The following format string references more arguments than were supplied: " +
                  fs.str();
          return false;
        }
        out.append(fs.data() + index, lbrace - index);
        args[argIndex].appendString(out);
        index = rbrace + 1;
        if (out.size() * 2 > budget) {
          error = "The maximum allowed memory size was exceeded";
          return false;
        }
        continue;
      }
      return invalid();
    }
    if (rbrace != llvm::StringRef::npos) {
      if (rbrace + 1 < fs.size() && fs[rbrace + 1] == '}') {
        out.append(fs.data() + index, rbrace - index + 1);
        index = rbrace + 2;
        continue;
      }
      return invalid();
    }
    out.append(fs.data() + index, fs.size() - index);
    break;
  }
  return true;
}

bool callBuiltin(BuiltinFunction f, llvm::ArrayRef<ValueRef> args, ExprScratch &scratch,
                 ValueRef &out, std::string &error) {
  switch (f) {
  case BuiltinFunction::None:
    error = "Unknown function";
    return false;
  case BuiltinFunction::Contains:
    out = ValueRef::ofBool(contains(args[0], args[1]));
    return true;
  case BuiltinFunction::StartsWith:
  case BuiltinFunction::EndsWith: {
    if (!args[0].isPrimitive() || !args[1].isPrimitive()) {
      out = ValueRef::ofBool(false);
      return true;
    }
    std::string b1, b2;
    llvm::StringRef s = primitiveText(args[0], b1), v = primitiveText(args[1], b2);
    out = ValueRef::ofBool(f == BuiltinFunction::StartsWith ? startsWithIgnoreCase(s, v)
                                                            : endsWithIgnoreCase(s, v));
    return true;
  }
  case BuiltinFunction::Format: {
    std::string fmtBuf;
    llvm::StringRef fs = primitiveText(args[0], fmtBuf); // "Array"/"Object" for collections
    if (args.size() == 1 && fs.find_first_of("{}") == llvm::StringRef::npos &&
        args[0].kind == Value::Kind::String) {
      out = args[0]; // nothing to replace: the same string
      return true;
    }
    std::string result;
    if (!formatString(fs, args.drop_front(), scratch.remaining(), result, error)) {
      if (error == "The maximum allowed memory size was exceeded")
        scratch.setExceeded();
      return false;
    }
    out = scratch.keepString(std::move(result));
    return true;
  }
  case BuiltinFunction::Join: {
    const ValueRef &a = args[0];
    if (a.isPrimitive()) {
      if (a.kind == Value::Kind::String) {
        out = a;
        return true;
      }
      out = scratch.keepString(a.toString());
      return true;
    }
    if (a.kind != Value::Kind::Array || !a.value) {
      out = ValueRef::ofString("");
      return true;
    }
    std::string sepBuf = ",";
    llvm::StringRef sep = ",";
    if (args.size() > 1 && args[1].isPrimitive())
      sep = primitiveText(args[1], sepBuf);
    std::string result;
    bool first = true;
    size_t budget = scratch.remaining();
    for (const Value &e : a.value->getArray()) {
      if (!first)
        result += sep;
      first = false;
      e.appendString(result);
      if (result.size() * 2 > budget) {
        scratch.setExceeded();
        error = "The maximum allowed memory size was exceeded";
        return false;
      }
    }
    out = scratch.keepString(std::move(result));
    return true;
  }
  case BuiltinFunction::ToJSON: {
    std::string result;
    const ValueRef &a = args[0];
    if (a.value && !a.filtered)
      writeJSON(*a.value, result, /*pretty=*/true);
    else
      writeJSON(a.toValue(), result, /*pretty=*/true);
    out = scratch.keepString(std::move(result));
    return true;
  }
  case BuiltinFunction::FromJSON: {
    std::string buf;
    llvm::StringRef text = primitiveText(args[0], buf);
    if (text.trim().empty()) {
      error = "empty input";
      return false;
    }
    JSONParseLimits limits;
    limits.maxBytes = scratch.remaining();
    JSONParseError perr;
    Value v;
    size_t used = 0;
    if (!parseJSON(text, v, perr, limits, &used)) {
      if (perr.kind == JSONParseError::Kind::TooLarge) {
        scratch.setExceeded();
        error = "The maximum allowed memory size was exceeded";
        return false;
      }
      error = "Error parsing JSON when evaluating fromJson: " + perr.message + " at line " +
              std::to_string(perr.line) + ", column " + std::to_string(perr.column) +
              " (position " + std::to_string(perr.offset + 1) + ")";
      return false;
    }
    out = scratch.keep(std::move(v), used);
    return true;
  }
  case BuiltinFunction::Case: {
    for (size_t i = 0; i + 1 < args.size(); i += 2) {
      if (args[i].kind != Value::Kind::Bool) {
        error = "case predicate must evaluate to a boolean value";
        return false;
      }
      if (args[i].boolean) {
        out = args[i + 1];
        return true;
      }
    }
    out = args.back();
    return true;
  }
  }
  return false;
}

} // namespace ir
