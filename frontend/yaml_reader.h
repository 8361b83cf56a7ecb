/// \file
/// Reads a workflow or action file into a located YamlNode tree with GitHub's
/// YAML rules: one document, case-insensitively unique mapping keys, YAML 1.2
/// core typing, standard tags only, anchors and aliases under an expansion
/// budget, no merge keys, and limits on size, depth and node count. The only
/// place that touches libyaml.
#pragma once

#include "frontend/yaml_node.h"
#include "ir/diagnostic.h"
#include "ir/source_manager.h"

#include <memory>

namespace frontend {

struct YamlReadOptions {
  size_t maxFileSize = 1u << 20;   ///< bytes (GitHub: 1 MiB)
  unsigned maxDepth = 50;          ///< nesting of mappings/sequences (GitHub: 50)
  size_t maxNodes = 1'000'000;     ///< nodes created by the parser
  size_t aliasBudget = 1'000'000;  ///< nodes reachable through aliases, summed
  bool allowAnchors = true;
  bool allowMultipleDocuments = false;
  bool checkDuplicateKeys = true;
};

/// Parses file `file` of `sm`. Problems are reported to `diags`; the returned
/// document holds whatever was read (root may be null on fatal errors).
std::unique_ptr<YamlDocument> readYaml(const ir::SourceManager &sm, ir::FileId file,
                                       ir::DiagnosticEngine &diags,
                                       const YamlReadOptions &opts = {});

/// Source position of byte `offset` of a scalar's decoded value: aligns the
/// value with the raw text (quotes, escapes, indentation and folding skipped).
/// Falls back to the node's start when the text cannot be aligned.
ir::SourcePos scalarValuePos(const ir::SourceManager &sm, const YamlNode &node, size_t offset);
/// Range of bytes [offset, offset+len) of a scalar's value.
ir::SourceRange scalarValueRange(const ir::SourceManager &sm, const YamlNode &node,
                                 size_t offset, size_t len);

} // namespace frontend
