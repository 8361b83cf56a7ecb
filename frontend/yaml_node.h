/// \file
/// The located YAML node tree: the frontend's view of a workflow file before
/// lowering. Built from libyaml's event API by readYaml (yaml_reader.h).
///
/// Every node keeps its source range; scalars keep their decoded value and
/// style, because GitHub's typing of plain scalars (YAML 1.2 core schema)
/// depends on it: `on`, `yes` are strings, unquoted `3.10` is the number 3.1.
/// Nodes live in the document's arena; an alias is the very node its anchor
/// names (the tree is a DAG), so consumers must not mutate nodes.
#pragma once

#include "ir/source_location.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"

#include <optional>

namespace frontend {

enum class NodeKind : uint8_t { Scalar, Sequence, Mapping };

/// How a scalar was written.
enum class ScalarStyle : uint8_t { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

llvm::StringRef scalarStyleName(ScalarStyle s); // "Plain", "SingleQuoted", ...

/// The YAML 1.2 core-schema type of a scalar (with an explicit standard tag
/// taking precedence). Quoted and block scalars are always strings.
enum class ScalarType : uint8_t { Null, Bool, Int, Float, String };

struct YamlNode;

struct YamlEntry {
  YamlNode *key;
  YamlNode *value;
};

struct YamlNode {
  NodeKind kind = NodeKind::Scalar;
  ScalarStyle style = ScalarStyle::Plain;
  ScalarType type = ScalarType::String; ///< scalars only
  ir::SourceRange range;
  llvm::StringRef value;  ///< scalars: decoded text
  llvm::StringRef tag;    ///< explicit tag as written resolved by libyaml ("" if none)
  llvm::StringRef anchor; ///< anchor name ("" if none)
  llvm::ArrayRef<YamlNode *> items;   ///< sequences
  llvm::ArrayRef<YamlEntry> entries;  ///< mappings, in file order

  bool isScalar() const { return kind == NodeKind::Scalar; }
  bool isSequence() const { return kind == NodeKind::Sequence; }
  bool isMapping() const { return kind == NodeKind::Mapping; }
  bool isNull() const { return isScalar() && type == ScalarType::Null; }
  /// A plain, quoted or block scalar that is typed as a string.
  bool isString() const { return isScalar() && type == ScalarType::String; }

  /// Boolean value of a Bool scalar.
  std::optional<bool> asBool() const;
  /// Numeric value of an Int or Float scalar (hex/octal/.inf/.nan included).
  std::optional<double> asNumber() const;

  /// Mapping lookup by scalar key, case-insensitive (GitHub's keys are).
  const YamlNode *get(llvm::StringRef key) const;
  const YamlEntry *getEntry(llvm::StringRef key) const;

  /// Human name of the node's shape for messages: "a string", "a mapping"...
  llvm::StringRef describe() const;
};

/// Resolves a plain scalar under the YAML 1.2 core schema.
ScalarType resolvePlainScalar(llvm::StringRef text);
/// Parses a core-schema number ("0x1F", "0o17", "1e3", ".inf", "-.Inf", ".nan").
std::optional<double> parseYamlNumber(llvm::StringRef text);

/// A parsed file: the root node (null for an empty document) and the arena
/// that owns every node and string.
class YamlDocument {
public:
  YamlNode *root = nullptr;
  ir::FileId file = 0;
  llvm::BumpPtrAllocator arena;

  YamlNode *newNode() { return new (arena.Allocate<YamlNode>()) YamlNode(); }
  llvm::StringRef copyString(llvm::StringRef s);
};

} // namespace frontend
