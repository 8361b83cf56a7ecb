// Rule `matrix`: duplicate values, `exclude` entries that match nothing, matrices over 256 jobs.
//
// Checks `strategy.matrix` as written (rows with `${{ }}` are skipped: their
// values are only known at run time):
// * a value listed twice in one row gives the same job twice (`matrix`);
// * an `exclude` key that no row defines, or a value that no row lists, removes
//   nothing (`matrix`);
// * more than 256 combinations after `exclude`: GitHub refuses to start the
//   workflow (`matrix-size`).
#include "passes/lint_ir.h"
#include "passes/lint_rule.h"

#include <map>

namespace passes {

namespace {

// A canonical text of a value: scalars as GitHub converts them to strings,
// quoted; sequences and mappings in JSON-like form.
std::string canon(const ir::TemplateToken &t) {
  switch (t.kind) {
  case ir::TemplateToken::Kind::Sequence: {
    std::string s = "[";
    for (size_t i = 0; i < t.items.size(); ++i)
      s += (i ? ", " : "") + canon(t.items[i]);
    return s + "]";
  }
  case ir::TemplateToken::Kind::Mapping: {
    std::string s = "{";
    for (size_t i = 0; i < t.entries.size(); ++i)
      s += (i ? ", " : "") + std::string("\"") + t.entries[i].key.value + "\": " +
           canon(t.entries[i].value);
    return s + "}";
  }
  default:
    return "\"" + t.scalarText() + "\"";
  }
}

bool hasExpression(const ir::TemplateToken &t) {
  if (t.isExpression())
    return true;
  for (const auto &i : t.items)
    if (hasExpression(i))
      return true;
  for (const auto &e : t.entries)
    if (llvm::StringRef(e.key.value).contains("${{") || hasExpression(e.value))
      return true;
  return false;
}

// GitHub matches exclude values leaf by leaf: a mapping matches a row value
// that has at least its keys with matching values.
bool excludeMatches(const ir::TemplateToken &ex, const ir::TemplateToken &v) {
  if (ex.isMapping()) {
    if (!v.isMapping())
      return false;
    for (const auto &e : ex.entries) {
      const ir::TemplateToken *other = v.get(e.key.value);
      if (!other || !excludeMatches(e.value, *other))
        return false;
    }
    return true;
  }
  if (ex.isSequence() || v.isSequence() || v.isMapping())
    return canon(ex) == canon(v);
  return ex.scalarText() == v.scalarText();
}

struct Row {
  const ir::TokenEntry *entry;
  std::vector<std::string> values; // canonical
};

class MatrixRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "matrix"; }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (!ctx.workflow)
      return;
    for (const ir::Job &j : ctx.workflow->jobs)
      if (const ir::TemplateToken *m = j.matrix(); m && m->isMapping())
        check(*m, ctx);
  }

private:
  static void check(const ir::TemplateToken &m, LintContext &ctx) {
    std::vector<Row> rows;
    const ir::TemplateToken *exclude = nullptr;
    bool dynamic = false;
    for (const ir::TokenEntry &e : m.entries) {
      llvm::StringRef k = e.key.value;
      if (k == "include")
        continue;
      if (k == "exclude") {
        exclude = &e.value;
        continue;
      }
      if (k.contains("${{") || !e.value.isSequence()) {
        dynamic = true;
        continue;
      }
      Row r{&e, {}};
      std::map<std::string, const ir::TemplateToken *> seen;
      for (const ir::TemplateToken &v : e.value.items) {
        if (hasExpression(v)) {
          dynamic = true;
          continue;
        }
        std::string c = canon(v);
        auto [it, fresh] = seen.emplace(c, &v);
        if (!fresh)
          ctx.report(ir::DiagKind::LintMatrixDuplicate, v.range, c, k, it->second->range.line,
                     it->second->range.col);
        r.values.push_back(std::move(c));
      }
      rows.push_back(std::move(r));
    }
    size_t excluded = 0;
    if (exclude && exclude->isSequence() && !dynamic)
      excluded = checkExclude(*exclude, rows, ctx);
    if (!dynamic && !rows.empty()) {
      double total = 1;
      for (const Row &r : rows)
        total *= double(r.values.size());
      if (total - double(excluded) > 256 && rows.front().entry)
        ctx.report(ir::DiagKind::LintMatrixTooLarge, m.range,
                   static_cast<uint64_t>(total - double(excluded)));
    }
  }

  // Reports exclude items that match nothing; returns how many combinations
  // the excludes remove (counted exactly when the matrix is small enough).
  static size_t checkExclude(const ir::TemplateToken &exclude, const std::vector<Row> &rows,
                             LintContext &ctx) {
    std::string available;
    for (const Row &r : rows)
      available += (available.empty() ? "" : ", ") + std::string("\"") + r.entry->key.value + "\"";
    std::vector<std::vector<std::pair<size_t, std::string>>> filters; // row index, value
    for (const ir::TemplateToken &item : exclude.items) {
      if (!item.isMapping() || hasExpression(item))
        continue;
      std::vector<std::pair<size_t, std::string>> f;
      bool matches = true;
      for (const ir::TokenEntry &e : item.entries) {
        const Row *row = nullptr;
        size_t idx = 0;
        for (size_t i = 0; i < rows.size(); ++i)
          if (llvm::StringRef(rows[i].entry->key.value).equals_insensitive(e.key.value)) {
            row = &rows[i];
            idx = i;
          }
        if (!row) {
          ctx.report(ir::DiagKind::LintMatrixExcludeKey, e.key.range, e.key.value, available);
          matches = false;
          continue;
        }
        std::string c = canon(e.value);
        bool any = false;
        for (const ir::TemplateToken &v : row->entry->value.items)
          any = any || excludeMatches(e.value, v);
        if (!any) {
          std::string possible;
          for (const std::string &v : row->values)
            possible += (possible.empty() ? "" : ", ") + v;
          ctx.report(ir::DiagKind::LintMatrixExcludeValue, e.value.range, c, e.key.value, possible);
          matches = false;
          continue;
        }
        f.emplace_back(idx, c);
      }
      if (matches)
        filters.push_back(std::move(f));
    }
    // Count removed combinations: product of the rows an exclude leaves open.
    size_t removed = 0;
    for (const auto &f : filters) {
      double n = 1;
      for (size_t i = 0; i < rows.size(); ++i) {
        bool fixed = false;
        for (const auto &[idx, v] : f)
          if (idx == i)
            fixed = true;
        if (!fixed)
          n *= double(rows[i].values.size());
      }
      removed += static_cast<size_t>(n); // overlaps make this an upper bound
    }
    return removed;
  }
};

} // namespace

std::unique_ptr<LintRule> createMatrixRule() { return std::make_unique<MatrixRule>(); }

} // namespace passes
