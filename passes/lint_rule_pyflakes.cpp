// Rule `pyflakes`: run: scripts of python steps through pyflakes, findings mapped into the YAML.
#include "passes/lint_driver.h"
#include "passes/lint_external_tool.h"
#include "passes/lint_rule.h"
#include "passes/lint_script.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

namespace passes {

namespace {

struct Script {
  const frontend::YamlNode *run;
  const frontend::YamlEntry *entry;
};

class PyflakesRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "pyflakes"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &) override { view_ = &w; }

  void visitStep(const YamlJobView &job, const YamlStepView &step, LintContext &) override {
    if (!step.run || !step.run->value->isString() || step.run->value->value.trim().empty())
      return;
    std::string shell = resolveStepShell(*view_, job, step);
    if (shell == "python" || shell == "python3")
      scripts_.push_back({step.run->value, step.run});
  }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (scripts_.empty())
      return;
    auto prog = findExternalTool(ctx.options.pyflakesPath, {"pyflakes3", "pyflakes"});
    if (!prog)
      return;
    std::vector<std::string> texts;
    for (const Script &s : scripts_)
      texts.push_back(maskExpressions(s.run->value));
    auto run = runToolOnFiles(*prog, {}, texts, "py");
    if (!run) {
      llvm::consumeError(run.takeError());
      return;
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < run->files.size(); ++i)
      index[run->files[i]] = i;
    // Lines are `FILE:LINE:COL: MESSAGE` (or `FILE:LINE: MESSAGE`); syntax
    // errors also print the source line and a caret, which are skipped.
    for (const std::string *out : {&run->out, &run->err}) {
      llvm::SmallVector<llvm::StringRef, 16> lines;
      llvm::StringRef(*out).split(lines, '\n', -1, false);
      for (llvm::StringRef l : lines) {
        for (const auto &[file, i] : index) {
          llvm::StringRef rest = l;
          if (!rest.consume_front(file) || !rest.consume_front(":"))
            continue;
          report(scripts_[i], rest, ctx);
          break;
        }
      }
    }
  }

private:
  static void report(const Script &s, llvm::StringRef rest, LintContext &ctx) {
    // rest = "LINE:COL: MESSAGE" or "LINE: MESSAGE"
    auto [lineText, afterLine] = rest.split(':');
    unsigned line = 0, col = 1;
    if (lineText.getAsInteger(10, line) || line == 0)
      return;
    llvm::StringRef msg = afterLine;
    auto [colText, afterCol] = afterLine.split(':');
    if (!colText.empty() && llvm::all_of(colText, llvm::isDigit) && !colText.getAsInteger(10, col)) {
      msg = afterCol;
    }
    msg = msg.trim();
    std::string text = std::to_string(line) + ":" + std::to_string(col) + ": " + msg.str();
    ir::SourceRange r = mapScriptRange(ctx, *s.run, line, col, 0);
    ctx.report(ir::DiagKind::LintPyflakes, r, text).valueRange = runEntryRange(*s.entry);
  }

  const YamlWorkflowView *view_ = nullptr;
  std::vector<Script> scripts_;
};

} // namespace

std::unique_ptr<LintRule> createPyflakesRule() { return std::make_unique<PyflakesRule>(); }

} // namespace passes
