/// \file
/// Static types of expression values and the type environment the checker
/// (passes/expr_typecheck.h) infers against.
///
/// The lattice: `any` on top; `null`, `bool`, `number`, `string`; `array<T>`;
/// `object{props}` (closed: only the listed properties exist, or open: others are
/// `any`); `map<T>` (any key, values of T). `joinTypes` is the least upper bound
/// (different kinds meet at `any`).
///
/// A `TypeEnv` maps context names (case-insensitive) to types. The caller builds it
/// for the key being checked. Builders here cover what does not depend on the
/// workflow: github (documented properties), runner, strategy, job, and env / vars /
/// secrets as `map<string>`; `makeNeedsType`, `makeStepsType` and `makeObjectType`
/// are the pieces that workflow-aware code uses to type needs (the needed jobs and
/// their declared outputs), steps (ids defined before the current step), matrix
/// and inputs, replacing the `any` that `defaultTypeEnv` puts there.
#pragma once

#include "ir/value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ir {

struct ExprType;
using TypeRef = std::shared_ptr<const ExprType>;

struct ExprType {
  enum class Kind : uint8_t { Any, Null, Bool, Number, String, Array, Object, Map };
  Kind kind = Kind::Any;
  TypeRef element; ///< Array and Map: the element type
  std::vector<std::pair<std::string, TypeRef>> props; ///< Object members, in order
  bool open = false;     ///< Object: properties not listed are `any` (else unknown)
  bool filtered = false; ///< Array made by `*`: `.x` projects over the elements

  /// The member named `name` (case-insensitive), or null.
  TypeRef property(llvm::StringRef name) const;
  bool isPrimitive() const { return kind >= Kind::Null && kind <= Kind::String; }
  /// "any", "string", "array<string>", "map<string>", "{a: string, b: number}" (long
  /// objects are abbreviated).
  std::string str() const;
};

TypeRef anyType();
TypeRef nullType();
TypeRef boolType();
TypeRef numberType();
TypeRef stringType();
TypeRef arrayType(TypeRef element, bool filtered = false);
TypeRef mapType(TypeRef element);
/// An object; `open` lets properties not listed read as `any`.
TypeRef makeObjectType(std::vector<std::pair<std::string, TypeRef>> props, bool open = false);

/// Type of a value known at check time (a fromJSON literal, a matrix value).
TypeRef typeOfValue(const Value &v);

/// Least upper bound: equal types stay, arrays/maps join elements, objects join to
/// the properties both have (open if either is), anything else is `any`.
TypeRef joinTypes(const TypeRef &a, const TypeRef &b);

/// The contexts visible at one workflow key, with their types.
class TypeEnv {
public:
  /// Adds or replaces context `name`.
  void set(llvm::StringRef name, TypeRef type);
  /// The context's type, or null when the context is not available here.
  TypeRef find(llvm::StringRef name) const;
  /// Context names in the order they were added.
  std::vector<std::string> names() const;

private:
  std::vector<std::pair<std::string, TypeRef>> contexts_;
};

// --- builders for contexts that do not depend on the workflow ---
TypeRef githubContextType();   ///< documented github.* properties; `event` is any
TypeRef runnerContextType();   ///< name, os, arch, temp, tool_cache, debug, environment
TypeRef strategyContextType(); ///< fail-fast, job-index, job-total, max-parallel
TypeRef jobContextType();      ///< container, services, status, check_run_id, ...
TypeRef stringMapType();       ///< env, vars, secrets

/// A TypeEnv with the named contexts: github, runner, strategy, job, env, vars and
/// secrets get their types; inputs, matrix, needs, steps and jobs are `any` until
/// the workflow-aware builders replace them. Unknown names are skipped.
TypeEnv defaultTypeEnv(llvm::ArrayRef<std::string> contexts);

/// `needs`: a closed object of the needed jobs, each `{outputs: {declared outputs
/// as string}, result: string}`.
TypeRef makeNeedsType(llvm::ArrayRef<std::pair<std::string, std::vector<std::string>>> jobOutputs);
/// `steps`: a closed object of step ids defined before the current step, each
/// `{outputs: map<string>, outcome: string, conclusion: string}`.
TypeRef makeStepsType(llvm::ArrayRef<std::string> stepIds);

} // namespace ir
