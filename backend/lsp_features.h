/// \file
/// Editor features of the language server behind one interface, so that the
/// features computed from the lowered IR (types of expressions, contexts and
/// their properties, matrix keys, outputs) can be added as another provider
/// without touching the protocol code. The server asks its providers in
/// order and takes the first non-empty answer.
///
/// `createYamlLanguageFeatures()` answers from the located YAML tree and the
/// text alone, which also works while the file is half-typed:
/// - document symbols: jobs with their steps (and composite action steps);
/// - completion: keys allowed at the cursor (lsp_workflow_keys.h, the place
///   found from indentation), job ids in `needs:` and after `needs.`, matrix
///   keys after `matrix.`, step ids after `steps.`, context names and
///   functions inside `${{ }}`, runner labels after `runs-on:`;
/// - definition: from a `needs:` entry or a `needs.X` reference to job X;
/// - hover: the job a `needs` entry or `needs.X` points to, and what a key means.
#pragma once

#include "backend/lsp_document.h"
#include "frontend/yaml_node.h"
#include "ir/source_manager.h"
#include "passes/lint_rule.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace backend {

/// What a feature request sees: the document, its text registered in a
/// SourceManager, and its YAML tree (root null when it does not parse).
struct FeatureContext {
  const LspDocument &doc;
  const ir::SourceManager &sm;
  ir::FileId file;
  const frontend::YamlDocument &yaml;
  passes::LintFileKind kind;
};

struct HoverInfo {
  std::string markdown;
  ir::SourceRange range; ///< what the hover is about (optional)
};

enum class CompletionKind : uint8_t { Property, Event, Value, Variable, Function, Reference };

struct CompletionEntry {
  std::string label;
  std::string detail;
  std::string insertText; ///< "" = label
  CompletionKind kind = CompletionKind::Property;
};

enum class SymbolKind : uint8_t { Trigger, Job, Step };

struct SymbolEntry {
  std::string name;
  std::string detail;
  SymbolKind kind = SymbolKind::Job;
  ir::SourceRange range;     ///< the whole construct
  ir::SourceRange selection; ///< its name
  std::vector<SymbolEntry> children;
};

class LanguageFeatures {
public:
  virtual ~LanguageFeatures();
  virtual std::optional<HoverInfo> hover(const FeatureContext &, ir::SourcePos) {
    return std::nullopt;
  }
  virtual std::vector<CompletionEntry> complete(const FeatureContext &, ir::SourcePos) {
    return {};
  }
  virtual std::optional<ir::SourceRange> definition(const FeatureContext &, ir::SourcePos) {
    return std::nullopt;
  }
  virtual std::vector<SymbolEntry> documentSymbols(const FeatureContext &) { return {}; }
};

std::unique_ptr<LanguageFeatures> createYamlLanguageFeatures();

/// The key path at a position, from indentation alone (works on broken
/// YAML): {"jobs", "build", "steps", "-"} inside a step mapping.
std::vector<std::string> keyPathAt(const LspDocument &doc, ir::SourcePos pos);

} // namespace backend
