// Rule `deprecated-commands`: `::set-output`, `::save-state`, `::set-env`, `::add-path` in run: scripts.
#include "passes/lint_rule.h"

namespace passes {

namespace {

struct Command {
  llvm::StringLiteral marker; ///< text that starts the command in a script
  llvm::StringLiteral name;
  llvm::StringLiteral replacement;
};

const Command kCommands[] = {
    {"::set-output ", "set-output", R"(echo "{name}={value}" >> $GITHUB_OUTPUT)"},
    {"::save-state ", "save-state", R"(echo "{name}={value}" >> $GITHUB_STATE)"},
    {"::set-env ", "set-env", R"(echo "{name}={value}" >> $GITHUB_ENV)"},
    {"::add-path::", "add-path", R"(echo "{path}" >> $GITHUB_PATH)"},
};

class DeprecatedCommandsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "deprecated-commands"; }

  void visitStep(const YamlJobView &, const YamlStepView &step, LintContext &ctx) override {
    if (!step.run || !step.run->value->isScalar())
      return;
    const frontend::YamlNode &run = *step.run->value;
    llvm::StringRef script = run.value;
    if (script.find("::") == llvm::StringRef::npos)
      return;
    for (const Command &c : kCommands) {
      for (size_t at = script.find(c.marker); at != llvm::StringRef::npos;
           at = script.find(c.marker, at + 1)) {
        // `::set-output name=` needs a name; `::add-path::` a path.
        llvm::StringRef rest = script.substr(at + c.marker.size());
        if (c.name != "add-path" && !rest.ltrim(' ').startswith("name="))
          continue;
        size_t len = 2 + c.name.size();
        ctx.report(ir::DiagKind::LintDeprecatedCommand, ctx.valueRange(run, at, len), c.name,
                   c.replacement)
            .valueRange = run.range;
      }
    }
  }
};

} // namespace

std::unique_ptr<LintRule> createDeprecatedCommandsRule() {
  return std::make_unique<DeprecatedCommandsRule>();
}

} // namespace passes
