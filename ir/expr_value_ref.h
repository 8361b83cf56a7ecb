/// \file
/// The evaluator's working representation: `ValueRef`, a borrowed view of a value
/// (literal text in the AST, a node of the contexts, or a temporary the evaluation
/// made), and `ExprScratch`, which owns the temporaries and enforces GitHub's memory
/// bound on intermediate results ("The maximum allowed memory size was exceeded").
///
/// Views make the common expressions (`github.event_name == 'push'`,
/// `contains(github.ref, 'release')`) run without allocating. Temporaries sit on a
/// stack; when a node finishes, the ones its result does not need are dropped, so
/// the real memory follows the accounted live size.
#pragma once

#include "ir/value.h"

#include "llvm/ADT/StringRef.h"

#include <deque>
#include <optional>
#include <string>

namespace ir {

struct ValueRef {
  Value::Kind kind = Value::Kind::Null;
  bool filtered = false; ///< an array made by `*` (further access projects / flattens)
  bool boolean = false;
  double number = 0;
  llvm::StringRef str;          ///< text of a string
  const Value *value = nullptr; ///< backing Value of a string/array/object, if any
  int32_t owner = -1;           ///< index of the temporary keeping this alive, -1 none

  static ValueRef null() { return {}; }
  static ValueRef ofBool(bool b) {
    ValueRef r;
    r.kind = Value::Kind::Bool;
    r.boolean = b;
    return r;
  }
  static ValueRef ofNumber(double d) {
    ValueRef r;
    r.kind = Value::Kind::Number;
    r.number = d;
    return r;
  }
  static ValueRef ofString(llvm::StringRef s) {
    ValueRef r;
    r.kind = Value::Kind::String;
    r.str = s;
    return r;
  }
  /// A view of `v` (which must outlive the view).
  static ValueRef of(const Value &v, int32_t owner = -1);

  bool isPrimitive() const { return kind <= Value::Kind::String; }
  bool truthy() const;
  double toNumber() const;
  void appendString(std::string &out) const;
  std::string toString() const {
    std::string s;
    appendString(s);
    return s;
  }
  /// An owning Value (shares storage with `value` when there is one).
  Value toValue() const;
  /// Identity of an array/object for reference equality.
  const void *identity() const { return value ? value->identity() : nullptr; }
};

/// GitHub's loose comparisons (gha-semantics §5.3).
bool looseEquals(const ValueRef &a, const ValueRef &b);
bool looseGreater(const ValueRef &a, const ValueRef &b);
bool looseLess(const ValueRef &a, const ValueRef &b);

/// Temporaries and memory accounting of one evaluation.
class ExprScratch {
public:
  explicit ExprScratch(size_t maxMemory) : max_(maxMemory) {}

  /// Keeps `v` alive for the evaluation and returns a view charged `charge` bytes.
  /// Sets the exceeded flag when the live total passes the limit.
  ValueRef keep(Value v, size_t charge);
  ValueRef keepString(std::string s) {
    size_t c = 32 + 2 * s.size();
    return keep(Value::string(std::move(s)), c);
  }
  /// Bytes still available before the limit (for producers that check as they grow).
  size_t remaining() const { return live_ >= max_ ? 0 : max_ - live_; }
  bool exceeded() const { return exceeded_; }
  void setExceeded() { exceeded_ = true; }

  // Node bracketing, used by the evaluator.
  struct Mark {
    size_t live;
    size_t temps;
  };
  Mark mark() const { return {live_, temps_ ? temps_->size() : 0}; }
  /// Ends a node: drops the temporaries made since `m` except the one `r` lives
  /// in, and accounts the live size as `m` plus that temporary's charge.
  void release(const Mark &m, ValueRef &r) {
    if (!temps_ || temps_->size() == m.temps) {
      live_ = m.live; // nothing made since the mark: the common case
      return;
    }
    releaseTemps(m, r);
  }

private:
  void releaseTemps(const Mark &m, ValueRef &r);

  struct Temp {
    Value value;
    size_t charge;
  };
  size_t max_;
  size_t live_ = 0;
  bool exceeded_ = false;
  std::optional<std::deque<Temp>> temps_;
};

} // namespace ir
