/// \file
/// `ir::Value`: the data that expressions see and produce (gha-semantics §5.3):
/// null, boolean, number (double), string, array and object.
///
/// Values are immutable once shared and cheap to copy: strings, arrays and objects
/// live in reference-counted storage, so copying a context tree copies one pointer.
/// `mutableArray()`/`mutableObject()` copy the storage first when it is shared
/// (copy-on-write). Arrays and objects compare by reference (`identity()`), as
/// GitHub's `==` does.
///
/// Objects keep their keys in insertion order with the original spelling (that is
/// what `toJSON` prints) and look keys up case-insensitively with GitHub's
/// upper-casing rules (ir/text_case.h); large objects get a hash index.
///
/// The coercions here are GitHub's: `truthy()`, `toNumber()` and `toString()`
/// (`Array`/`Object` for collections, G15 number formatting).
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ir {

class Value;
class ValueObject;
using ValueArray = std::vector<Value>;

class Value {
public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };

  Value() noexcept : number_(0) {}
  static Value boolean(bool b);
  static Value number(double d);
  static Value string(std::string s);
  static Value string(llvm::StringRef s) { return string(s.str()); }
  static Value string(const char *s) { return string(std::string(s)); }
  static Value array(ValueArray items = {});
  static Value object(ValueObject obj);
  static Value object();

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }
  /// Null, boolean, number or string.
  bool isPrimitive() const { return kind_ <= Kind::String; }

  bool getBool() const { return kind_ == Kind::Bool && bool_; }
  double getNumber() const { return kind_ == Kind::Number ? number_ : 0; }
  /// The string's text; "" for other kinds.
  llvm::StringRef getString() const;
  /// The elements; an empty array for other kinds.
  const ValueArray &getArray() const;
  /// The members; an empty object for other kinds.
  const ValueObject &getObject() const;

  /// Writable storage, copied first if another Value shares it. Asserts the kind.
  ValueArray &mutableArray();
  ValueObject &mutableObject();

  /// Storage address of a string/array/object (null for other kinds): two
  /// collections are `==` only when their identities match.
  const void *identity() const { return rep_.get(); }

  /// Member `key` (case-insensitive) of an object; null for a missing key or a
  /// non-object.
  const Value *find(llvm::StringRef key) const;

  // --- GitHub coercions (gha-semantics §5.3) ---
  /// false, 0, -0, NaN, '' and null are falsy; everything else is truthy.
  bool truthy() const;
  /// null→0, bool→0/1, string→parsed (see stringToNumber), collections→NaN.
  double toNumber() const;
  /// The interpolation string: '' for null, true/false, G15 numbers, the text,
  /// `Array` / `Object` for collections.
  std::string toString() const;
  void appendString(std::string &out) const;

  /// "Null", "Boolean", "Number", "String", "Array", "Object" (GitHub's kind names).
  static llvm::StringRef kindName(Kind k);

  /// Structural equality (exact, case-sensitive keys and strings); for tests and
  /// tools, not GitHub's `==`.
  bool deepEquals(const Value &other) const;

private:
  Kind kind_ = Kind::Null;
  union {
    bool bool_;
    double number_;
  };
  std::shared_ptr<void> rep_; ///< std::string, ValueArray or ValueObject by kind
};

/// Object members in insertion order with case-insensitive look-up.
class ValueObject {
public:
  struct Entry {
    std::string key; ///< as first written
    Value value;
  };

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const Entry *begin() const { return entries_.data(); }
  const Entry *end() const { return entries_.data() + entries_.size(); }
  const Entry &operator[](size_t i) const { return entries_[i]; }
  void reserve(size_t n) { entries_.reserve(n); }

  /// The member whose key equals `key` ignoring case, or null.
  const Value *find(llvm::StringRef key) const;
  Value *find(llvm::StringRef key);
  /// The member whose key is exactly `key` (case-sensitive), or null.
  Value *findExact(llvm::StringRef key);
  /// Sets `key`: replaces the value of an existing member (keeping its position and
  /// spelling) or appends a new member.
  void set(std::string key, Value value);
  /// Appends `key` unless a member with that key (ignoring case) exists; returns
  /// whether it was added (first one wins, as GitHub's dictionaries do).
  bool insert(std::string key, Value value);

private:
  int64_t indexOf(llvm::StringRef key) const;
  void rebuildIndex();

  std::vector<Entry> entries_;
  bool allAscii_ = true; ///< every key is ASCII (an ASCII key then matches only same-size keys)
  /// Open-addressing hash of entry positions + 1 (0 = empty), used when the object
  /// has more than kIndexThreshold members.
  std::vector<uint32_t> slots_;
  static constexpr size_t kIndexThreshold = 16;
};

// --- coercion primitives shared by the evaluator ---

/// GitHub's string→number: trimmed; '' → 0; decimal, exponent, `0x`/`0o` (Int32),
/// `Infinity`/`-Infinity`; anything else NaN.
double stringToNumber(llvm::StringRef s);
/// Appends a number as GitHub prints it: .NET "G15" with `-0` as `0`, `NaN`,
/// `Infinity`, `-Infinity`, and exponents as `E+21` / `E-07`.
void appendNumberString(std::string &out, double d);
std::string numberToString(double d);
/// False for 0, -0 and NaN.
inline bool numberTruthy(double d) { return !(d == 0 || d != d); }

} // namespace ir
