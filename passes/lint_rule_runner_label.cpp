// Rule `runner-label`: unknown, retired and conflicting labels in `runs-on`.
#include "passes/lint_config.h"
#include "passes/lint_rule.h"
#include "passes/lint_runner_labels.h"

#include "llvm/ADT/StringExtras.h"

namespace passes {

namespace {

using frontend::YamlNode;

struct Label {
  const YamlNode *node;
  bool fromMatrix; ///< one of the values `${{ matrix.X }}` takes
};

// "X" when `value` is exactly `${{ matrix.X }}`.
llvm::StringRef matrixKeyOf(llvm::StringRef value) {
  llvm::StringRef v = value.trim();
  if (!v.consume_front("${{") || !v.consume_back("}}"))
    return {};
  v = v.trim();
  if (!v.consume_front("matrix."))
    return {};
  if (v.empty() || !llvm::all_of(v, [](char c) { return llvm::isAlnum(c) || c == '_' || c == '-'; }))
    return {};
  return v;
}

// The string values `matrix.<key>` takes in rows and `include` entries.
std::vector<const YamlNode *> matrixValues(const YamlNode *matrix, llvm::StringRef key) {
  std::vector<const YamlNode *> out;
  if (!matrix || !matrix->isMapping())
    return out;
  if (const YamlNode *row = matrix->get(key)) {
    if (row->isSequence()) {
      for (const YamlNode *v : row->items) {
        if (v->isString()) {
          out.push_back(v);
        } else if (v->isSequence()) { // a row value that is itself a label list
          for (const YamlNode *l : v->items)
            if (l->isString())
              out.push_back(l);
            else
              return {};
        } else {
          return {}; // not all strings: cannot tell
        }
      }
    } else {
      return {}; // an expression or other shape
    }
  }
  if (const YamlNode *inc = matrix->get("include"); inc && inc->isSequence())
    for (const YamlNode *item : inc->items)
      if (item->isMapping())
        if (const YamlNode *v = item->get(key)) {
          if (!v->isString())
            return {};
          out.push_back(v);
        }
  return out;
}

class RunnerLabelRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "runner-label"; }

  void visitJobPre(const YamlJobView &job, LintContext &ctx) override {
    const YamlNode *runsOn = job.runsOn;
    if (!runsOn)
      return;
    std::vector<const YamlNode *> raw;
    if (runsOn->isScalar()) {
      raw.push_back(runsOn);
    } else if (runsOn->isSequence()) {
      raw.assign(runsOn->items.begin(), runsOn->items.end());
    } else if (runsOn->isMapping()) {
      if (runsOn->get("group"))
        return; // labels of a runner group are the group's business
      const YamlNode *labels = runsOn->get("labels");
      if (!labels)
        return;
      if (labels->isScalar())
        raw.push_back(labels);
      else if (labels->isSequence())
        raw.assign(labels->items.begin(), labels->items.end());
    }
    std::vector<std::vector<Label>> entries;
    bool selfHosted = false;
    for (const YamlNode *n : raw) {
      if (!n->isString() || n->value.empty())
        continue;
      if (!n->value.contains("${{")) {
        entries.push_back({{n, false}});
        if (n->value.equals_insensitive("self-hosted"))
          selfHosted = true;
        continue;
      }
      llvm::StringRef key = matrixKeyOf(n->value);
      if (key.empty())
        continue;
      std::vector<Label> alts;
      for (const YamlNode *v : matrixValues(job.matrix, key))
        if (!v->value.contains("${{"))
          alts.push_back({v, true});
      if (!alts.empty())
        entries.push_back(std::move(alts));
    }

    // Unknown and retired labels.
    for (const auto &entry : entries)
      for (const Label &l : entry) {
        llvm::StringRef v = l.node->value;
        const RunnerLabelInfo *info = findRunnerLabel(v);
        if (info && info->retired && !ctx.config.hasRunnerLabel(v))
          ctx.report(ir::DiagKind::LintRunnerLabelRetired, l.node->range, v, info->replacement);
        if (!info && !selfHosted && !ctx.config.hasRunnerLabel(v))
          ctx.report(ir::DiagKind::LintRunnerLabelUnknown, l.node->range, v,
                     availableRunnerLabels());
      }

    // Conflicts with earlier literal labels.
    std::vector<std::pair<const YamlNode *, const RunnerLabelInfo *>> seen;
    for (const auto &entry : entries) {
      for (const Label &l : entry) {
        const RunnerLabelInfo *info = findRunnerLabel(l.node->value);
        if (!info || ctx.config.hasRunnerLabel(l.node->value))
          continue;
        for (const auto &[prevNode, prev] : seen)
          if (runnerLabelsConflict(*prev, *info)) {
            ctx.report(ir::DiagKind::LintRunnerLabelConflict, l.node->range, l.node->value,
                       prevNode->value, prevNode->range.line, prevNode->range.col);
            break;
          }
      }
      if (entry.size() == 1 && !entry[0].fromMatrix)
        if (const RunnerLabelInfo *info = findRunnerLabel(entry[0].node->value))
          seen.emplace_back(entry[0].node, info);
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createRunnerLabelRule() { return std::make_unique<RunnerLabelRule>(); }

} // namespace passes
