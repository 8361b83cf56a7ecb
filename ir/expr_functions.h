/// \file
/// The expression functions (gha-semantics §5.5): the built-ins (contains,
/// startsWith, endsWith, format, join, toJSON, fromJSON, case), and the interface
/// through which the caller supplies the others — the status functions
/// success/failure/cancelled/always, whose answers depend on the job or step, and
/// hashFiles, which reads the workspace (runtime/hash_files.h).
///
/// Names are case-insensitive. Built-ins work on `ValueRef` views so that most
/// calls allocate nothing; host functions get owning Values.
#pragma once

#include "ir/expr_value_ref.h"
#include "ir/value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <string>
#include <vector>

namespace ir {

/// Functions the caller supplies.
class ExprHost {
public:
  virtual ~ExprHost();
  /// Calls function `name` (as written; compare case-insensitively) with its
  /// evaluated arguments. Returns false with `error` set when the function is not
  /// available here or fails; the evaluator reports an evaluation error.
  virtual bool callFunction(llvm::StringRef name, llvm::ArrayRef<Value> args, Value &result,
                            std::string &error) = 0;
};

/// A host made of named callbacks, e.g. fixed status answers for a step:
///
///     FunctionTableHost host;
///     host.setConstant("success", Value::boolean(true));
///     host.setConstant("always", Value::boolean(true));
///     host.set("hashFiles", [&](auto args, Value &out, std::string &err) {...});
class FunctionTableHost : public ExprHost {
public:
  using Fn = std::function<bool(llvm::ArrayRef<Value> args, Value &result, std::string &error)>;
  void set(llvm::StringRef name, Fn fn);
  /// The function returns `v` whatever its arguments.
  void setConstant(llvm::StringRef name, Value v);
  bool has(llvm::StringRef name) const;
  bool callFunction(llvm::StringRef name, llvm::ArrayRef<Value> args, Value &result,
                    std::string &error) override;

private:
  std::vector<std::pair<std::string, Fn>> fns_;
};

enum class BuiltinFunction : uint8_t {
  None,
  Contains,
  StartsWith,
  EndsWith,
  Format,
  Join,
  ToJSON,
  FromJSON,
  Case,
};

/// The built-in named `name` (case-insensitive), or None.
BuiltinFunction lookupBuiltin(llvm::StringRef name);

/// Calls a built-in on evaluated arguments (arity already checked by the parser).
/// Returns false with `error` set on an evaluation error; memory overruns set the
/// scratch's exceeded flag.
bool callBuiltin(BuiltinFunction f, llvm::ArrayRef<ValueRef> args, ExprScratch &scratch,
                 ValueRef &out, std::string &error);

/// format(): `{N}` inserts argument N's string, `{{`/`}}` are literal braces;
/// lone braces, indexes past the last argument and `{N:spec}` are errors with
/// GitHub's messages. `budget` bounds the result size in bytes.
bool formatString(llvm::StringRef fmt, llvm::ArrayRef<ValueRef> args, size_t budget,
                  std::string &out, std::string &error);

} // namespace ir
