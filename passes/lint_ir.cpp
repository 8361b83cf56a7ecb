// Shared facts of the IR-based lint rules: scalar positions, local actions and workflows.
#include "passes/lint_ir.h"

#include "frontend/action_metadata.h"
#include "frontend/lower_workflow.h"
#include "frontend/yaml_reader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <map>

namespace passes {

using frontend::YamlNode;

static uint64_t posKey(uint32_t line, uint32_t col) { return (uint64_t(line) << 32) | col; }

struct LintFileFacts::Store {
  // One SourceManager per file read (YAML nodes point into its text).
  std::vector<std::unique_ptr<ir::SourceManager>> sms;
  ir::SourceManager &newSm() { return *sms.emplace_back(std::make_unique<ir::SourceManager>()); }
  std::vector<std::unique_ptr<frontend::YamlDocument>> docs;
  std::map<std::string, std::unique_ptr<LocalMetadata>> actions, workflows;
};

static void indexScalars(const YamlNode *n, llvm::DenseMap<uint64_t, const YamlNode *> &out,
                         unsigned depth) {
  if (!n || depth > 200)
    return;
  if (n->isScalar()) {
    out.try_emplace(posKey(n->range.line, n->range.col), n);
    return;
  }
  for (const YamlNode *i : n->items)
    indexScalars(i, out, depth + 1);
  for (const auto &e : n->entries) {
    indexScalars(e.key, out, depth + 1);
    indexScalars(e.value, out, depth + 1);
  }
}

LintFileFacts::LintFileFacts(const LintContext &ctx) : ctx_(ctx), store_(std::make_unique<Store>()) {
  indexScalars(ctx.root, scalars_, 0);
}

LintFileFacts::~LintFileFacts() = default;

const YamlNode *LintFileFacts::scalarAt(const ir::SourceRange &r) const {
  auto it = scalars_.find(posKey(r.line, r.col));
  return it == scalars_.end() ? nullptr : it->second;
}

ir::SourceRange LintFileFacts::templateRange(const ir::Template &t, size_t offset,
                                             size_t len) const {
  const YamlNode *n = scalarAt(t.range);
  if (!n || n->value.size() != t.raw.size())
    return t.range;
  return frontend::scalarValueRange(ctx_.sm, *n, offset, len);
}

static std::optional<std::string> readText(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf)
    return std::nullopt;
  return (*buf)->getBuffer().str();
}

static std::string joinRoot(llvm::StringRef root, llvm::StringRef rel) {
  llvm::SmallString<256> p(root);
  llvm::sys::path::append(p, rel);
  llvm::sys::path::remove_dots(p, /*remove_dot_dot=*/true);
  return std::string(p);
}

const LocalMetadata *LintFileFacts::localAction(llvm::StringRef uses) const {
  if (ctx_.repoRoot.empty() || !uses.startswith("./"))
    return nullptr;
  std::string key = uses.str();
  auto &slot = store_->actions[key];
  if (slot)
    return slot.get();
  slot = std::make_unique<LocalMetadata>();
  LocalMetadata &m = *slot;
  m.dir = joinRoot(ctx_.repoRoot, uses.drop_front(2));
  for (const char *name : {"action.yml", "action.yaml"}) {
    std::string p = joinRoot(m.dir, name);
    auto text = readText(p);
    if (!text)
      continue;
    m.found = true;
    m.path = p;
    ir::SourceManager &sm = store_->newSm();
    ir::FileId f = sm.addFile(p, std::move(*text));
    ir::DiagnosticEngine diags;
    auto doc = frontend::readYaml(sm, f, diags);
    if (doc && doc->root) {
      m.action = frontend::lowerAction(sm, *doc, diags);
      m.root = doc->root;
      store_->docs.push_back(std::move(doc));
    }
    diags.finalize();
    for (const auto &d : diags.diagnostics()) {
      if (d.severity != ir::Severity::Error)
        continue;
      std::string msg = "line " + std::to_string(d.range.line) + ": " + d.message;
      m.errors.push_back(msg);
      llvm::StringRef k = d.kindName();
      if (k == "syntax-check" || k == "type-mismatch" || k == "unknown-key")
        m.shapeErrors.push_back(msg);
    }
    m.parsed = m.action.has_value() && m.shapeErrors.empty();
    break;
  }
  return &m;
}

const LocalMetadata *LintFileFacts::localWorkflow(llvm::StringRef uses) const {
  if (ctx_.repoRoot.empty() || !uses.startswith("./") || uses.contains('@'))
    return nullptr;
  std::string key = uses.str();
  auto &slot = store_->workflows[key];
  if (slot)
    return slot.get();
  slot = std::make_unique<LocalMetadata>();
  LocalMetadata &m = *slot;
  m.path = joinRoot(ctx_.repoRoot, uses.drop_front(2));
  auto text = readText(m.path);
  if (!text)
    return &m;
  m.found = true;
  ir::SourceManager &sm = store_->newSm();
  ir::FileId f = sm.addFile(m.path, std::move(*text));
  ir::DiagnosticEngine diags;
  auto doc = frontend::readYaml(sm, f, diags);
  if (doc && doc->root) {
    m.workflow = frontend::lowerWorkflow(sm, *doc, diags);
    m.root = doc->root;
    store_->docs.push_back(std::move(doc));
  }
  diags.finalize();
  for (const auto &d : diags.diagnostics())
    if (d.severity == ir::Severity::Error)
      m.errors.push_back("line " + std::to_string(d.range.line) + ": " + d.message);
  m.parsed = m.workflow.has_value() && m.errors.empty();
  return &m;
}

const LintFileFacts &LintContext::facts() const {
  if (!facts_)
    facts_ = std::make_shared<LintFileFacts>(*this);
  return *facts_;
}

} // namespace passes
