// Rule `shellcheck`: run: scripts of bash/sh steps through shellcheck, findings mapped into the YAML.
#include "passes/lint_driver.h"
#include "passes/lint_external_tool.h"
#include "passes/lint_rule.h"
#include "passes/lint_script.h"

#include <nlohmann/json.hpp>

#include <map>

namespace passes {

namespace {

// Checks that do not fit scripts embedded in workflows (actionlint excludes
// the same): SC1091 sourced file not found (CI-only paths); SC2194, SC2050,
// SC2157 constant words/expressions (what `${{ }}` masking produces); SC2154
// variable referenced but not assigned (it comes from `env:`); SC2043 loop
// over one word and SC2153 possible misspelling (both fire on masked `${{ }}`
// and on variables set by `env:`).
constexpr const char *kExcluded = "SC1091,SC2194,SC2050,SC2154,SC2157,SC2043,SC2153";

struct Script {
  const YamlStepView *step;
  const frontend::YamlNode *run;
  const frontend::YamlEntry *entry;
};

class ShellcheckRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "shellcheck"; }

  void visitWorkflowPre(const YamlWorkflowView &w, LintContext &) override { view_ = &w; }

  void visitStep(const YamlJobView &job, const YamlStepView &step, LintContext &) override {
    if (!step.run || !step.run->value->isString() || step.run->value->value.trim().empty())
      return;
    std::string shell = resolveStepShell(*view_, job, step);
    if (shell == "bash" || shell == "sh" || shell == "dash" || shell == "ksh")
      byShell_[shell].push_back({&step, step.run->value, step.run});
  }

  void visitWorkflowPost(const YamlWorkflowView &, LintContext &ctx) override {
    if (byShell_.empty())
      return;
    auto prog = findExternalTool(ctx.options.shellcheckPath, {"shellcheck"});
    if (!prog)
      return; // not installed: the check is optional
    for (const auto &[shell, scripts] : byShell_)
      check(*prog, shell, scripts, ctx);
  }

private:
  static void check(const std::string &prog, const std::string &shell,
                    const std::vector<Script> &scripts, LintContext &ctx) {
    std::vector<std::string> texts;
    for (const Script &s : scripts)
      texts.push_back(maskExpressions(s.run->value));
    auto run = runToolOnFiles(prog, {"--norc", "-f", "json1", "--shell=" + shell, "-e", kExcluded},
                              texts, "sh");
    if (!run) {
      llvm::consumeError(run.takeError());
      return;
    }
    auto json = nlohmann::json::parse(run->out, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("comments") || !json["comments"].is_array())
      return;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < run->files.size(); ++i)
      index[run->files[i]] = i;
    for (const auto &c : json["comments"]) {
      if (!c.is_object())
        continue;
      auto it = index.find(c.value("file", ""));
      if (it == index.end())
        continue;
      const Script &s = scripts[it->second];
      uint32_t line = c.value("line", 1u), col = c.value("column", 1u);
      uint32_t endLine = c.value("endLine", line), endCol = c.value("endColumn", col);
      std::string level = c.value("level", "warning");
      ir::SourceRange r =
          mapScriptRange(ctx, *s.run, line, col, endLine == line ? endCol : col);
      ir::Diagnostic &d = ctx.report(ir::DiagKind::LintShellcheck, r, c.value("code", 0), level,
                                     line, col, c.value("message", ""));
      d.severity = level == "error"     ? ir::Severity::Error
                   : level == "warning" ? ir::Severity::Warning
                                        : ir::Severity::Note;
      d.valueRange = runEntryRange(*s.entry);
    }
  }

  const YamlWorkflowView *view_ = nullptr;
  std::map<std::string, std::vector<Script>> byShell_;
};

} // namespace

std::unique_ptr<LintRule> createShellcheckRule() { return std::make_unique<ShellcheckRule>(); }

} // namespace passes
