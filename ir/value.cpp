// ir::Value storage, object look-up and GitHub's coercions.
#include "ir/value.h"

#include "ir/text_case.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace ir {

namespace {
const ValueArray kEmptyArray;
const ValueObject kEmptyObject;
} // namespace

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::Bool;
  v.bool_ = b;
  return v;
}

Value Value::number(double d) {
  Value v;
  v.kind_ = Kind::Number;
  v.number_ = d;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::String;
  v.rep_ = std::make_shared<std::string>(std::move(s));
  return v;
}

Value Value::array(ValueArray items) {
  Value v;
  v.kind_ = Kind::Array;
  v.rep_ = std::make_shared<ValueArray>(std::move(items));
  return v;
}

Value Value::object(ValueObject obj) {
  Value v;
  v.kind_ = Kind::Object;
  v.rep_ = std::make_shared<ValueObject>(std::move(obj));
  return v;
}

Value Value::object() { return object(ValueObject()); }

llvm::StringRef Value::getString() const {
  if (kind_ != Kind::String)
    return {};
  return *static_cast<const std::string *>(rep_.get());
}

const ValueArray &Value::getArray() const {
  return kind_ == Kind::Array ? *static_cast<const ValueArray *>(rep_.get()) : kEmptyArray;
}

const ValueObject &Value::getObject() const {
  return kind_ == Kind::Object ? *static_cast<const ValueObject *>(rep_.get()) : kEmptyObject;
}

ValueArray &Value::mutableArray() {
  assert(kind_ == Kind::Array && "mutableArray on a non-array");
  if (rep_.use_count() > 1)
    rep_ = std::make_shared<ValueArray>(*static_cast<const ValueArray *>(rep_.get()));
  return *static_cast<ValueArray *>(rep_.get());
}

ValueObject &Value::mutableObject() {
  assert(kind_ == Kind::Object && "mutableObject on a non-object");
  if (rep_.use_count() > 1)
    rep_ = std::make_shared<ValueObject>(*static_cast<const ValueObject *>(rep_.get()));
  return *static_cast<ValueObject *>(rep_.get());
}

const Value *Value::find(llvm::StringRef key) const {
  if (kind_ != Kind::Object)
    return nullptr;
  return static_cast<const ValueObject *>(rep_.get())->find(key);
}

bool Value::truthy() const {
  switch (kind_) {
  case Kind::Null:
    return false;
  case Kind::Bool:
    return bool_;
  case Kind::Number:
    return numberTruthy(number_);
  case Kind::String:
    return !getString().empty();
  case Kind::Array:
  case Kind::Object:
    return true;
  }
  return false;
}

double Value::toNumber() const {
  switch (kind_) {
  case Kind::Null:
    return 0;
  case Kind::Bool:
    return bool_ ? 1 : 0;
  case Kind::Number:
    return number_;
  case Kind::String:
    return stringToNumber(getString());
  default:
    return std::numeric_limits<double>::quiet_NaN();
  }
}

void Value::appendString(std::string &out) const {
  switch (kind_) {
  case Kind::Null:
    return;
  case Kind::Bool:
    out += bool_ ? "true" : "false";
    return;
  case Kind::Number:
    appendNumberString(out, number_);
    return;
  case Kind::String:
    out += getString();
    return;
  case Kind::Array:
    out += "Array";
    return;
  case Kind::Object:
    out += "Object";
    return;
  }
}

std::string Value::toString() const {
  std::string s;
  appendString(s);
  return s;
}

llvm::StringRef Value::kindName(Kind k) {
  switch (k) {
  case Kind::Null:
    return "Null";
  case Kind::Bool:
    return "Boolean";
  case Kind::Number:
    return "Number";
  case Kind::String:
    return "String";
  case Kind::Array:
    return "Array";
  case Kind::Object:
    return "Object";
  }
  return "Null";
}

bool Value::deepEquals(const Value &o) const {
  if (kind_ != o.kind_)
    return false;
  switch (kind_) {
  case Kind::Null:
    return true;
  case Kind::Bool:
    return bool_ == o.bool_;
  case Kind::Number:
    return number_ == o.number_ || (number_ != number_ && o.number_ != o.number_);
  case Kind::String:
    return getString() == o.getString();
  case Kind::Array: {
    const ValueArray &a = getArray(), &b = o.getArray();
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!a[i].deepEquals(b[i]))
        return false;
    return true;
  }
  case Kind::Object: {
    const ValueObject &a = getObject(), &b = o.getObject();
    if (a.size() != b.size())
      return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i].key != b[i].key || !a[i].value.deepEquals(b[i].value))
        return false;
    return true;
  }
  }
  return false;
}

// --- ValueObject ---

static bool isAsciiText(llvm::StringRef s) {
  size_t i = 0, n = s.size();
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (w & 0x8080808080808080ULL)
      return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80)
      return false;
  return true;
}

int64_t ValueObject::indexOf(llvm::StringRef key) const {
  // With ASCII keys on both sides only keys of the same size can match.
  bool sameSizeOnly = allAscii_ && key.size() < 64 && isAsciiText(key);
  if (slots_.empty()) {
    if (sameSizeOnly) {
      // Same size and the same first letter ignoring case, then the full compare.
      unsigned char first = key.empty() ? 0 : static_cast<unsigned char>(key[0]) | 0x20;
      for (size_t i = 0; i < entries_.size(); ++i) {
        const std::string &k = entries_[i].key;
        if (k.size() == key.size() &&
            (key.empty() || (static_cast<unsigned char>(k[0]) | 0x20) == first) &&
            equalsIgnoreCase(k, key))
          return static_cast<int64_t>(i);
      }
      return -1;
    }
    for (size_t i = 0; i < entries_.size(); ++i)
      if (equalsIgnoreCase(entries_[i].key, key))
        return static_cast<int64_t>(i);
    return -1;
  }
  size_t mask = slots_.size() - 1;
  for (size_t s = hashIgnoreCase(key) & mask;; s = (s + 1) & mask) {
    uint32_t slot = slots_[s];
    if (slot == 0)
      return -1;
    const std::string &k = entries_[slot - 1].key;
    if ((!sameSizeOnly || k.size() == key.size()) && equalsIgnoreCase(k, key))
      return slot - 1;
  }
}

void ValueObject::rebuildIndex() {
  size_t cap = 16;
  while (cap < entries_.size() * 2)
    cap <<= 1;
  slots_.assign(cap, 0);
  size_t mask = cap - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    size_t s = hashIgnoreCase(entries_[i].key) & mask;
    while (slots_[s] != 0)
      s = (s + 1) & mask;
    slots_[s] = static_cast<uint32_t>(i + 1);
  }
}

const Value *ValueObject::find(llvm::StringRef key) const {
  int64_t i = indexOf(key);
  return i < 0 ? nullptr : &entries_[i].value;
}

Value *ValueObject::find(llvm::StringRef key) {
  int64_t i = indexOf(key);
  return i < 0 ? nullptr : &entries_[i].value;
}

Value *ValueObject::findExact(llvm::StringRef key) {
  int64_t i = indexOf(key);
  if (i >= 0 && entries_[i].key == key)
    return &entries_[i].value;
  return nullptr;
}

void ValueObject::set(std::string key, Value value) {
  if (Value *v = find(key)) {
    *v = std::move(value);
    return;
  }
  insert(std::move(key), std::move(value));
}

bool ValueObject::insert(std::string key, Value value) {
  if (indexOf(key) >= 0)
    return false;
  allAscii_ = allAscii_ && isAsciiText(key);
  entries_.push_back({std::move(key), std::move(value)});
  if (entries_.size() > kIndexThreshold) {
    if (slots_.size() < entries_.size() * 2) {
      rebuildIndex();
    } else {
      size_t mask = slots_.size() - 1;
      size_t s = hashIgnoreCase(entries_.back().key) & mask;
      while (slots_[s] != 0)
        s = (s + 1) & mask;
      slots_[s] = static_cast<uint32_t>(entries_.size());
    }
  }
  return true;
}

// --- coercions ---

static bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

double stringToNumber(llvm::StringRef s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  while (!s.empty() && isSpace(s.front()))
    s = s.drop_front();
  while (!s.empty() && isSpace(s.back()))
    s = s.drop_back();
  if (s.empty())
    return 0;
  if (s.startswith("0x") || s.startswith("0o")) {
    llvm::StringRef digits = s.drop_front(2);
    unsigned long long v = 0;
    if (digits.empty() || digits.getAsInteger(s[1] == 'x' ? 16 : 8, v) || v > 0x7fffffffULL)
      return kNaN;
    return static_cast<double>(v);
  }
  size_t i = 0, n = s.size();
  bool neg = false;
  if (s[i] == '+' || s[i] == '-') {
    neg = s[i] == '-';
    ++i;
  }
  if (s.substr(i) == "Infinity")
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  size_t digits = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9')
    ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      ++i, ++digits;
  }
  if (digits == 0)
    return kNaN;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      ++i;
    size_t exp = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      ++i, ++exp;
    if (exp == 0)
      return kNaN;
  }
  if (i != n)
    return kNaN;
  char buf[128];
  if (n < sizeof buf) {
    std::memcpy(buf, s.data(), n);
    buf[n] = '\0';
    return std::strtod(buf, nullptr);
  }
  return std::strtod(s.str().c_str(), nullptr);
}

void appendNumberString(std::string &out, double d) {
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
  // Integers below 2^53 print exactly as long as they have at most 15 digits.
  if (d == std::floor(d) && std::fabs(d) < 1e15) {
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(d));
    out.append(buf, n);
    return;
  }
  // .NET G15: 15 significant digits, scientific when the exponent is < -5 or
  // >= 15 (C's %G uses the same thresholds), exponent with at least two digits.
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%.15G", d);
  out.append(buf, n);
}

std::string numberToString(double d) {
  std::string s;
  appendNumberString(s, d);
  return s;
}

} // namespace ir
