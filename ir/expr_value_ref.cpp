// Views of values during evaluation, GitHub's loose comparisons, and the
// temporaries with their memory accounting.
#include "ir/expr_value_ref.h"

#include "ir/text_case.h"

#include <cmath>
#include <limits>

namespace ir {

// --- ValueRef ---

ValueRef ValueRef::of(const Value &v, int32_t owner) {
  ValueRef r;
  r.kind = v.kind();
  r.owner = owner;
  switch (v.kind()) {
  case Value::Kind::Null:
    break;
  case Value::Kind::Bool:
    r.boolean = v.getBool();
    break;
  case Value::Kind::Number:
    r.number = v.getNumber();
    break;
  case Value::Kind::String:
    r.str = v.getString();
    r.value = &v;
    break;
  case Value::Kind::Array:
  case Value::Kind::Object:
    r.value = &v;
    break;
  }
  return r;
}

bool ValueRef::truthy() const {
  switch (kind) {
  case Value::Kind::Null:
    return false;
  case Value::Kind::Bool:
    return boolean;
  case Value::Kind::Number:
    return numberTruthy(number);
  case Value::Kind::String:
    return !str.empty();
  default:
    return true;
  }
}

double ValueRef::toNumber() const {
  switch (kind) {
  case Value::Kind::Null:
    return 0;
  case Value::Kind::Bool:
    return boolean ? 1 : 0;
  case Value::Kind::Number:
    return number;
  case Value::Kind::String:
    return stringToNumber(str);
  default:
    return std::numeric_limits<double>::quiet_NaN();
  }
}

void ValueRef::appendString(std::string &out) const {
  switch (kind) {
  case Value::Kind::Null:
    return;
  case Value::Kind::Bool:
    out += boolean ? "true" : "false";
    return;
  case Value::Kind::Number:
    appendNumberString(out, number);
    return;
  case Value::Kind::String:
    out += str;
    return;
  case Value::Kind::Array:
    out += "Array";
    return;
  case Value::Kind::Object:
    out += "Object";
    return;
  }
}

Value ValueRef::toValue() const {
  switch (kind) {
  case Value::Kind::Null:
    return Value();
  case Value::Kind::Bool:
    return Value::boolean(boolean);
  case Value::Kind::Number:
    return Value::number(number);
  case Value::Kind::String:
    return value ? *value : Value::string(str);
  case Value::Kind::Array:
  case Value::Kind::Object:
    return value ? *value : Value();
  }
  return Value();
}

// --- loose comparisons ---

namespace {

/// Applies GitHub's coercion (CoerceTypes): when the kinds differ, two
/// primitives both become numbers (null→0, bool→0/1, string parsed); a collection
/// against anything else stays unequal. Returns false when the kinds differ.
struct Coerced {
  Value::Kind kind;
  double ln = 0, rn = 0;
};

bool coerce(const ValueRef &a, const ValueRef &b, Coerced &c) {
  if (a.kind == b.kind) {
    c.kind = a.kind;
    c.ln = a.number;
    c.rn = b.number;
    return true;
  }
  if (!a.isPrimitive() || !b.isPrimitive())
    return false;
  c.kind = Value::Kind::Number;
  c.ln = a.toNumber();
  c.rn = b.toNumber();
  return true;
}

} // namespace

bool looseEquals(const ValueRef &a, const ValueRef &b) {
  Coerced c;
  if (!coerce(a, b, c))
    return false;
  switch (c.kind) {
  case Value::Kind::Null:
    return true;
  case Value::Kind::Number:
    return c.ln == c.rn; // NaN never equal
  case Value::Kind::String:
    return equalsIgnoreCase(a.str, b.str);
  case Value::Kind::Bool:
    return a.boolean == b.boolean;
  case Value::Kind::Array:
  case Value::Kind::Object:
    return a.identity() != nullptr && a.identity() == b.identity();
  }
  return false;
}

bool looseGreater(const ValueRef &a, const ValueRef &b) {
  Coerced c;
  if (!coerce(a, b, c))
    return false;
  switch (c.kind) {
  case Value::Kind::Number:
    return c.ln > c.rn;
  case Value::Kind::String:
    return compareIgnoreCase(a.str, b.str) > 0;
  case Value::Kind::Bool:
    return a.boolean && !b.boolean;
  default:
    return false;
  }
}

bool looseLess(const ValueRef &a, const ValueRef &b) {
  Coerced c;
  if (!coerce(a, b, c))
    return false;
  switch (c.kind) {
  case Value::Kind::Number:
    return c.ln < c.rn;
  case Value::Kind::String:
    return compareIgnoreCase(a.str, b.str) < 0;
  case Value::Kind::Bool:
    return !a.boolean && b.boolean;
  default:
    return false;
  }
}

// --- ExprScratch ---

ValueRef ExprScratch::keep(Value v, size_t charge) {
  if (!temps_)
    temps_.emplace();
  temps_->push_back({std::move(v), charge});
  live_ += charge;
  if (live_ > max_)
    exceeded_ = true;
  auto idx = static_cast<int32_t>(temps_->size() - 1);
  return ValueRef::of(temps_->back().value, idx);
}

void ExprScratch::releaseTemps(const Mark &m, ValueRef &r) {
  size_t keepCharge = 0;
  if (r.owner >= 0 && static_cast<size_t>(r.owner) >= m.temps) {
    Temp &src = (*temps_)[r.owner];
    keepCharge = src.charge;
    if (static_cast<size_t>(r.owner) != m.temps) {
      Temp &dst = (*temps_)[m.temps];
      bool pointsAtSlot = r.value == &src.value;
      dst = std::move(src); // storage (rep) does not move, views into it stay valid
      if (pointsAtSlot)
        r.value = &dst.value;
      r.owner = static_cast<int32_t>(m.temps);
    }
    temps_->resize(m.temps + 1);
  } else {
    temps_->resize(m.temps);
  }
  live_ = m.live + keepCharge;
}

} // namespace ir
