// Rule `credentials`: registry passwords of `container:` and `services:` written as literals.
#include "passes/lint_rule.h"

namespace passes {

namespace {

using frontend::YamlNode;

class CredentialsRule final : public LintRule {
public:
  llvm::StringRef name() const override { return "credentials"; }

  void visitJobPre(const YamlJobView &job, LintContext &ctx) override {
    check(job.container, "\"container\" section", ctx);
    if (job.services && job.services->isMapping())
      for (const auto &s : job.services->entries)
        check(s.value, "\"" + s.key->value.str() + "\" service", ctx);
  }

private:
  static void check(const YamlNode *container, const std::string &where, LintContext &ctx) {
    if (!container || !container->isMapping())
      return;
    const YamlNode *creds = container->get("credentials");
    if (!creds || !creds->isMapping())
      return;
    const YamlNode *pw = creds->get("password");
    if (!pw || !pw->isScalar() || pw->isNull() || pw->value.empty())
      return;
    if (pw->value.contains("${{"))
      return; // from secrets, inputs, ... : fine
    ctx.report(ir::DiagKind::LintCredentials, pw->range, where);
  }
};

} // namespace

std::unique_ptr<LintRule> createCredentialsRule() { return std::make_unique<CredentialsRule>(); }

} // namespace passes
